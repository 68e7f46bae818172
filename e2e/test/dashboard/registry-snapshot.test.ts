// The registry view's and folder view's replay of a change journal, and the download curves, on hand-made
// journals and events: state at a step, a step's diff (added / changed / removed, rewrites ignored, a recorded
// `before` for keys outside the baseline, key deletion), folders with sizes, moves and removal.
import type { ImeEvent } from "@imesim/agent/events";
import type { DeviceChange } from "@imesim/agent/host";
import { describe, expect, it } from "vitest";
import { downloadCurvesOf } from "../../src/dashboard/download-curves.ts";
import { folderChanges, foldersAt, folderTree } from "../../src/dashboard/folders-snapshot.ts";
import { changeSteps } from "../../src/dashboard/registry-routes.ts";
import { registryAt, registryDiff, registryTree } from "../../src/dashboard/registry-snapshot.ts";

const K = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\IntuneManagementExtension";
const APP = `${K}\\Win32Apps\\user\\app_1`;
const dword = (data: number) => ({ type: "REG_DWORD" as const, data });
const at = (seq: number) => ({ seq, simTime: 1_000 + seq });

const journal: DeviceChange[] = [
  { ...at(0), area: "registry", op: "createKey", key: K },
  { ...at(0), area: "registry", op: "setValue", key: K, name: "Version", value: dword(1) },
  { ...at(3), area: "registry", op: "createKey", key: APP },
  { ...at(3), area: "registry", op: "setValue", key: APP, name: "EnforcementState", value: dword(2000) },
  {
    ...at(5),
    area: "registry",
    op: "setValue",
    key: APP.toLowerCase(),
    name: "enforcementstate",
    value: dword(1000),
    before: dword(2000),
  },
  // A rewrite of the same data: no difference.
  { ...at(5), area: "registry", op: "setValue", key: K, name: "Version", value: dword(1), before: dword(1) },
  // A key outside the baseline the run only changed: the recorded before makes it a change, not an addition.
  {
    ...at(5),
    area: "registry",
    op: "setValue",
    key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Other",
    name: "X",
    value: dword(2),
    before: dword(1),
  },
  { ...at(8), area: "registry", op: "deleteKey", key: `${K}\\Win32Apps` },
  { ...at(8), area: "registry", op: "deleteValue", key: K, name: "Version", before: dword(1) },
];

describe("registry replay and diff", () => {
  it("replays up to a step, matching names case-insensitively and keeping the first spelling", () => {
    const state = registryAt(journal, 5);
    const app = state.get(APP.toUpperCase());
    expect(app?.path).toBe(APP);
    expect([...(app?.values.values() ?? [])]).toEqual([{ name: "EnforcementState", value: dword(1000) }]);
    expect(registryAt(journal, 4).get(APP.toUpperCase())?.values.get("ENFORCEMENTSTATE")?.value).toEqual(
      dword(2000),
    );
    expect(registryAt(journal, 0).has(APP.toUpperCase())).toBe(false);
  });

  it("draws the tree with unwritten ancestors empty and subkeys in regedit's order", () => {
    const [root] = registryTree(registryAt(journal, 3));
    expect(root?.name).toBe("HKEY_LOCAL_MACHINE");
    const ime = root?.children[0]?.children[0]?.children[0];
    expect(ime?.path).toBe(K);
    expect(ime?.values).toEqual([{ name: "Version", value: dword(1) }]);
    expect(ime?.children[0]?.children[0]?.children[0]).toMatchObject({ name: "app_1", path: APP });
  });

  it("lists what a step added", () => {
    expect(registryDiff(journal, 3)).toEqual([
      { kind: "added", key: APP },
      { kind: "added", key: APP, name: "EnforcementState", after: dword(2000) },
    ]);
  });

  it("lists what a step changed, ignoring rewrites of the same data, using recorded befores", () => {
    // HKEY_LOCAL_MACHINE\SOFTWARE\Other existed before recording started: changed, and the key is not "added".
    expect(registryDiff(journal, 5)).toEqual([
      { kind: "changed", key: APP, name: "EnforcementState", before: dword(2000), after: dword(1000) },
      {
        kind: "changed",
        key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Other",
        name: "X",
        before: dword(1),
        after: dword(2),
      },
    ]);
  });

  it("lists a deleted key's subtree and values as removed", () => {
    expect(registryDiff(journal, 8)).toEqual([
      { kind: "removed", key: K, name: "Version", before: dword(1) },
      { kind: "removed", key: APP },
      { kind: "removed", key: APP, name: "EnforcementState", before: dword(1000) },
    ]);
    expect(registryDiff(journal, 7)).toEqual([]);
  });

  it("lists the steps that changed an area, with their events' phases", () => {
    const events = [
      { seq: 3, phase: "state.enforcement", simTime: 77, appId: "app" },
    ] as unknown as ImeEvent[];
    expect(changeSteps(journal, events, "registry")).toEqual([
      { seq: 0, simTime: 1_000, phase: "baseline", changes: 2 },
      { seq: 3, simTime: 77, phase: "state.enforcement", appId: "app", changes: 2 },
      { seq: 5, simTime: 1_005, phase: "after the run", changes: 3 },
      { seq: 8, simTime: 1_008, phase: "after the run", changes: 2 },
    ]);
    expect(changeSteps(journal, events, "files")).toEqual([]);
  });
});

const INCOMING = "C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Content\\Incoming";
const CACHE = "C:\\Windows\\IMECache";
const files: DeviceChange[] = [
  { ...at(0), area: "files", op: "mkdir", path: INCOMING },
  { ...at(2), area: "files", op: "write", path: `${INCOMING}\\app_1.bin`, size: 100 },
  { ...at(3), area: "files", op: "write", path: `${INCOMING}\\APP_1.bin`, size: 176 },
  { ...at(4), area: "files", op: "mkdir", path: CACHE },
  { ...at(4), area: "files", op: "mkdir", path: `${CACHE}\\tmp` },
  { ...at(4), area: "files", op: "write", path: `${CACHE}\\tmp\\setup.exe`, size: 10 },
  { ...at(4), area: "files", op: "write", path: `${CACHE}\\tmp\\data.cab`, size: 20 },
  { ...at(5), area: "files", op: "move", path: `${CACHE}\\tmp`, to: `${CACHE}\\app_1` },
  { ...at(9), area: "files", op: "remove", path: `${INCOMING}\\app_1.bin` },
  { ...at(9), area: "files", op: "remove", path: `${CACHE}\\app_1` },
];

describe("folders over time", () => {
  it("shows the folders at a step with sizes summed up the tree", () => {
    const tree = folderTree(foldersAt(files, 5));
    expect(tree.map((node) => [node.path, node.size])).toEqual([
      [INCOMING, 176],
      [CACHE, 30],
    ]);
    expect(tree[1]?.children[0]).toMatchObject({ name: "app_1", kind: "directory", size: 30 });
    expect(tree[1]?.children[0]?.children.map((file) => [file.name, file.size])).toEqual([
      ["data.cab", 20],
      ["setup.exe", 10],
    ]);
  });

  it("lists a download's growth, a move and the clean-up as the steps' changes", () => {
    expect(folderChanges(files, 3)).toEqual([
      { kind: "changed", path: `${INCOMING}\\app_1.bin`, entry: "file", sizeBefore: 100, sizeAfter: 176 },
    ]);
    expect(folderChanges(files, 5).map((change) => [change.kind, change.path])).toEqual([
      ["added", `${CACHE}\\app_1`],
      ["added", `${CACHE}\\app_1\\data.cab`],
      ["added", `${CACHE}\\app_1\\setup.exe`],
      ["removed", `${CACHE}\\tmp`],
      ["removed", `${CACHE}\\tmp\\data.cab`],
      ["removed", `${CACHE}\\tmp\\setup.exe`],
    ]);
    expect(folderChanges(files, 9)).toContainEqual({
      kind: "removed",
      path: `${INCOMING}\\app_1.bin`,
      entry: "file",
      sizeBefore: 176,
    });
    expect(
      folderTree(foldersAt(files, 9)).map((node) => [node.path, node.size, node.children.length]),
    ).toEqual([
      [INCOMING, 0, 0],
      [CACHE, 0, 0],
    ]);
  });
});

describe("download curves", () => {
  const event = (seq: number, simTime: number, phase: string, details: object, appId = "app") =>
    ({ seq, simTime, phase, details, appId, deviceId: "d", thread: 1, wallTime: 0 }) as unknown as ImeEvent;

  it("draws started, resumed, progress and completed as bytes over time; a failure ends at the bytes kept", () => {
    const curves = downloadCurvesOf([
      event(1, 100, "download.started", { name: "App", fileId: "f1" }),
      event(2, 150, "download.resumed", { fromByte: 40 }),
      event(3, 160, "download.started", { name: "Other", fileId: "f2" }, "other"),
      event(4, 300, "download.progress", { name: "App", bytes: 90, total: 90 }),
      event(5, 300, "download.completed", { size: 90 }),
      event(6, 400, "download.failed", { errorCode: 1, message: "gone", fileId: "f2" }, "other"),
      event(7, 500, "download.started", { name: "App", fileId: "f1" }),
    ]);
    expect(curves.map((curve) => [curve.name, curve.outcome, curve.totalBytes])).toEqual([
      ["App", "completed", 90],
      ["Other", "failed", 0],
      ["App", "running", 0],
    ]);
    expect(curves[0]?.points.map((point) => [point.simTime, point.bytes, point.phase])).toEqual([
      [100, 0, "download.started"],
      [150, 40, "download.resumed"],
      [300, 90, "download.progress"],
      [300, 90, "download.completed"],
    ]);
    expect(curves[1]?.points.at(-1)).toMatchObject({ seq: 6, bytes: 0, phase: "download.failed" });
  });
});
