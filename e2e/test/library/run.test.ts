// Every scenario of the library, run as `imesim run` runs it: mock + agent in this process on virtual time.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/run/run-scenario.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";

const LIBRARY = fileURLToPath(new URL("../../scenarios/", import.meta.url));
const files = readdirSync(LIBRARY)
  .filter((name) => name.endsWith(".yaml"))
  .sort();

describe("scenario library runs", () => {
  it.each(files)("%s: every expectation holds", async (file) => {
    const result = await runScenario(loadScenarioFile(`${LIBRARY}${file}`));
    const broken = result.expectations
      .filter((check) => !check.passed)
      .map((check) => `expect[${check.index}] ${check.subject}: ${check.detail}`);
    expect([...result.errors, ...broken]).toEqual([]);
    expect(result.expectations.length).toBeGreaterThan(0);
  });
});
