import type { ImeEvent } from "@imesim/agent/events";
import { describe, expect, it } from "vitest";
import { formatNarration, narrate } from "../../src/explain/narrate.ts";
import { fleetSummary, formatFleetSummary, portalStatusOf } from "../../src/run/fleet-summary.ts";
import { formatJunitReport, formatOffset, formatTimeline } from "../../src/run/reports.ts";
import type { AppFinalState, DeviceRun, RunResult } from "../../src/run/result.ts";
import { parseScenario } from "../../src/scenario/index.ts";

const state = (
  appName: string,
  enforcementState: number | undefined,
  errorCode = 0,
  applicability = 0,
): AppFinalState => ({
  appId: appName,
  appName,
  userId: "00000000-0000-0000-0000-000000000000",
  userName: undefined,
  version: 1,
  enforcementState,
  errorCode,
  complianceState: undefined,
  applicability,
});
/** A device that received the given app lists (none: it never checked in) and ended with `states`. */
const device = (
  number: number,
  states: AppFinalState[],
  appLists: string[][] = [states.map((s) => s.appId)],
) =>
  ({
    deviceId: `d${number}`,
    deviceName: `PC${number}`,
    finalStates: states,
    outcome: {
      number,
      events: appLists.map((ids) => ({
        phase: "apps.received",
        details: { count: ids.length, session: 1, policiesJson: JSON.stringify(ids.map((Id) => ({ Id }))) },
      })),
    },
  }) as unknown as DeviceRun;

describe("fleet summary", () => {
  it("buckets states as the portal does and counts error codes", () => {
    expect([1000, 2009, 3000, 5000, 6004, undefined].map((code) => portalStatusOf(state("a", code)))).toEqual(
      ["installed", "pending", "notApplicable", "failed", "notInstalled", "pending"],
    );
    expect(portalStatusOf(state("a", 1000, 0, 1002))).toBe("notApplicable");
    const devices = [
      device(1, [state("Tool", 1000)]),
      device(2, [state("Tool", 5000, -2016345060)]),
      device(3, [state("Tool", 5000, -2016345060)]),
      device(4, [], [["Tool"]]),
    ];
    const [summary] = fleetSummary([{ id: "Tool", name: "Tool" }], devices);
    expect(summary).toEqual({
      appName: "Tool",
      counts: {
        installed: 1,
        failed: 2,
        pending: 1,
        notApplicable: 0,
        notInstalled: 0,
        notTargeted: 0,
        notCheckedIn: 0,
      },
      errorCodes: { "0x87D1041C": 2 },
    });
    expect(formatFleetSummary([summary!], 4)).toContain("errors: 0x87D1041C ×2");
  });

  it("counts an app that never reached a device as not targeted or not checked in, never as pending", () => {
    const devices = [
      device(1, [], [["Other"], []]), // app lists came, without the app
      device(2, [], []), // no app list ever came
      device(3, [], [["OTHER", "TOOL"]]), // the list named it (ids compare case-insensitively), no state yet
    ];
    const [summary] = fleetSummary([{ id: "tool", name: "Tool" }], devices);
    expect(summary?.counts).toMatchObject({ pending: 1, notTargeted: 1, notCheckedIn: 1 });
    const table = formatFleetSummary([summary!], 3).split("\n");
    expect(table[1]).toBe(
      "app   installed  failed  pending  not applicable  not installed  not targeted  not checked in",
    );
    expect(table[2]).toMatch(/^Tool\s+0\s+0\s+1\s+0\s+0\s+1\s+1$/);
  });

  it("reads each device's lists for their own ids when devices receive the same list texts in turn", () => {
    const devices = [
      device(1, [], [["Tool"], ["Tool"]]),
      device(2, [], [["Other"]]),
      device(3, [], [["Tool"]]),
      device(4, [], [["Other"], ["Other"]]),
    ];
    const [summary] = fleetSummary([{ id: "tool", name: "Tool" }], devices);
    expect(summary?.counts).toMatchObject({ pending: 2, notTargeted: 2, notCheckedIn: 0 });
  });
});

describe("run reports", () => {
  const scenario = parseScenario(
    "name: r & d\nduration: 1h\napps:\n  - name: Tool\n    short: {install: x.exe, detection: [{file: C:\\\\x}]}\n",
    {
      file: "r.yaml",
      baseDir: "/",
    },
  );
  const result: RunResult = {
    scenario,
    devices: [device(1, [state("Tool", 5000)])],
    expectations: [
      {
        index: 0,
        device: 1,
        passed: true,
        subject: 'app "Tool" attempts',
        detail: "expected 1 install runs, found 1",
      },
      {
        index: 1,
        device: 1,
        passed: false,
        subject: 'app "Tool" enforcementState',
        detail: "expected 1000 (Success), found 5000 (Error) <x>",
      },
    ],
    passed: false,
    errors: [],
    wallMs: 1234,
    simulatedMs: 3_600_000,
    outDir: undefined,
  };

  it("writes one JUnit test case per expectation, failures with their reason, escaped", () => {
    const xml = formatJunitReport(result);
    expect(xml).toContain('<testsuite name="r &amp; d" tests="2" failures="1" errors="0" time="1.234">');
    expect(xml).toContain('<failure message="expected 1000 (Success), found 5000 (Error) &lt;x&gt;"/>');
  });

  it("formats offsets from the scenario start", () => {
    expect(formatOffset(0)).toBe("+00:00:00");
    expect(formatOffset(26 * 3_600_000 + 61_000)).toBe("+1d02:01:01");
  });

  it("narrates events with the IME's reasons, its log lines and registry writes", () => {
    const appId = scenario.apps[0]?.id ?? "";
    const base = {
      deviceId: "d",
      userId: "00000000-0000-0000-0000-000000000000",
      appId,
      wallTime: 0,
      thread: 7,
    };
    const events = [
      {
        ...base,
        seq: 1,
        simTime: scenario.startMs + 147_000,
        phase: "install.finished",
        details: {
          exitCode: 1603,
          timedOut: false,
          mapping: undefined,
          errorCode: -2147023293,
          deviceRestartBehavior: 0,
        },
      },
      {
        ...base,
        seq: 2,
        simTime: scenario.startMs + 148_000,
        phase: "state.enforcement",
        details: {
          keyPath: "HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Win32Apps\\x",
          enforcementState: 5000,
          errorCode: -2147023293,
        },
      },
    ] as ImeEvent[];
    const steps = narrate(events, scenario.startMs, () => "Tool");
    expect(steps[0]).toMatchObject({ at: "+00:02:27", title: "Installer finished", app: "Tool" });
    expect(steps[0]?.why).toContain("HRESULT_FROM_WIN32");
    expect(steps[0]?.logLines.some((line) => line.includes("lpExitCode 1603"))).toBe(true);
    expect(steps[1]?.registryWrites[0]).toContain('EnforcementStateMessage = {"EnforcementState":5000');
    expect(formatNarration(steps)).toContain("   1. +00:02:27  Installer finished — Tool");
    expect(formatTimeline(events, scenario.startMs, () => "Tool")).toEqual([
      "  +00:02:27    Tool: exit code 1603 → unmapped",
    ]);
  });

  it("tells the Company Portal's text for a supersedence outcome (ime.md §11a Reporting)", () => {
    const report = (state: number) =>
      ({
        deviceId: "d",
        userId: "00000000-0000-0000-0000-000000000000",
        appId: scenario.apps[0]?.id ?? "",
        wallTime: 0,
        thread: 52,
        seq: 1,
        simTime: scenario.startMs,
        phase: "report.sent",
        details: { report: { EnforcementState: state }, statusServiceReport: {} },
      }) as unknown as ImeEvent;
    const [removed, plain] = narrate([report(1016), report(1000)], scenario.startMs, () => "Old");
    expect(removed?.why).toContain('"App was removed in order to install a superseding app."');
    expect(plain?.why).not.toContain("Company Portal says");
  });

  it("marks the log lines whose real wording is not known, and only those", () => {
    const event = {
      deviceId: "d",
      userId: "00000000-0000-0000-0000-000000000000",
      appId: scenario.apps[0]?.id ?? "",
      wallTime: 0,
      thread: 7,
      seq: 1,
      simTime: scenario.startMs + 60_000,
      phase: "install.retryScheduled",
      details: { retry: 1, delayMs: 300_000 },
    } as ImeEvent;
    const [retry] = narrate([event], scenario.startMs, () => "Tool");
    expect(retry?.logLines).toEqual([
      "AppWorkload.log (imesim's wording): [Win32App] Retry code returned, retry 1 will start in 5 minutes",
    ]);
    const [known] = narrate(
      [{ ...event, phase: "reboot.blocking", details: {} } as ImeEvent],
      scenario.startMs,
      () => "Tool",
    );
    expect(known?.logLines).toEqual([
      "AppWorkload.log: [Win32App][V3Processor] A restart is required to continue processing apps. Stop processing.",
    ]);
  });
});
