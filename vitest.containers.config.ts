import { defineConfig } from "vitest/config";

// The testcontainers suite: the built images (imesim/*:dev) under Docker, run by `npm run test:containers`
// after the compose scenarios, never by `npm test` (which must pass on a machine without Docker).
export default defineConfig({
  test: {
    include: ["e2e/test/containers/**/*.test.ts"],
    testTimeout: 360_000,
    hookTimeout: 240_000,
    pool: "forks",
    // One container test file at a time: two CPUs, and the agents' scaled clocks must not starve.
    fileParallelism: false,
    reporters: process.env.CI
      ? ["default", ["json", { outputFile: ".ci/out/vitest-containers.json" }]]
      : ["default"],
  },
});
