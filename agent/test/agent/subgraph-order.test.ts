// The order §11a gives inside a subgraph with relatives, and what the reports say about the relatives.
import { Intent, RelationAction, RelationType } from "@imesim/contracts/enums";
import { describe, expect, it } from "vitest";
import type { ImeEvent } from "../../src/events/index.ts";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR } from "../support/harness.ts";

const PARENT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const DEP = "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const OLD = "44444444-dddd-4ddd-8ddd-dddddddddddd";
const NAMES: Record<string, string> = { [PARENT]: "parent", [DEP]: "child", [OLD]: "old" };
const marker = (id: string) => `C:\\Program Files\\${id}\\app.exe`;
const ok = (id: string) => ({
  match: `setup-${id.slice(0, 8)}.exe /quiet`,
  attempts: [{ exitCode: 0, effects: { writeFiles: [{ path: marker(id) }] } }],
});
const uninstalls = (exitCode: number, removes: boolean) => ({
  match: "setup-44444444.exe /uninstall",
  attempts: [{ exitCode, effects: removes ? { removeFiles: [marker(OLD)] } : {} }],
});
const edge = (child: string, type: 0 | 1, action: 0 | 10 | 100 | 110) => ({
  Action: action,
  AppId: PARENT,
  ChildId: child,
  Type: type,
  Level: 1,
});
const relative = (id: string) => makePolicy(id, { Intent: Intent.NotTargeted, Targeted: 0 });
const state = (h: ReturnType<typeof createHarness>, id: string) =>
  h.agent.state.readEnforcement({ userId: DEVICE, appId: id, version: 1 })?.EnforcementState;

/** The parent superseding an installed OLD by `action`, the installer behaving as `behaviours` say. */
async function supersedingRun(
  action: 100 | 110,
  behaviours: Parameters<typeof createHarness>[0]["behaviours"],
) {
  const parent = makePolicy(PARENT, { FlatDependencies: [edge(OLD, RelationType.Supersedence, action)] });
  const h = createHarness({
    behaviours,
    setup: (s, device) => {
      s.assign(DEVICE, [parent, relative(OLD)]);
      device.fs.writeFile(marker(OLD), "MZ");
    },
  });
  await h.runTo(HOUR);
  return h;
}

/** The steps §11a orders: detections, downloads and installer runs, by app. */
function flow(events: readonly ImeEvent[]): string[] {
  return events.flatMap((e) => {
    const who = NAMES[e.appId ?? ""] ?? e.appId;
    if (e.phase === "detection.completed") return [`${who} detection`];
    if (e.phase === "download.started") return [`${who} download`];
    if (e.phase === "install.started") return [`${who} ${e.details.intent}`];
    return [];
  });
}
const reportOf = (h: ReturnType<typeof createHarness>, id: string) =>
  h.phase("report.sent", id).at(-1)?.details.report as Record<string, unknown> | undefined;

describe("order inside a subgraph (ime.md §11a)", () => {
  it("auto-install dependency: parent detection → child detection, download, install → parent's own flow", async () => {
    const parent = makePolicy(PARENT, {
      FlatDependencies: [edge(DEP, RelationType.Dependency, RelationAction.AutoInstall)],
    });
    const h = createHarness({
      behaviours: [ok(PARENT), ok(DEP)],
      setup: (s) => s.assign(DEVICE, [parent, relative(DEP)]),
    });
    await h.runTo(HOUR);
    expect(flow(h.events)).toEqual([
      "parent detection",
      // Each install flow has its three passes: before applicability, after the download, after the install.
      "child detection",
      "child download",
      "child detection",
      "child install",
      "child detection",
      "parent detection",
      "parent download",
      "parent detection",
      "parent install",
      "parent detection",
    ]);
    // The root is first reported Undetectable, before its dependency is looked at.
    const deltas = h.phase("report.delta", PARENT).filter((e) => e.details.kind === "Detection");
    expect(deltas.map((e) => e.details.delta.DetectionState)).toEqual([
      { OldValue: null, NewValue: "Undetectable" },
      { OldValue: "Undetectable", NewValue: "Installed" },
    ]);
    const firstChild = h.events.findIndex((e) => e.appId === DEP);
    expect(h.events.indexOf(deltas[0]!)).toBeLessThan(firstChild);
    expect(h.appWorkload()).toContain(
      `[Win32App][ReportingManager] Detection state for app with id: ${PARENT} has been updated. Report delta: {"DetectionState":{"OldValue":null,"NewValue":"Undetectable"}}`,
    );
    // The parent's reporting state is loaded once, at the first look.
    expect(h.phase("report.loaded", PARENT)).toHaveLength(1);
    // Its report names the dependency (RelationshipType 0), followed by ReportingImpact2.
    const report = reportOf(h, PARENT)!;
    expect(report.ReportingImpact).toMatchObject({
      Classification: 2,
      ImpactingApps: [{ AppId: DEP, RelationshipType: 0 }],
    });
    expect(report.ReportingImpact2).toEqual({});
    expect(Object.keys(report).indexOf("ReportingImpact2")).toBe(
      Object.keys(report).indexOf("ReportingImpact") + 1,
    );
    expect(h.appWorkload()).toContain(
      `"ImpactingApps":[{"AppId":"${DEP}","RelationshipType":0}]},"ReportingImpact2":{},`,
    );
    // The next check-in's root has a reporting state: no Undetectable again.
    await h.runTo(10 * HOUR);
    expect(
      h
        .phase("report.delta", PARENT)
        .filter((e) => (e.details.delta.DetectionState?.NewValue as string) === "Undetectable"),
    ).toHaveLength(1);
  });

  it("detect-only dependency: child detection, parent detection, then nothing; Classification 1", async () => {
    const parent = makePolicy(PARENT, {
      FlatDependencies: [edge(DEP, RelationType.Dependency, RelationAction.DetectOnly)],
    });
    const h = createHarness({
      behaviours: [ok(PARENT), ok(DEP)],
      setup: (s) => s.assign(DEVICE, [parent, relative(DEP)]),
    });
    await h.runTo(HOUR);
    expect(flow(h.events)).toEqual(["child detection", "parent detection"]);
    expect(state(h, PARENT)).toBe(6005);
    expect(reportOf(h, PARENT)?.ReportingImpact).toEqual({
      DesiredState: 2,
      Classification: 1,
      ConflictReason: 2,
      ImpactingApps: [{ AppId: DEP, RelationshipType: 0 }],
    });
  });

  it("replace: old, new, old, old uninstall, new, old, new install, then both again; 1016 and 1000", async () => {
    const h = await supersedingRun(RelationAction.SupersedeReplace, [ok(PARENT), uninstalls(0, true)]);
    // §11a's sequence, with the three passes of each flow: the old app's uninstall flow (detection, download,
    // detection, uninstall, detection) and the new app's install flow, which looks at the old app again after
    // its download and after its install.
    expect(flow(h.events)).toEqual([
      "old detection",
      "parent detection",
      "old detection",
      "old download",
      "old detection",
      "old uninstall",
      "old detection",
      "parent detection",
      "parent download",
      "parent detection",
      "old detection",
      "parent install",
      "parent detection",
      "old detection",
    ]);
    expect(state(h, OLD)).toBe(1016);
    expect(state(h, PARENT)).toBe(1000);
    expect(reportOf(h, OLD)?.ReportingImpact).toMatchObject({
      Classification: 3,
      ImpactingApps: [{ AppId: PARENT, RelationshipType: 1 }],
    });
    expect(reportOf(h, PARENT)?.ReportingImpact).toMatchObject({
      Classification: 2,
      ImpactingApps: [{ AppId: OLD, RelationshipType: 1 }],
    });
  });

  it("replace whose uninstall fails: the successor is not attempted (6009) and names the old app", async () => {
    const h = await supersedingRun(RelationAction.SupersedeReplace, [ok(PARENT), uninstalls(1603, false)]);
    expect(h.phase("install.started").map((e) => [e.appId, e.details.intent])).toEqual([[OLD, "uninstall"]]);
    expect(state(h, OLD)).toBe(5000);
    expect(state(h, PARENT)).toBe(6009);
    expect(reportOf(h, PARENT)?.ReportingImpact).toMatchObject({
      ImpactingApps: [{ AppId: OLD, RelationshipType: 1 }],
    });
  });

  it("update over an app that stays detected: 1015 SuccessSupersededAppsDetected", async () => {
    const h = await supersedingRun(RelationAction.SupersedeUpdate, [ok(PARENT)]);
    expect(h.phase("install.started").map((e) => e.appId)).toEqual([PARENT]);
    expect(state(h, PARENT)).toBe(1015);
    expect(reportOf(h, OLD)?.ReportingImpact).toMatchObject({ Classification: 3 });
  });
});
