// The PowerShell workloads on virtual time (issue 16): platform scripts once per version with the three-run
// limit and the admin's reset, remediations on their schedules fixing drift, both reported to the service.

import { createDevice, createInterpretingScriptRunner, createScriptedRunner } from "@imesim/agent/host";
import type { HealthScriptPolicy, PlatformScriptPolicy, ScriptResult } from "@imesim/contracts/gateway";
import { describe, expect, it } from "vitest";
import { createAgent } from "../../../src/agent.ts";
import { createVirtualClock } from "../../../src/clock/index.ts";
import { type ImeEvent, recordEvents } from "../../../src/events/index.ts";
import { createScriptedInstaller } from "../../../src/host/installer/scripted.ts";
import type { ScriptRunner } from "../../../src/host/scripts/script-runner.ts";
import type { ScriptSessionRequest } from "../../../src/service-client/types.ts";
import { createFakeService, fakeCodec, fileRegistryEvaluator } from "../../support/fakes.ts";
import { HOUR, MINUTE, T0 } from "../../support/harness.ts";

const DEVICE = "00000000-0000-0000-0000-000000000000";
const text = (bytes: Uint8Array) =>
  Buffer.from(bytes)
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trim();
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const POLICY_KEY = "HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Policies";

function platform(id: string, script: string, version = 1): PlatformScriptPolicy {
  return {
    PolicyId: id,
    PolicyVersion: version,
    FileName: `${id}.ps1`,
    PolicyBody: b64(script),
    RunAsAccount: "system",
    RunAs32Bit: false,
    EnforceSignatureCheck: false,
  };
}

/** An agent whose service serves `scripts` and records the PolicyResult uploads. */
function setup(
  runner: ScriptRunner,
  users: { userId: string; userSid: string; session: number }[] = [],
  joinType?: "entraJoined" | "entraRegistered",
) {
  const clock = createVirtualClock(T0);
  const device = createDevice({
    backend: "memory",
    clock,
    ...(joinType === undefined ? {} : { profile: { joinType } }),
  });
  const fake = createFakeService(clock);
  const served = { platform: [] as PlatformScriptPolicy[], health: [] as HealthScriptPolicy[] };
  const uploads: ScriptResult[] = [];
  const calls: ScriptSessionRequest["contentType"][] = [];
  const agent = createAgent({
    deviceId: "dev-1",
    device,
    clock,
    service: {
      ...fake.client,
      async scriptSession(request) {
        calls.push(request.contentType);
        if (request.contentType === "PolicyRequest") return JSON.stringify(served.platform);
        if (request.contentType === "GetScript") return JSON.stringify(served.health);
        uploads.push(...(JSON.parse(request.payload) as ScriptResult[]));
        return null;
      },
    },
    installer: createScriptedInstaller([]),
    evaluator: fileRegistryEvaluator,
    codec: fakeCodec,
    scriptRunner: runner,
    users,
  });
  const { events } = recordEvents(agent.events);
  const phase = <P extends ImeEvent["phase"]>(p: P) =>
    events.filter((e): e is Extract<ImeEvent, { phase: P }> => e.phase === p);
  return {
    clock,
    device,
    agent,
    served,
    uploads,
    calls,
    events,
    phase,
    runTo: (ms: number) => clock.runUntil(T0 + ms),
  };
}

describe("platform scripts", () => {
  it("run once per version, on imesim's PowerShell, and report to the service", async () => {
    const s = setup(
      createInterpretingScriptRunner({ resolver: () => undefined, clock: { now: () => Date.now() } }),
    );
    s.served.platform = [
      platform("p1", "Set-Content -Path 'C:\\ProgramData\\marker.txt' -Value 'v1'\nWrite-Output 'wrote v1'"),
    ];
    s.agent.start();
    await s.runTo(2 * MINUTE);
    expect(s.calls).toEqual([]); // still in the 147 s workload start-up delay (ime.md §1.3.11)
    await s.runTo(24 * HOUR);
    const runs = s.phase("script.exited");
    expect(runs.map((e) => e.details.output.trim())).toEqual(["wrote v1"]);
    expect(s.calls.filter((c) => c === "PolicyRequest")).toHaveLength(3); // start, 8 h, 16 h
    expect(text(s.device.fs.readFile("C:\\ProgramData\\marker.txt"))).toBe("v1");
    const key = `${POLICY_KEY}\\${DEVICE}\\p1`;
    expect(s.device.registry.getValue(key, "Result")).toEqual({ type: "REG_SZ", data: "Success" });
    expect(s.device.registry.getValue(key, "DownloadCount")).toEqual({ type: "REG_DWORD", data: 1 });
    expect(s.uploads).toMatchObject([
      { PolicyType: "PlatformScript", PolicyId: "p1", Result: "Success", ResultDetails: "wrote v1" },
    ]);
    const executor = s.agent.logs.read("AgentExecutor");
    expect(executor).toContain(
      `Adding argument powershell with value C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Policies\\Scripts\\${DEVICE}_p1.ps1`,
    );
    expect(executor).toContain("Powershell script is successfully executed.");
    expect(s.agent.logs.read("IntuneManagementExtension")).toContain(
      "[PowerShell] After filter, get 1 policies",
    );

    // The admin edits the script: version 2 runs at the next fetch, once.
    s.served.platform = [platform("p1", "Set-Content -Path 'C:\\ProgramData\\marker.txt' -Value 'v2'", 2)];
    await s.runTo(48 * HOUR);
    expect(s.phase("script.exited")).toHaveLength(2);
    expect(text(s.device.fs.readFile("C:\\ProgramData\\marker.txt"))).toBe("v2");
    expect(s.agent.failure()).toBeUndefined();
  });

  it("runs a failing script three times in total, one per fetch, then stops; a reset key runs it again", async () => {
    const s = setup(
      createScriptedRunner([{ purpose: "platformScript", result: { exitCode: 1, stderr: "boom" } }]),
    );
    s.served.platform = [platform("bad", "exit 1")];
    s.agent.start();
    await s.runTo(40 * HOUR);
    expect(s.phase("script.exited")).toHaveLength(3);
    expect(s.phase("platformScript.skipped").map((e) => e.details)).toMatchObject([
      { reason: "downloadLimit", downloadCount: 3 },
      { reason: "downloadLimit", downloadCount: 3 },
    ]);
    expect(s.uploads.map((u) => [u.Result, u.ErrorCode, u.ResultDetails])).toEqual([
      ["Failed", 1, "boom"],
      ["Failed", 1, "boom"],
      ["Failed", 1, "boom"],
    ]);
    expect(s.agent.logs.read("IntuneManagementExtension")).toContain("has download count = 3");
    // The admin deletes Policies\<user>\<policy> and restarts the service (the reset recipe of ime.md §4.6).
    s.device.registry.deleteKey(`${POLICY_KEY}\\${DEVICE}\\bad`);
    s.agent.trigger("restart");
    await s.runTo(41 * HOUR);
    expect(s.phase("script.exited")).toHaveLength(4);
  });

  it("runs a user-context script in the user's session as that user, never in the userless one", async () => {
    const user = { userId: "5e1a0000-0000-4000-8000-000000000001", userSid: "S-1-12-1-1-2-3-4", session: 1 };
    const seen: string[] = [];
    const s = setup(
      createScriptedRunner([
        {
          purpose: "platformScript",
          result: (request) => {
            seen.push(
              `${request.context.account}:${request.context.userSid ?? ""}:${request.context.bitness}`,
            );
            return { exitCode: 0, stdout: "ok", stderr: "" };
          },
        },
      ]),
      [user],
    );
    s.served.platform = [{ ...platform("u1", "whoami"), RunAsAccount: "user", RunAs32Bit: true }];
    s.agent.start();
    await s.runTo(HOUR);
    expect(seen).toEqual([`user:${user.userSid}:32`]);
    expect(s.device.registry.getValue(`${POLICY_KEY}\\${user.userId}\\u1`, "Result")).toEqual({
      type: "REG_SZ",
      data: "Success",
    });
    expect(s.device.registry.keyExists(`${POLICY_KEY}\\${DEVICE}\\u1`)).toBe(false);
  });

  it("skips user-context scripts on an Entra-registered device with the IME's line; SYSTEM ones still run", async () => {
    const user = { userId: "5e1a0000-0000-4000-8000-000000000001", userSid: "S-1-12-1-1-2-3-4", session: 1 };
    const s = setup(
      createScriptedRunner([{ purpose: "platformScript", result: { exitCode: 0, stdout: "ok" } }]),
      [user],
      "entraRegistered",
    );
    s.served.platform = [{ ...platform("u1", "whoami"), RunAsAccount: "user" }, platform("s1", "hostname")];
    s.agent.start();
    await s.runTo(HOUR);
    // The fake serves the same list to both sessions: the SYSTEM script runs in each, the user one in neither.
    expect(s.phase("script.exited").map((e) => e.details.policyId)).toEqual(["s1", "s1"]);
    expect(s.phase("scripts.userContextSkipped").map((e) => [e.userId, e.details.policyId])).toEqual([
      [user.userId, "u1"],
    ]);
    const ime = s.agent.logs.read("IntuneManagementExtension");
    expect(ime).toContain("[PowerShell] This is not AADJ/HAADJ device, skip user context for u1");
    // The user session's list after the filter holds the SYSTEM script only.
    expect(s.phase("scripts.received").filter((e) => e.userId === user.userId)[0]?.details.policyIds).toEqual(
      ["s1"],
    );
  });

  it("surfaces a script nothing answers instead of passing by accident", async () => {
    const s = setup(createScriptedRunner([]));
    s.served.platform = [platform("p", "Write-Output hi")];
    s.agent.start();
    await s.runTo(HOUR);
    expect(String((s.agent.failure() as Error)?.message)).toMatch(/SCRIPT_NOT_SCRIPTED|no scripted result/);
  });
});

describe("remediations", () => {
  const FILE = "C:\\ProgramData\\keep.txt";
  const health = (schedule: HealthScriptPolicy["Schedule"]): HealthScriptPolicy => ({
    PolicyId: "r1",
    PolicyVersion: 1,
    DetectionScript: b64("detect"),
    RemediationScript: b64("remediate"),
    RunAsAccount: "system",
    RunAs32Bit: false,
    EnforceSignatureCheck: false,
    Schedule: schedule,
  });
  // The scripted way: detection looks at the device, the remediation changes it.
  const runner = createScriptedRunner([
    {
      purpose: "remediationDetection",
      result: (_request, host) =>
        host.fs.stat(FILE) !== undefined
          ? { exitCode: 0, stdout: "present\n", stderr: "" }
          : { exitCode: 1, stdout: "missing\n", stderr: "" },
    },
    {
      purpose: "remediation",
      result: (_request, host) => {
        host.fs.writeFile(FILE, "ok");
        return { exitCode: 0, stdout: "", stderr: "" };
      },
    },
  ]);

  it("fixes drift on an hourly schedule, 5 minutes after the fetch and then every 66 minutes", async () => {
    const s = setup(runner);
    s.served.health = [health({ Type: "Hourly", Interval: 1, Time: null, Date: null, UseUtc: false })];
    s.agent.start();
    await s.runTo(HOUR + 20 * MINUTE);
    s.device.fs.remove(FILE);
    await s.runTo(3 * HOUR);
    const done = s.phase("remediation.completed");
    expect(done.map((e) => e.details.statusName)).toEqual(["Fixed", "WithoutIssues", "Fixed"]);
    // The first cycle: 147 s start-up delay, then the queued run 5 minutes later (ime.md §11b).
    expect(done[0]!.simTime - T0).toBeGreaterThanOrEqual(147_000 + 5 * MINUTE);
    expect(done[0]!.simTime - T0).toBeLessThan(147_000 + 6 * MINUTE);
    // The interval counts from the previous cycle and waits for the runner's next 6-minute poll (S12: 60–66 min).
    const starts = s.phase("script.launched").filter((e) => e.details.stage === "detect");
    const cycleStarts = [starts[0]!, starts[2]!, starts[3]!].map((e) => e.simTime);
    expect([cycleStarts[1]! - cycleStarts[0]!, cycleStarts[2]! - cycleStarts[1]!]).toEqual([
      66 * MINUTE,
      66 * MINUTE,
    ]);
    expect(
      s.uploads.map((u) => [
        u.RemediationStatus,
        u.PreRemediationDetectScriptOutput,
        u.PostRemediationDetectScriptOutput,
      ]),
    ).toEqual([
      [1, "missing", "present"],
      [4, "present", null],
      [1, "missing", "present"],
    ]);
    expect(s.agent.logs.read("HealthScripts")).toContain("Job is queued and will be scheduled to run at");
    expect(s.device.fs.stat("C:\\Windows\\IMECache\\HealthScripts\\r1_1\\detect.ps1")).toBeDefined();
    const result = s.device.registry.getValue(
      `HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\SideCarPolicies\\Scripts\\Reports\\${DEVICE}\\r1_1`,
      "Result",
    );
    expect(result?.type === "REG_SZ" && JSON.parse(result.data).RemediationStatus).toBe(1);
    expect(s.agent.failure()).toBeUndefined();
  });

  it("runs a daily remediation seconds after its time, once a day", async () => {
    const s = setup(runner);
    // T0 is 08:00 UTC; the schedule says 09:02:35 UTC.
    s.served.health = [health({ Type: "Daily", Interval: 1, Time: "09:02:35", Date: null, UseUtc: true })];
    s.agent.start();
    await s.runTo(3 * 24 * HOUR);
    const starts = s
      .phase("remediation.completed")
      .map((e) => new Date(e.simTime).toISOString().slice(0, 16));
    expect(starts).toEqual(["2026-01-01T09:02", "2026-01-02T09:02", "2026-01-03T09:02"]);
    expect(s.agent.failure()).toBeUndefined();
  });

  it("drops the queued run when the service stops before it", async () => {
    const s = setup(runner);
    s.served.health = [health({ Type: "Hourly", Interval: 1, Time: null, Date: null, UseUtc: false })];
    s.agent.start();
    await s.runTo(4 * MINUTE); // fetched at 147 s, queued for 5 minutes later
    s.agent.stop();
    await s.runTo(HOUR);
    expect(s.phase("remediation.queued")).toHaveLength(1);
    expect(s.phase("remediation.completed")).toHaveLength(0);
  });
});

describe("AgentExecutor time-outs (ime.md §11b, S12 REM-INSTALL-MODULE)", () => {
  const hourly = (id: string): HealthScriptPolicy => ({
    PolicyId: id,
    PolicyVersion: 1,
    DetectionScript: b64(`detect ${id}`),
    RemediationScript: b64(`remediate ${id}`),
    RunAsAccount: "system",
    RunAs32Bit: false,
    EnforceSignatureCheck: false,
    Schedule: { Type: "Hourly", Interval: 1, Time: null, Date: null, UseUtc: false },
  });

  it("kills a hung detection at 3600 s: scriptError, no remediation, and the next remediation waits for it", async () => {
    const s = setup(
      createScriptedRunner([
        { contains: "detect hung", result: { exitCode: 0, durationMs: 5 * HOUR } },
        { contains: "detect fine", result: { exitCode: 0, stdout: "ok" } },
      ]),
    );
    s.served.health = [hourly("hung"), hourly("fine")];
    s.agent.start();
    await s.runTo(HOUR + 20 * MINUTE);
    const exited = s.phase("script.exited");
    expect(exited.map((e) => [e.details.policyId, e.details.exitCode, e.details.timedOut ?? false])).toEqual([
      ["hung", 2_147_483_647, true],
      ["fine", 0, false],
    ]);
    // The queued run started 147 s + 5 min after the start; the second script ran exactly an hour later.
    const launched = s.phase("script.launched").map((e) => e.simTime);
    expect(launched[1]! - launched[0]!).toBe(HOUR);
    expect(s.uploads.find((u) => u.PolicyId === "hung")).toMatchObject({
      DetectionScriptError: true,
      RemediationStatus: null,
      ErrorCode: 2_147_483_647,
    });
    expect(s.phase("remediation.remediated")).toEqual([]);
    const executor = s.agent.logs.read("AgentExecutor");
    expect(executor).toContain("Error:Powershell script execution timed out. timeout = 3600 seconds");
    expect(s.agent.failure()).toBeUndefined();
  });

  it("kills a platform script at its 1800 s timeout and records it Failed", async () => {
    const s = setup(
      createScriptedRunner([{ purpose: "platformScript", result: { exitCode: 0, durationMs: 2 * HOUR } }]),
    );
    s.served.platform = [platform("slow", "Start-Sleep 7200")];
    s.agent.start();
    await s.runTo(HOUR);
    expect(s.phase("script.exited").map((e) => [e.details.exitCode, e.details.timedOut])).toEqual([
      [2_147_483_647, true],
    ]);
    expect(s.uploads).toMatchObject([{ PolicyId: "slow", Result: "Failed", ErrorCode: 2_147_483_647 }]);
    expect(s.agent.logs.read("AgentExecutor")).toContain(
      "Error:Powershell script execution timed out. timeout = 1800 seconds",
    );
  });
});
