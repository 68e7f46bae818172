import { DeviceRestartBehavior, Intent, TargetType, toSigned32 } from "@imesim/contracts/enums";
import { describe, expect, it } from "vitest";
import { imeCachePath, incomingPath } from "../../src/ime/index.ts";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR, MINUTE } from "../support/harness.ts";

const A = "aaaaaaaa-1111-4111-8111-111111111111";
const B = "bbbbbbbb-2222-4222-8222-222222222222";
const USER = "5f1c8a3e-7d2b-4c9a-9e4f-0a1b2c3d4e5f";
const USER_SID = "S-1-12-1-1595688510-1285254443-1313865374-1599957770";
const marker = (id: string) => `C:\\Program Files\\${id}\\app.exe`;
const installs = (id: string) => ({ writeFiles: [{ path: marker(id) }] });

describe("install outcomes (ime.md §5.1, §5.4)", () => {
  it("keeps IMECache and reports 0x87D300C9 when the installer outlives MaxRunTimeInMinutes", async () => {
    const h = createHarness({
      behaviours: [
        { match: "setup-aaaaaaaa", attempts: [{ exitCode: 0, durationMs: 2 * HOUR, effects: installs(A) }] },
      ],
      setup: (s) => s.assign(DEVICE, [makePolicy(A)]),
    });
    await h.runTo(2 * HOUR);
    const finished = h.phase("install.finished", A)[0]!;
    expect(finished.simTime - h.phase("install.started", A)[0]!.simTime).toBe(60 * MINUTE);
    expect(h.agent.state.readEnforcement({ userId: DEVICE, appId: A, version: 1 })).toEqual({
      EnforcementState: 5000,
      ErrorCode: toSigned32(0x87d300c9),
      TargetingMethod: 0,
    });
    expect(h.device.fs.stat(imeCachePath(A, 1))?.kind).toBe("directory");
    expect(h.device.fs.stat(`${imeCachePath(A, 1)}\\setup.exe`)?.kind).toBe("file");
    expect(h.device.fs.stat(incomingPath(A, 1))).toBeUndefined();
    expect(h.appWorkload()).toContain("[Win32App] Installation is timeout, collecting result");
    expect(h.appWorkload()).toContain("installer is running timeout, skip staged content clean up.");
    expect(h.device.fs.stat(marker(A))).toBeUndefined();
  });

  it("reports 0x87D1041C when the app is not detected after a successful install", async () => {
    const h = createHarness({
      behaviours: [{ match: "setup-aaaaaaaa", attempts: [{ exitCode: 0 }] }],
      setup: (s) => s.assign(DEVICE, [makePolicy(A)]),
    });
    await h.runTo(HOUR);
    expect(h.agent.state.readEnforcement({ userId: DEVICE, appId: A, version: 1 })).toEqual({
      EnforcementState: 5000,
      ErrorCode: -2016345060,
      TargetingMethod: 0,
    });
    expect(h.agent.state.readCompliance({ userId: DEVICE, appId: A, version: 1 })?.ComplianceState).toBe(2);
    expect(h.appWorkload()).toContain('"EnforcementErrorCode":{"OldValue":0,"NewValue":-2016345060}');
    expect(h.service.results[0]!.results[0]!).toMatchObject({
      EnforcementErrorCode: -2016345060,
      ResultantAppState: 2,
    });
  });

  it("maps an unmapped exit code to HRESULT_FROM_WIN32 with the IME's lines", async () => {
    const h = createHarness({
      behaviours: [{ match: "setup-aaaaaaaa", attempts: [{ exitCode: 3221225794 }] }],
      setup: (s) => s.assign(DEVICE, [makePolicy(A)]),
    });
    await h.runTo(HOUR);
    expect(h.agent.state.readEnforcement({ userId: DEVICE, appId: A, version: 1 })).toEqual({
      EnforcementState: 5000,
      ErrorCode: -2147024574,
      TargetingMethod: 0,
    });
    const log = h.appWorkload();
    expect(log).toContain("[Win32App] lpExitCode 3221225794");
    expect(log).toContain("[Win32App] hResultFromWin32 -2147024574");
    expect(log).toContain("[Win32App] Set EnforcementStateMessage.ErrorCode -2147024574");
    expect(log).toContain(`[Win32App] Admin did NOT set mapping for lpExitCode: 3221225794 of app: ${A}`);
    expect(log).toContain(
      "[Win32App] Setting enforcementState as: Error with lpExitCode: 3221225794 without mapping",
    );
  });

  it("stops processing apps after a hard reboot code until the device restarts", async () => {
    const h = createHarness({
      behaviours: [
        { match: "setup-aaaaaaaa", attempts: [{ exitCode: 1641, effects: installs(A) }] },
        { match: "setup-bbbbbbbb", attempts: [{ exitCode: 0, effects: installs(B) }] },
      ],
      setup: (s) => s.assign(DEVICE, [makePolicy(A), makePolicy(B)]),
    });
    await h.runTo(5 * HOUR);
    expect(h.agent.state.readEnforcement({ userId: DEVICE, appId: A, version: 1 })?.EnforcementState).toBe(
      2008,
    );
    expect(h.agent.state.pendingHardReboot()).toBe(true);
    expect(h.phase("install.started", B)).toHaveLength(0);
    expect(h.phase("reboot.required", A)[0]?.details.kind).toBe("hard");
    expect(h.appWorkload()).toContain(
      "[Win32App][V3Processor] A restart is required to continue processing apps. Stop processing.",
    );
    expect(
      h.phase("subgraph.skipped").filter((e) => e.details.reason === "restartRequired").length,
    ).toBeGreaterThan(2);

    h.agent.trigger("reboot");
    await h.runTo(6 * HOUR);
    expect(h.agent.state.pendingHardReboot()).toBe(false);
    expect(h.agent.state.readEnforcement({ userId: DEVICE, appId: A, version: 1 })?.EnforcementState).toBe(
      1000,
    );
    expect(h.agent.state.readEnforcement({ userId: DEVICE, appId: B, version: 1 })?.EnforcementState).toBe(
      1000,
    );
    expect(h.phase("install.started", A)).toHaveLength(1);
    expect(h.agent.logs.read("IntuneManagementExtension")).toContain("EMS Agent received shutdown signal");
  });

  it("restarts the device itself after RebootEx's grace period and countdown", async () => {
    const h = createHarness({
      behaviours: [{ match: "setup-aaaaaaaa", attempts: [{ exitCode: 1641, effects: installs(A) }] }],
      setup: (s) =>
        s.assign(DEVICE, [makePolicy(A, { RebootEx: { GracePeriod: 60, Countdown: 5, Snooze: -1 } })]),
    });
    await h.runTo(HOUR);
    expect(h.agent.state.pendingHardReboot()).toBe(true);
    const recordedAt = h.phase("state.enforcement", A).at(-1)!.simTime;
    await h.runTo(3 * HOUR);
    const shutdown = h.phase("service.stopping").find((e) => e.details.signal === "shutdown");
    expect(shutdown?.simTime).toBe(recordedAt + 65 * MINUTE);
    expect(h.agent.state.pendingHardReboot()).toBe(false);
    expect(h.agent.state.readEnforcement({ userId: DEVICE, appId: A, version: 1 })?.EnforcementState).toBe(
      1000,
    );
  });

  it("leaves the restart to the app when DeviceRestartBehavior is allow", async () => {
    const h = createHarness({
      behaviours: [{ match: "setup-aaaaaaaa", attempts: [{ exitCode: 1641, effects: installs(A) }] }],
      setup: (s) =>
        s.assign(DEVICE, [
          makePolicy(A, {
            installEx: { DeviceRestartBehavior: DeviceRestartBehavior.Allow },
            RebootEx: { GracePeriod: 0, Countdown: 0, Snooze: -1 },
          }),
        ]),
    });
    await h.runTo(3 * HOUR);
    expect(h.phase("service.stopping")).toHaveLength(0);
    expect(h.agent.state.pendingHardReboot()).toBe(true);
  });

  it("suppresses the reboot when DeviceRestartBehavior is suppress", async () => {
    const h = createHarness({
      behaviours: [{ match: "setup-aaaaaaaa", attempts: [{ exitCode: 1641, effects: installs(A) }] }],
      setup: (s) =>
        s.assign(DEVICE, [
          makePolicy(A, { installEx: { DeviceRestartBehavior: DeviceRestartBehavior.Suppress } }),
        ]),
    });
    await h.runTo(HOUR);
    expect(h.agent.state.pendingHardReboot()).toBe(false);
    expect(h.agent.state.readEnforcement({ userId: DEVICE, appId: A, version: 1 })?.EnforcementState).toBe(
      1000,
    );
  });

  it("installs an available app on request, bypassing GRS", async () => {
    const user = { userId: USER, userSid: USER_SID, session: 1 };
    const h = createHarness({
      users: [user],
      behaviours: [
        { match: "setup-aaaaaaaa", attempts: [{ exitCode: 1603 }, { exitCode: 0, effects: installs(A) }] },
      ],
      setup: (s) =>
        s.assign(USER, [makePolicy(A, { Intent: Intent.Available, TargetType: TargetType.User })]),
    });
    await h.runTo(HOUR);
    expect(h.phase("install.started", A)).toHaveLength(0);

    h.agent.trigger({ installAvailable: A, userId: USER });
    await h.runTo(HOUR + 10 * MINUTE);
    const ref = { userId: USER, appId: A, version: 1 };
    expect(h.agent.state.readEnforcement(ref)).toEqual({
      EnforcementState: 5000,
      ErrorCode: toSigned32(0x80070643),
      TargetingMethod: 0,
    });

    h.agent.trigger({ installAvailable: A, userId: USER });
    await h.runTo(HOUR + 20 * MINUTE);
    expect(h.phase("grs.checked", A).at(-1)?.details.verdict).toBe("bypassedByIntent");
    expect(h.appWorkload()).toContain(
      `[Win32App][GRSManager] App with id: ${A} is not expired but will be enforced due to targeting intent on the subgraph.`,
    );
    expect(h.agent.state.readEnforcement(ref)?.EnforcementState).toBe(1000);
    expect(h.phase("install.started", A)[1]?.details.account).toBe("system");
    expect(h.service.results.at(-1)?.userId).toBe(USER);
  });
});

describe("user-context apps (ime.md §1.3.2, §1.3.8)", () => {
  const USER = "6a2b3c4d-1111-4222-8333-444455556666";
  const SID = "S-1-12-1-1111111111-2222222222-3333333333-4444444444";

  it("waits for a signed-in user, then installs in the user's session", async () => {
    const h = createHarness({
      behaviours: [{ match: "setup-aaaaaaaa", attempts: [{ exitCode: 0, effects: installs(A) }] }],
      setup: (s) => s.assign(DEVICE, [makePolicy(A, { installEx: { RunAs: 2 } })]),
    });
    await h.runTo(HOUR);
    expect(h.phase("install.started", A)).toHaveLength(0);
    expect(h.appWorkload()).toContain(
      "[Win32App][V3Processor] All of the apps in the subgraph require user-context processing, and the target user is not logged in. Skipping processing.",
    );
    h.agent.trigger({ logon: { userId: USER, userSid: SID, session: 1 } });
    await h.runTo(HOUR + 10 * MINUTE);
    const started = h.phase("install.started", A);
    expect(started).toHaveLength(1);
    expect(started[0]?.details.account).toBe("user");
    expect(h.appWorkload()).toContain("Trying to get elevated token for user.");
    expect(h.appWorkload()).toContain("[Win32App] Launch Win32AppInstaller in user session");
    expect(h.phase("checkin.started").at(-1)?.details.reason).toBe("UserLogOn");
    expect(h.agent.state.readCompliance({ userId: DEVICE, appId: A, version: 1 })?.InstallContext).toBe(1);
  });
});

describe("toasts (ime.md §1.3.8, §2.9)", () => {
  const toastsOf = async (toastState: 0 | 1 | 2, exitCode: number) => {
    const h = createHarness({
      behaviours: [{ match: "setup-aaaaaaaa", attempts: [{ exitCode, effects: installs(A) }] }],
      setup: (s) => s.assign(DEVICE, [makePolicy(A, { ToastState: toastState })]),
    });
    await h.runTo(HOUR);
    return {
      toasts: h.phase("toast.shown", A).map((e) => e.details.toast),
      executor: h.agent.logs.read("AgentExecutor"),
    };
  };

  it("shows outcome and restart toasts as the assignment's notifications ask", async () => {
    expect((await toastsOf(0, 0)).toasts).toEqual(["ToastInstallSuccess"]);
    expect((await toastsOf(0, 3010)).toasts).toEqual(["ToastInstallSuccess", "ToastRebootRequired"]);
    expect((await toastsOf(1, 0)).toasts).toEqual([]);
    expect((await toastsOf(1, 3010)).toasts).toEqual(["ToastRebootRequired"]);
    const hidden = await toastsOf(2, 3010);
    expect(hidden.toasts).toEqual([]);
    expect(hidden.executor).toBe("\uFEFF");
    expect((await toastsOf(0, 0)).executor).toContain("ExecutorLog AgentExecutor gets invoked");
  });
});

describe("an installer that cannot start", () => {
  it("reports the CreateProcess failure and records HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)", async () => {
    const h = createHarness({
      behaviours: [],
      setup: (s) => s.assign(DEVICE, [makePolicy(A)]),
      wrapInstaller: () => ({
        run: async () => {
          throw new Error("the executable is missing");
        },
      }),
    });
    await h.runTo(HOUR);
    expect(h.agent.failure()).toBeUndefined();
    expect(h.appWorkload()).toContain("[Win32App] Failed to create installer process. Error code = 2");
    expect(h.appWorkload()).not.toContain("Create installer process successfully.");
    expect(h.agent.state.readEnforcement({ userId: DEVICE, appId: A, version: 1 })).toEqual({
      EnforcementState: 5000,
      ErrorCode: toSigned32(0x80070002),
      TargetingMethod: 0,
    });
  });
});

describe("assignment filters (ime.md §7.6)", () => {
  it("reports a filtered-out app not applicable (1010) without evaluating it", async () => {
    const h = createHarness({
      behaviours: [{ match: "setup-aaaaaaaa", attempts: [{ exitCode: 0, effects: installs(A) }] }],
      setup: (s) => s.assign(DEVICE, [makePolicy(A, { AppApplicabilityStateDueToAssginmentFilters: 1010 })]),
    });
    await h.runTo(HOUR);
    expect(h.phase("install.started", A)).toHaveLength(0);
    expect(h.phase("detection.completed", A)).toHaveLength(0);
    expect(h.appWorkload()).toContain(
      "[Win32App][V3Processor] All apps in the subgraph are not applicable due to assignment filters. Skipping processing.",
    );
    expect(h.agent.state.readCompliance({ userId: DEVICE, appId: A, version: 1 })?.Applicability).toBe(1010);
    expect(h.service.results[0]?.results[0]).toMatchObject({
      ApplicationId: A,
      ResultantAppState: -1,
      ApplicabilityState: 1010,
    });
  });
});
