// AgentExecutor's time-outs in scenarios (issue 16; ime.md §11b, S12 REM-INSTALL-MODULE): a scripted result
// with a `duration` past the timeout is killed there and Graph shows a script error.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/run/run-scenario.ts";
import { parseScenario } from "../../src/scenario/index.ts";

const LIBRARY = fileURLToPath(new URL("../../scenarios/", import.meta.url));

describe("script time-outs", () => {
  it("a detection that runs 2 h is killed at 3600 s and reported as a script error", async () => {
    const scenario = parseScenario(
      `name: hung detection
duration: 1h30m
apps:
  - name: Anything
    short: { install: a.exe, detection: [{ file: C:\\a.exe }] }
    package: { files: { a.exe: x } }
remediations:
  - name: Hangs
    detectionResults: [{ exitCode: 0, duration: 2h }]
    remediationResults: [{ exitCode: 0 }]
    schedule: { hourly: 1 }
expect:
  - { scriptRun: Hangs, detectionState: scriptError }
  - log: AgentExecutor.log
    contains: "Error:Powershell script execution timed out. timeout = 3600 seconds"
    count: 1
`,
      { file: "inline.yaml", baseDir: LIBRARY },
    );
    const result = await runScenario(scenario);
    expect(result.errors).toEqual([]);
    expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
  });
});
