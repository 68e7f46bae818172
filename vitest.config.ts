import { defineConfig } from "vitest/config";

// One vitest run covers every workspace: each package keeps its tests in <package>/test.
export default defineConfig({
  test: {
    include: ["{contracts,mock-service,agent,e2e}/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
