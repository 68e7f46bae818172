import { Intent, RelationAction, RelationType, TargetType } from "@imesim/contracts/enums";
import { describe, expect, it } from "vitest";
import { SETTINGS_KEY } from "../../src/ime/index.ts";
import { parseCmtrace } from "../../src/log/index.ts";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR, MINUTE, T0 } from "../support/harness.ts";

const PARENT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const DEP = "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const DEEP = "33333333-cccc-4ccc-8ccc-cccccccccccc";
const OLD = "44444444-dddd-4ddd-8ddd-dddddddddddd";
const marker = (id: string) => `C:\\Program Files\\${id}\\app.exe`;
const installs = (id: string) => ({ writeFiles: [{ path: marker(id) }] });
const ok = (id: string) => ({
  match: `setup-${id.slice(0, 8)}.exe /quiet`,
  attempts: [{ exitCode: 0, effects: installs(id) }],
});
const relation = (child: string, type: 0 | 1, action: 0 | 10 | 100 | 110, level = 1) => ({
  Action: action,
  AppId: PARENT,
  ChildId: child,
  Type: type,
  Level: level,
});
const dependencyOnly = (id: string) => makePolicy(id, { Intent: Intent.NotTargeted, Targeted: 0 });
const state = (h: ReturnType<typeof createHarness>, id: string) =>
  h.agent.state.readEnforcement({ userId: DEVICE, appId: id, version: 1 });

describe("sessions (ime.md §11a Sessions)", () => {
  it("processes one session per logged-on user with device- and user-targeted apps together, no session 0", async () => {
    const USER = "5f1c8a3e-7d2b-4c9a-9e4f-0a1b2c3d4e5f";
    const h = createHarness({
      behaviours: [ok(PARENT), ok(DEP)],
      users: [{ userId: USER, userSid: "S-1-12-1-1595688510-1285254443-1313865374-1599957770", session: 1 }],
      setup: (s) => {
        s.assign(DEVICE, [makePolicy(PARENT)]);
        s.assign(USER, [makePolicy(DEP, { TargetType: TargetType.User })]);
      },
    });
    await h.runTo(HOUR);
    const first = h
      .phase("poller.sessionStarted")
      .filter((e) => e.simTime === h.phase("checkin.started")[0]!.simTime);
    expect(first.map((e) => e.details.session)).toEqual([1]);
    expect(h.appWorkload()).toContain("[Win32App] Got 1 active user sessions");
    // The user's processing starts impersonated, with the co-management workload's status (ime.md §11a).
    const messages = parseCmtrace(h.appWorkload()).map((r) => r.message);
    const banner = messages.findIndex((m) => m.includes("Processing user session 1,"));
    expect(messages.slice(banner + 1, banner + 4)).toEqual([
      "[Win32App] The EspPhase: NotInEsp in session",
      `After impersonation: AzureAD\\${USER}`,
      "Comgt app workload status False",
    ]);
    expect(h.appWorkload()).not.toContain("Userless session");
    expect(
      h
        .phase("install.started")
        .map((e) => e.appId)
        .sort(),
    ).toEqual([PARENT, DEP].sort());
    // The device-targeted app keeps its state under the device's id, the user's under the user's (ime.md §4.1).
    expect(state(h, PARENT)?.EnforcementState).toBe(1000);
    expect(h.agent.state.readEnforcement({ userId: USER, appId: DEP, version: 1 })?.EnforcementState).toBe(
      1000,
    );
  });

  it("says a session has nothing to do in one line, without a Completed banner", async () => {
    const h = createHarness({ behaviours: [], setup: (s) => s.assign(DEVICE, []) });
    await h.runTo(HOUR);
    expect(h.appWorkload()).toContain(`[Win32App] Get 0 apps for user session 0, user id = ${DEVICE}`);
    expect(h.appWorkload()).toContain("Userless session, skip UserToken for device check-in");
    expect(h.appWorkload()).not.toContain("Completed user session");
  });
});

describe("dependencies and supersedence (ime.md §2.8)", () => {
  it("installs an auto-install dependency chain deepest first, then the parent", async () => {
    const parent = makePolicy(PARENT, {
      FlatDependencies: [
        relation(DEP, RelationType.Dependency, RelationAction.AutoInstall, 1),
        { ...relation(DEEP, RelationType.Dependency, RelationAction.AutoInstall, 2), AppId: DEP },
      ],
    });
    const h = createHarness({
      behaviours: [ok(PARENT), ok(DEP), ok(DEEP)],
      setup: (s) => s.assign(DEVICE, [parent, dependencyOnly(DEP), dependencyOnly(DEEP)]),
    });
    await h.runTo(HOUR);
    expect(h.phase("install.started").map((e) => e.appId)).toEqual([DEEP, DEP, PARENT]);
    expect(h.phase("subgraph.processing")[0]?.details.appIds).toEqual([DEEP, DEP, PARENT]);
    expect(state(h, DEP)).toEqual({ EnforcementState: 1000, ErrorCode: 0, TargetingMethod: 1 });
    expect(state(h, PARENT)).toEqual({ EnforcementState: 1000, ErrorCode: 0, TargetingMethod: 0 });
    // Dependency-only apps are not subgraphs of their own.
    expect(h.phase("subgraphs.processing")[0]?.details.count).toBe(1);
  });

  it("installs a user-targeted app's auto-install dependency first, in the user's session (issue 13)", async () => {
    const USER = "5f1c8a3e-7d2b-4c9a-9e4f-0a1b2c3d4e5f";
    const parent = makePolicy(PARENT, {
      TargetType: TargetType.User,
      FlatDependencies: [relation(DEP, RelationType.Dependency, RelationAction.AutoInstall)],
    });
    const h = createHarness({
      behaviours: [ok(PARENT), ok(DEP)],
      users: [{ userId: USER, userSid: "S-1-12-1-1595688510-1285254443-1313865374-1599957770", session: 1 }],
      // The service sends the dependency untargeted (TargetType 0), as it does for any relative (ime.md §2.8).
      setup: (s) => s.assign(USER, [parent, { ...dependencyOnly(DEP), TargetType: TargetType.None }]),
    });
    await h.runTo(HOUR);
    expect(h.phase("install.started").map((e) => [e.appId, e.userId])).toEqual([
      [DEP, USER],
      [PARENT, USER],
    ]);
    expect(h.phase("subgraph.processing")[0]?.details.appIds).toEqual([DEP, PARENT]);
    expect(h.agent.state.readEnforcement({ userId: USER, appId: PARENT, version: 1 })?.EnforcementState).toBe(
      1000,
    );
  });

  it("does not attempt the parent when a detect-only dependency is missing (6005)", async () => {
    const parent = makePolicy(PARENT, {
      FlatDependencies: [relation(DEP, RelationType.Dependency, RelationAction.DetectOnly)],
    });
    const h = createHarness({
      behaviours: [ok(PARENT), ok(DEP)],
      setup: (s) => s.assign(DEVICE, [parent, dependencyOnly(DEP)]),
    });
    await h.runTo(HOUR);
    expect(h.phase("install.started")).toHaveLength(0);
    expect(state(h, PARENT)?.EnforcementState).toBe(6005);
    // The portal tells this case apart: ConflictReason 2, "dependent apps configured not to auto-install" (ime.md §9).
    const impact = (id: string) => h.phase("report.sent", id)[0]?.details.report.ReportingImpact;
    expect(impact(PARENT)).toMatchObject({ ConflictReason: 2 });
    // The dependency has no intent of its own: no Company Portal status for it (ime.md §11a Reporting).
    expect(impact(DEP)).toBeUndefined();
    expect(h.phase("report.withheld").map((e) => e.appId)).toEqual([DEP]);
    expect(h.appWorkload()).toContain(
      `[Win32App][ReportingManager] Not sending status update for user with id: ${DEVICE} and app: ${DEP} because the app does not have available, required, or uninstall intent.`,
    );
  });

  it("does not attempt the parent when an auto-install dependency fails (6001)", async () => {
    const parent = makePolicy(PARENT, {
      FlatDependencies: [relation(DEP, RelationType.Dependency, RelationAction.AutoInstall)],
    });
    const h = createHarness({
      behaviours: [ok(PARENT), { match: "setup-22222222", attempts: [{ exitCode: 1603 }] }],
      setup: (s) => s.assign(DEVICE, [parent, dependencyOnly(DEP)]),
    });
    await h.runTo(HOUR);
    expect(h.phase("install.started").map((e) => e.appId)).toEqual([DEP]);
    expect(state(h, DEP)?.EnforcementState).toBe(5000);
    expect(state(h, PARENT)?.EnforcementState).toBe(6001);
  });

  it("uninstalls a replaced app before installing its successor", async () => {
    const parent = makePolicy(PARENT, {
      FlatDependencies: [relation(OLD, RelationType.Supersedence, RelationAction.SupersedeReplace)],
    });
    const h = createHarness({
      behaviours: [
        ok(PARENT),
        {
          match: "setup-44444444.exe /uninstall",
          attempts: [{ exitCode: 0, effects: { removeFiles: [marker(OLD)] } }],
        },
      ],
      setup: (s, device) => {
        s.assign(DEVICE, [parent, dependencyOnly(OLD)]);
        device.fs.writeFile(marker(OLD), "MZ");
      },
    });
    await h.runTo(HOUR);
    const started = h.phase("install.started");
    expect(started.map((e) => [e.appId, e.details.intent])).toEqual([
      [OLD, "uninstall"],
      [PARENT, "install"],
    ]);
    expect(h.device.fs.stat(marker(OLD))).toBeUndefined();
    // Removed for its successor: 1016 SuccessAppRemovedBySupersedence (ime.md §11a Reporting, §4.2).
    expect(state(h, OLD)?.EnforcementState).toBe(1016);
    expect(h.agent.state.readCompliance({ userId: DEVICE, appId: OLD, version: 1 })?.DesiredState).toBe(1);
    expect(state(h, PARENT)?.EnforcementState).toBe(1000);
  });

  it("reports an uninstall that leaves the app detected as uninstallFailed (ResultantAppState 4)", async () => {
    const parent = makePolicy(PARENT, {
      FlatDependencies: [relation(OLD, RelationType.Supersedence, RelationAction.SupersedeReplace)],
    });
    const h = createHarness({
      behaviours: [ok(PARENT), { match: "setup-44444444.exe /uninstall", attempts: [{ exitCode: 0 }] }],
      setup: (s, device) => {
        s.assign(DEVICE, [parent, dependencyOnly(OLD)]);
        device.fs.writeFile(marker(OLD), "MZ");
      },
    });
    await h.runTo(HOUR);
    expect(state(h, OLD)).toMatchObject({ EnforcementState: 5000, ErrorCode: -2016345060 });
    expect(h.phase("report.sent", OLD)[0]?.details.report).toMatchObject({ ResultantAppState: 4 });
  });

  it("updates over a superseded app without uninstalling it", async () => {
    const parent = makePolicy(PARENT, {
      FlatDependencies: [relation(OLD, RelationType.Supersedence, RelationAction.SupersedeUpdate)],
    });
    const h = createHarness({
      behaviours: [ok(PARENT), { match: "setup-44444444", attempts: [{ exitCode: 0 }] }],
      setup: (s, device) => {
        s.assign(DEVICE, [parent, dependencyOnly(OLD)]);
        device.fs.writeFile(marker(OLD), "MZ");
      },
    });
    await h.runTo(HOUR);
    expect(h.phase("install.started").map((e) => e.appId)).toEqual([PARENT]);
    expect(h.device.fs.stat(marker(OLD))?.kind).toBe("file");
  });
});

describe("check-in triggers (ime.md §6)", () => {
  it("checks in on the 58/62 min timer, and on Settings\\Interval once it is set", async () => {
    const h = createHarness({ behaviours: [], setup: (s) => s.assign(DEVICE, []) });
    await h.runTo(4 * HOUR);
    const started = h.phase("checkin.started").map((e) => e.simTime - T0);
    expect(started.slice(0, 3)).toEqual([147_000, 147_000 + 62 * MINUTE, 147_000 + 120 * MINUTE]);
    h.device.registry.setValue(SETTINGS_KEY, "Interval", { type: "REG_DWORD", data: 900 });
    const before = h.phase("checkin.started").length;
    await h.runTo(6 * HOUR);
    const later = h
      .phase("checkin.started")
      .slice(before)
      .map((e) => e.simTime);
    const gaps = later.slice(1).map((t, i) => t - later[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(6);
    expect(new Set(gaps)).toEqual(new Set([15 * MINUTE]));
    expect(h.appWorkload()).toContain("Current interval of timer is 900000");
  });

  it("follows the server's CheckinIntervalMinutes, unless Settings\\Interval is set (ime.md §6)", async () => {
    const h = createHarness({ behaviours: [], setup: (s) => s.assign(DEVICE, []) });
    h.service.sendCheckinInterval(56);
    await h.runTo(4 * HOUR);
    const started = h.phase("checkin.started").map((e) => e.simTime - T0);
    // ±2 min around the server's 56, as real timers alternate 58/62 around 60 (ime.md §1.3.11; issue 13).
    expect(started.slice(0, 4)).toEqual([
      147_000,
      147_000 + 58 * MINUTE,
      147_000 + 112 * MINUTE,
      147_000 + 170 * MINUTE,
    ]);
    expect(h.phase("checkin.scheduled")[1]?.details).toEqual({ intervalMs: 54 * MINUTE, source: "server" });
    expect(h.appWorkload()).toContain("Current interval of timer is 3240000");
    h.device.registry.setValue(SETTINGS_KEY, "Interval", { type: "REG_DWORD", data: 900 });
    const before = h.phase("checkin.scheduled").length;
    await h.runTo(6 * HOUR);
    expect(h.phase("checkin.scheduled").slice(before + 1)[0]?.details).toEqual({
      intervalMs: 15 * MINUTE,
      source: "settingsInterval",
    });
  });

  it("checks in right away when the syncapp moniker is opened", async () => {
    const h = createHarness({ behaviours: [], setup: (s) => s.assign(DEVICE, []) });
    await h.runTo(10 * MINUTE);
    expect(h.phase("checkin.started")).toHaveLength(1);
    h.agent.trigger("intunemanagementextension://syncapp");
    await h.runTo(10 * MINUTE + 1_000);
    const reasons = h.phase("checkin.started").map((e) => [e.details.reason, e.simTime - T0]);
    expect(reasons).toEqual([
      ["AgentRestart", 147_000],
      ["OnDemand", 10 * MINUTE],
    ]);
    expect(h.agent.logs.read("IntuneManagementExtension")).toContain("checkinReason = OnDemand");
  });
});

describe("service lifecycle (ime.md §1.3.11, §6)", () => {
  it("stops with the IME's lines, and a restart or reboot starts it again with an AgentRestart check-in", async () => {
    const h = createHarness({ behaviours: [], setup: (s) => s.assign(DEVICE, []) });
    await h.runTo(10 * MINUTE);
    h.agent.stop();
    await h.runTo(3 * HOUR);
    expect(h.phase("checkin.started")).toHaveLength(1);
    expect(h.agent.logs.read("IntuneManagementExtension")).toContain("EMS Agent Stopped");
    h.agent.trigger("restart");
    await h.runTo(3 * HOUR + 5 * MINUTE);
    expect(h.phase("checkin.started").map((e) => e.details.reason)).toEqual(["AgentRestart", "AgentRestart"]);
    expect(h.phase("checkin.started")[1]!.simTime).toBe(T0 + 3 * HOUR + 147_000);
    expect(h.agent.status()).toEqual({ running: "waiting" });
  });
});
