import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../src/scenario/index.ts";

const LIBRARY = fileURLToPath(new URL("../../scenarios/", import.meta.url));
const files = readdirSync(LIBRARY)
  .filter((name) => name.endsWith(".yaml"))
  .sort();

describe("the scenario library", () => {
  it("has the scenarios the issue lists", () => {
    expect(files.length).toBeGreaterThanOrEqual(19);
  });

  it.each(files)("%s is valid and states what it expects", (file) => {
    const scenario = loadScenarioFile(`${LIBRARY}${file}`);
    expect(scenario.source.expect?.length ?? 0).toBeGreaterThan(0);
  });
});
