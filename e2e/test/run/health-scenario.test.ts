// The health evaluation in scenarios (issue 16, ime.md §8): the `imeService` action, the `health` expectation
// (passing and failing with what it found), the opt-in, and `imesim explain`'s narration.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { actionEntry, timelineEntry } from "../../src/run/reports.ts";
import { runScenario } from "../../src/run/run-scenario.ts";
import { parseScenario } from "../../src/scenario/index.ts";

const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));
const LIBRARY = fileURLToPath(new URL("../../scenarios/", import.meta.url));

const APP = `apps:
  - name: Anything
    short: { install: a.exe, detection: [{ file: C:\\a.exe }] }
    package: { files: { a.exe: x } }
`;
const load = (text: string) => parseScenario(text, { file: "inline.yaml", baseDir: LIBRARY });
/** A day and two hours with the health task on: the app, then `rest` (actions and expectations). */
const withHealth = (name: string, rest: string) =>
  runScenario(load(`name: ${name}\nduration: 1d2h\nhealth: { seed: t }\n${APP}${rest}`));

describe("health evaluation scenarios", () => {
  it("an IME stopped at 1 h stays stopped until the task starts it; the expectation reads the report", async () => {
    const result = await withHealth(
      "stopped",
      `actions:
  - { at: 1h, do: imeService, state: stopped }
expect:
  - health: { runs: 1, overallState: Remediated, remediated: [IMEServiceRunning] }
  - health: { overallState: Healthy }
  - health: { runs: 3 }
`,
    );
    expect(result.errors).toEqual([]);
    const [held, wrongState, wrongRuns] = result.expectations;
    expect(held).toMatchObject({ passed: true, subject: "health evaluation" });
    expect(wrongState).toMatchObject({
      passed: false,
      detail: "expected OverallState Healthy, found Remediated",
    });
    expect(wrongRuns).toMatchObject({ passed: false, detail: "expected 3 runs, found 1" });
    const events = result.devices[0]!.outcome.events;
    const repairedAt = events.find((e) => e.phase === "health.started")!.simTime;
    const checkins = events
      .filter((e) => e.phase === "checkin.started")
      .map((e) => e.simTime - result.scenario.startMs);
    expect(checkins.filter((t) => t > 3_600_000 && t < repairedAt - result.scenario.startMs)).toEqual([]);
    expect(
      events.filter((e) => e.phase === "checkin.started" && e.simTime > repairedAt).length,
    ).toBeGreaterThan(0);
  });

  it("a disabled IME does not start when asked to; the timeline shows the action and the task's verdict", async () => {
    const result = await withHealth(
      "disabled",
      `actions:
  - { at: 1h, do: imeService, state: stopped, startType: disabled }
  - { at: 2h, do: imeService, state: running }
`,
    );
    const events = result.devices[0]!.outcome.events;
    const started = events.filter((e) => e.phase === "service.started").map((e) => e.details.reason);
    // The scenario's start and the task's repair, never the refused start at 2 h.
    expect(started).toEqual(["start", "restart"]);
    const health = events.find((e) => e.phase === "health.completed")!;
    expect(timelineEntry(health, () => "")).toBe("health evaluation: Remediated, 2 check(s) remediated");
    expect(actionEntry(result.scenario.actions[0]!)).toBe("IME service: stop, start-up type disabled");
  });

  it("is off without a health section, action or expectation: no ClientHealth.log", async () => {
    const result = await runScenario(
      load(
        `name: plain\nduration: 1d2h\n${APP}expect:\n  - log: ClientHealth.log\n    count: 0\n    contains: Health\n`,
      ),
    );
    expect(result.expectations.every((e) => e.passed)).toBe(true);
    expect(result.devices[0]!.outcome.events.some((e) => e.phase.startsWith("health."))).toBe(false);
  });

  it("a health expectation without a run says the report is missing", async () => {
    const result = await runScenario(
      load(`name: early\nduration: 2h\n${APP}expect:\n  - health: { overallState: Healthy }\n`),
    );
    expect(result.expectations[0]).toMatchObject({
      passed: false,
      detail: expect.stringContaining("HealthReport.json on the device (the task never ran)"),
    });
  });

  it("explain narrates the task, its checks and repairs, marking the lines as imesim's wording", () => {
    const run = spawnSync(process.execPath, [BIN, "explain", `${LIBRARY}health-repair.yaml`], {
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    for (const title of [
      "Health evaluation scheduled",
      "Health evaluation started",
      "Health check remediated",
      "Health report written",
    ])
      expect(run.stdout).toContain(title);
    expect(run.stdout).toContain(
      "log  ClientHealth.log (imesim's wording): [Remediation] IMEServiceStartupType: resetStartupType succeeded",
    );
    expect(run.stdout).toContain("no public sample of the real file is known");
  });
});
