import { defineConfig } from "vitest/config";

// One vitest run covers every workspace: each package keeps its tests in <package>/test.
// Under CI a JSON report is written too, so .ci/run can print a plain "N passed, N failed" line.
export default defineConfig({
  test: {
    include: ["{contracts,mock-service,agent,e2e}/test/**/*.test.ts"],
    // Docker's suite runs on its own (`npm run test:containers`, vitest.containers.config.ts).
    exclude: ["e2e/test/containers/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci/out/vitest.json" }]] : ["default"],
  },
});
