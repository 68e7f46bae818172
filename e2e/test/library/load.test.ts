import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../src/scenario/index.ts";

const LIBRARY = fileURLToPath(new URL("../../scenarios/", import.meta.url));
const yamlIn = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => `${dir}${name}`);
const files = yamlIn(LIBRARY);

describe("the scenario library", () => {
  it("has the scenarios the issue lists", () => {
    expect(files.length).toBeGreaterThanOrEqual(19);
  });

  it.each(files.map((file) => [file.slice(LIBRARY.length), file]))(
    "%s is valid and states what it expects",
    (_name, file) => {
      const scenario = loadScenarioFile(file);
      expect(scenario.source.expect?.length ?? 0).toBeGreaterThan(0);
    },
  );
});
