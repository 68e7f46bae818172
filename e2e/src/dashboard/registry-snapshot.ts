// The registry as a change journal says it was at a step, and what one step changed (the dashboard's registry
// view). Replays the journal's registry changes (baseline first) up to a seq; names are case-insensitive and
// case-preserving (windows-formats.md §3.5), so keys and values are matched folded and shown as first spelled.
import type { DeviceChange, JournalValue } from "@imesim/agent/host";
import type { RegistryDiffEntry, RegistryKeyNode } from "@imesim/dashboard/api";

interface KeyState {
  readonly path: string;
  /** Folded value name → value as named. */
  readonly values: Map<string, { readonly name: string; readonly value: JournalValue }>;
}

/** Folded key path → key. */
export type RegistryState = Map<string, KeyState>;

type RegistryChange = Extract<DeviceChange, { area: "registry" }>;

const fold = (text: string) => text.toUpperCase();

function ensureKey(state: RegistryState, path: string): KeyState {
  const folded = fold(path);
  let key = state.get(folded);
  if (key === undefined) {
    key = { path, values: new Map() };
    state.set(folded, key);
  }
  return key;
}

function apply(state: RegistryState, change: DeviceChange): void {
  if (change.area !== "registry") return;
  switch (change.op) {
    case "createKey":
      ensureKey(state, change.key);
      return;
    case "deleteKey": {
      const folded = fold(change.key);
      for (const path of [...state.keys()])
        if (path === folded || path.startsWith(`${folded}\\`)) state.delete(path);
      return;
    }
    case "setValue":
      ensureKey(state, change.key).values.set(fold(change.name), {
        name: state.get(fold(change.key))?.values.get(fold(change.name))?.name ?? change.name,
        value: change.value,
      });
      return;
    case "deleteValue":
      state.get(fold(change.key))?.values.delete(fold(change.name));
      return;
  }
}

/** The registry after every change stamped with a seq up to `seq` (0: the baseline alone). */
export function registryAt(changes: readonly DeviceChange[], seq: number): RegistryState {
  const state: RegistryState = new Map();
  for (const change of changes) if (change.seq <= seq) apply(state, change);
  return state;
}

/** The state as a tree, keys and subkeys sorted as regedit lists them; ancestors nobody wrote are shown empty. */
export function registryTree(state: RegistryState): RegistryKeyNode[] {
  interface Building {
    name: string;
    path: string;
    values: RegistryKeyNode["values"];
    children: Map<string, Building>;
  }
  const roots = new Map<string, Building>();
  for (const key of state.values()) {
    const names = key.path.split("\\");
    let level = roots;
    let node: Building | undefined;
    names.forEach((name, index) => {
      const folded = fold(name);
      node = level.get(folded);
      if (node === undefined) {
        node = { name, path: names.slice(0, index + 1).join("\\"), values: [], children: new Map() };
        level.set(folded, node);
      }
      level = node.children;
    });
    if (node !== undefined) node.values = [...key.values.values()];
  }
  const done = (level: Map<string, Building>): RegistryKeyNode[] =>
    [...level.values()]
      .sort((a, b) => (fold(a.name) < fold(b.name) ? -1 : fold(a.name) > fold(b.name) ? 1 : 0))
      .map((node) => ({
        name: node.name,
        path: node.path,
        values: node.values,
        children: done(node.children),
      }));
  return done(roots);
}

const sameValue = (a: JournalValue, b: JournalValue) =>
  a.type === b.type && JSON.stringify(a.data) === JSON.stringify(b.data);

/**
 * What step `seq` changed: keys and values added, changed or removed between the registry before it and after
 * it. A rewrite of the same data is no change. A value outside the baseline that the step replaced keeps the
 * `before` the journal recorded, so it shows as changed rather than added.
 */
export function registryDiff(changes: readonly DeviceChange[], seq: number): RegistryDiffEntry[] {
  const step = changes.filter(
    (change): change is RegistryChange => change.seq === seq && change.area === "registry",
  );
  if (step.length === 0) return [];
  const before = registryAt(changes, seq - 1);
  const after = registryAt(changes, seq);
  const recordedBefore = new Map<string, JournalValue>();
  for (const change of step)
    if ((change.op === "setValue" || change.op === "deleteValue") && change.before !== undefined) {
      const id = `${fold(change.key)}\u0000${fold(change.name)}`;
      if (!recordedBefore.has(id)) recordedBefore.set(id, change.before);
    }
  const touched = new Set<string>();
  // A key is new only when the step created it: a key outside the baseline that existed before recording
  // started is absent from the replay's "before" without having been added.
  const created = new Set(
    step.filter((change) => change.op === "createKey").map((change) => fold(change.key)),
  );
  for (const change of step) {
    const folded = fold(change.key);
    touched.add(folded);
    if (change.op === "deleteKey")
      for (const path of before.keys()) if (path.startsWith(`${folded}\\`)) touched.add(path);
  }
  const diff: RegistryDiffEntry[] = [];
  for (const folded of [...touched].sort()) {
    const was = before.get(folded);
    const is = after.get(folded);
    if (was === undefined && is !== undefined && created.has(folded))
      diff.push({ kind: "added", key: is.path });
    if (was !== undefined && is === undefined) diff.push({ kind: "removed", key: was.path });
    const names = new Set([...(was?.values.keys() ?? []), ...(is?.values.keys() ?? [])]);
    for (const name of recordedBefore.keys())
      if (name.startsWith(`${folded}\u0000`)) names.add(name.slice(folded.length + 1));
    for (const name of [...names].sort()) {
      const old = was?.values.get(name)?.value ?? recordedBefore.get(`${folded}\u0000${name}`);
      const now = is?.values.get(name);
      const key = (is ?? was)?.path ?? folded;
      const shownName = now?.name ?? was?.values.get(name)?.name ?? nameIn(step, folded, name);
      if (old === undefined && now !== undefined)
        diff.push({ kind: "added", key, name: shownName, after: now.value });
      else if (old !== undefined && now === undefined)
        diff.push({ kind: "removed", key, name: shownName, before: old });
      else if (old !== undefined && now !== undefined && !sameValue(old, now.value))
        diff.push({ kind: "changed", key, name: shownName, before: old, after: now.value });
    }
  }
  return diff;
}

/** A value's name as the step spelled it (for a value the registry no longer holds). */
function nameIn(step: readonly RegistryChange[], key: string, name: string): string {
  for (const change of step)
    if (
      (change.op === "setValue" || change.op === "deleteValue") &&
      fold(change.key) === key &&
      fold(change.name) === name
    )
      return change.name;
  return name;
}
