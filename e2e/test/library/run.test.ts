// Every scenario of the library, run as `imesim run` runs it: mock + agent in this process on virtual time.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/run/run-scenario.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";
import {
  backwardTimes,
  checkFlowOrder,
  checkReboots,
  checkRelationOrder,
  checkSessionLines,
  grammarViolations,
  instantDownloads,
  misplacedDownloadDeltas,
} from "./log-fidelity.ts";

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
    // The logs a reader of real ones would accept (issue 13): grammar, forward time, §11a's orders, durations.
    for (const device of result.devices) {
      for (const file of ["AppWorkload.log", "IntuneManagementExtension.log", "AgentExecutor.log"] as const) {
        const text = device.outcome.readLog(file);
        expect({ file, grammar: grammarViolations(text), backwards: backwardTimes(text) }).toEqual({
          file,
          grammar: "",
          backwards: [],
        });
      }
      const appWorkload = device.outcome.readLog("AppWorkload.log");
      const order = checkFlowOrder(appWorkload);
      expect(order.problems).toEqual([]);
      // The checks bite: the plain required install has a whole flow to check.
      if (file === "required-install.yaml") expect(order.flows).toBeGreaterThan(0);
      expect(instantDownloads(appWorkload)).toEqual([]);
      // §11a's dependency and supersedence orders, session lines, reboots and the Download-state delta.
      const relations = checkRelationOrder(appWorkload);
      expect(relations.problems).toEqual([]);
      if (file === "dependencies.yaml" || file === "supersedence.yaml")
        expect(relations.checked).toBeGreaterThan(1);
      const sessions = checkSessionLines(appWorkload);
      expect(sessions.problems).toEqual([]);
      expect(sessions.sessions).toBeGreaterThan(0);
      const reboots = checkReboots(device.outcome.readLog("IntuneManagementExtension.log"), appWorkload);
      expect(reboots.problems).toEqual([]);
      if (file === "reboots.yaml") expect(reboots.reboots).toBeGreaterThan(0);
      expect(misplacedDownloadDeltas(appWorkload)).toEqual([]);
    }
  });
});
