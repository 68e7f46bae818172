// The IME's folders as a change journal says they were at a step, and what one step changed (the dashboard's
// folder view): Content\Incoming (the downloaded .bin), Content\Staging and C:\Windows\IMECache (the unzipped
// content), ime.md §3.5. Paths are case-insensitive and case-preserving, as on Windows.
import type { DeviceChange } from "@imesim/agent/host";
import type { FolderChange, FolderNode } from "@imesim/dashboard/api";

interface Entry {
  readonly path: string;
  readonly kind: "file" | "directory";
  readonly size: number;
}

/** Folded path → entry. */
export type FolderState = Map<string, Entry>;

const fold = (text: string) => text.toUpperCase();
const below = (path: string, folder: string) => path === folder || path.startsWith(`${folder}\\`);

function apply(state: FolderState, change: DeviceChange): void {
  if (change.area !== "files") return;
  const folded = fold(change.path);
  switch (change.op) {
    case "write":
      state.set(folded, { path: state.get(folded)?.path ?? change.path, kind: "file", size: change.size });
      return;
    case "mkdir":
      if (!state.has(folded)) state.set(folded, { path: change.path, kind: "directory", size: 0 });
      return;
    case "remove":
      for (const path of [...state.keys()]) if (below(path, folded)) state.delete(path);
      return;
    case "move": {
      const moved = [...state.entries()].filter(([path]) => below(path, folded));
      for (const [path] of moved) state.delete(path);
      for (const [, entry] of moved) {
        const path = `${change.to}${entry.path.slice(change.path.length)}`;
        state.set(fold(path), { ...entry, path });
      }
      return;
    }
  }
}

/** The folders after every change stamped with a seq up to `seq` (0: the baseline alone). */
export function foldersAt(changes: readonly DeviceChange[], seq: number): FolderState {
  const state: FolderState = new Map();
  for (const change of changes) if (change.seq <= seq) apply(state, change);
  return state;
}

/** The state as a tree under the shallowest recorded folders, sorted as Explorer lists; folders sum their files. */
export function folderTree(state: FolderState): FolderNode[] {
  const paths = [...state.keys()].sort();
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const path of paths) {
    const parent = path.slice(0, path.lastIndexOf("\\"));
    if (state.has(parent)) children.set(parent, [...(children.get(parent) ?? []), path]);
    else roots.push(path);
  }
  const build = (path: string): FolderNode => {
    const entry = state.get(path)!;
    const kids = (children.get(path) ?? []).map(build);
    return {
      name: entry.path.slice(entry.path.lastIndexOf("\\") + 1),
      path: entry.path,
      kind: entry.kind,
      size: entry.kind === "file" ? entry.size : kids.reduce((sum, kid) => sum + kid.size, 0),
      children: kids,
    };
  };
  return roots.map(build);
}

/** What step `seq` changed in the folders: entries added, removed, or files whose size changed. */
export function folderChanges(changes: readonly DeviceChange[], seq: number): FolderChange[] {
  if (!changes.some((change) => change.seq === seq && change.area === "files")) return [];
  const before = foldersAt(changes, seq - 1);
  const after = foldersAt(changes, seq);
  const result: FolderChange[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const was = before.get(path);
    const is = after.get(path);
    if (was === undefined && is !== undefined)
      result.push({
        kind: "added",
        path: is.path,
        entry: is.kind,
        ...(is.kind === "file" ? { sizeAfter: is.size } : {}),
      });
    else if (was !== undefined && is === undefined)
      result.push({
        kind: "removed",
        path: was.path,
        entry: was.kind,
        ...(was.kind === "file" ? { sizeBefore: was.size } : {}),
      });
    else if (was !== undefined && is !== undefined && was.kind === "file" && was.size !== is.size)
      result.push({
        kind: "changed",
        path: is.path,
        entry: "file",
        sizeBefore: was.size,
        sizeAfter: is.size,
      });
  }
  return result;
}
