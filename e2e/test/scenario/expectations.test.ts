import type { ImeEvent } from "@imesim/agent/events";
import { createDevice } from "@imesim/agent/host";
import { createImeStateStore } from "@imesim/agent/ime";
import { describe, expect, it } from "vitest";
import { checkExpectations, type DeviceOutcome } from "../../src/scenario/expectations.ts";
import { parseScenario } from "../../src/scenario/index.ts";

const SCENARIO = `
name: expectations
duration: 1d
apps:
  - name: Tool
    short:
      install: setup.exe /S
      detection:
        - file: C:\\Program Files\\Tool\\tool.exe
    assignments:
      - intent: required
expect:
  - app: Tool
    enforcementState: Error
    errorCode: "0x87D1041C"
    attempts: 2
    detected: false
    inGrs: true
  - registry: HKLM\\SOFTWARE\\Contoso
    name: Version
    equals: "2.0"
  - file: "%ProgramFiles%\\\\Tool\\\\tool.exe"
    exists: false
  - log: AppWorkload.log
    contains: lpExitCode is defined as Success
    count: 2
  - service: Tool
    installState: failed
    errorCode: -2016345060
`;

const DEVICE = "00000000-0000-0000-0000-000000000000";

/** A device that tried Tool twice, ended in 0x87D1041C, with GRS recorded — as the agent would leave it. */
function outcome(enforcementState: number): DeviceOutcome {
  const scenario = parseScenario(SCENARIO, { file: "e.yaml", baseDir: "/" });
  const appId = scenario.apps[0]?.id ?? "";
  const host = createDevice({ backend: "memory", clock: { now: () => Date.UTC(2026, 0, 5) } });
  const state = createImeStateStore(host.registry);
  const ref = { userId: DEVICE, appId, version: 1 };
  state.writeEnforcement(
    ref,
    { EnforcementState: enforcementState, ErrorCode: -2016345060, TargetingMethod: 0 },
    Date.UTC(2026, 0, 5),
  );
  state.recordGrs(DEVICE, "hash", appId, Date.UTC(2026, 0, 5));
  host.registry.setValue("HKLM\\SOFTWARE\\Contoso", "Version", { type: "REG_SZ", data: "2.0" });
  const base = { deviceId: "d", userId: DEVICE, appId, simTime: 0, wallTime: 0, thread: 1 };
  const events = [
    { ...base, seq: 1, phase: "install.started", details: {} },
    { ...base, seq: 2, phase: "install.started", details: {} },
    {
      ...base,
      seq: 3,
      phase: "detection.completed",
      details: { detected: false, ruleLines: [], afterExecution: true },
    },
  ] as unknown as ImeEvent[];
  const line = (message: string) =>
    `<![LOG[${message}]LOG]!><time="08:00:00.0000000" date="1-5-2026" component="AppWorkload" context="" type="1" thread="1" file="">\r\n`;
  const log = `\uFEFF${line("[Win32App] lpExitCode 0")}${line("[Win32App] lpExitCode is defined as Success")}${line("[Win32App] lpExitCode is defined as Success")}`;
  return {
    number: 1,
    events,
    state,
    host,
    readLog: (file) => (file === "AppWorkload.log" ? log : ""),
    serviceStatus: () => ({ installState: "failed", errorCode: -2016345060 }),
  };
}

describe("expectations", () => {
  it("hold when the device ended as the scenario says", () => {
    const scenario = parseScenario(SCENARIO, { file: "e.yaml", baseDir: "/" });
    const results = checkExpectations(scenario, [outcome(5000)]);
    expect(results.filter((r) => !r.passed)).toEqual([]);
    expect(results).toHaveLength(9);
  });

  it("say which expectation broke and why", () => {
    const scenario = parseScenario(SCENARIO, { file: "e.yaml", baseDir: "/" });
    const failed = checkExpectations(scenario, [outcome(1000)]).filter((r) => !r.passed);
    expect(failed).toEqual([
      {
        index: 0,
        device: 1,
        passed: false,
        subject: 'app "Tool" enforcementState',
        detail: "expected 5000 (Error), found 1000 (Success)",
      },
    ]);
  });
});
