// An installer's effects land when its process ends, not when it starts (issue 13 "Crash semantics"):
// a device killed or rebooted while setup.exe runs must not find the app already installed. Installers
// (scripted, cmd, msiexec) apply their writes at once and report how long the process ran, so the
// enforcement runs them against a staging view of the host: the writes happen (the installer reads back
// what it wrote), every one is journaled with what it replaced, then `stage()` puts the device back as it
// was and `land()` replays the journal when the process's run time is over.
import type { FileSystem, Host, Registry, RegistryAccess, RegistryValue } from "../host/types.ts";

/** The host an installer runs against, and the two moves of its journal. */
export interface StagedHost {
  readonly host: Host;
  /** Undoes every write, newest first: the device is as it was before the process started. */
  stage(): void;
  /** Replays every write in order: the process has ended and its effects are on the device. */
  land(): void;
}

type Step = () => void;

interface FileSnapshot {
  readonly path: string;
  readonly kind: "file" | "directory";
  readonly data?: Uint8Array;
  readonly version?: string;
  readonly children?: readonly FileSnapshot[];
}

interface KeySnapshot {
  readonly path: string;
  readonly values: ReadonlyArray<{ name: string; value: RegistryValue }>;
  readonly subkeys: readonly KeySnapshot[];
}

const parentOf = (path: string): string | undefined => {
  const cut = path.replace(/[\\/]+$/, "").search(/[\\/][^\\/]*$/);
  return cut <= 0 ? undefined : path.slice(0, cut);
};

function snapshotFile(fs: FileSystem, path: string): FileSnapshot | undefined {
  const stat = fs.stat(path);
  if (stat === undefined) return undefined;
  if (stat.kind === "file") {
    const version = fs.fileVersion(path);
    return {
      path,
      kind: "file",
      data: fs.readFile(path).slice(),
      ...(version === undefined ? {} : { version }),
    };
  }
  const children = fs.list(path).flatMap((name) => snapshotFile(fs, `${path}\\${name}`) ?? []);
  return { path, kind: "directory", children };
}

function restoreFile(fs: FileSystem, snapshot: FileSnapshot): void {
  if (snapshot.kind === "directory") {
    fs.mkdir(snapshot.path);
    for (const child of snapshot.children ?? []) restoreFile(fs, child);
  } else {
    fs.writeFile(snapshot.path, snapshot.data ?? new Uint8Array(), {
      ...(snapshot.version === undefined ? {} : { version: snapshot.version }),
    });
  }
}

/** The undo of any write to `path`: its old content back, or it (and the folders the write made) gone. */
function fileUndo(fs: FileSystem, path: string): Step {
  const before = snapshotFile(fs, path);
  if (before !== undefined)
    return () => {
      fs.remove(path);
      restoreFile(fs, before);
    };
  // The write creates missing parents: remove the highest folder that did not exist.
  let created = path;
  for (
    let parent = parentOf(path);
    parent !== undefined && fs.stat(parent) === undefined;
    parent = parentOf(parent)
  )
    created = parent;
  return () => {
    fs.remove(created);
  };
}

function snapshotKey(registry: Registry, path: string, access: RegistryAccess | undefined): KeySnapshot {
  return {
    path,
    values: registry.listValues(path, access),
    subkeys: registry
      .listSubkeys(path, access)
      .map((name) => snapshotKey(registry, `${path}\\${name}`, access)),
  };
}

function restoreKey(registry: Registry, snapshot: KeySnapshot, access: RegistryAccess | undefined): void {
  registry.createKey(snapshot.path, access);
  for (const { name, value } of snapshot.values) registry.setValue(snapshot.path, name, value, access);
  for (const subkey of snapshot.subkeys) restoreKey(registry, subkey, access);
}

/** The undo of deleting `keyPath`: its whole old subtree back. */
function subtreeUndo(registry: Registry, keyPath: string, access: RegistryAccess | undefined): Step {
  const before = snapshotKey(registry, keyPath, access);
  return () => restoreKey(registry, before, access);
}

/** The undo of a write that may create `keyPath` (and its parents): the keys it made gone. */
function createdKeysUndo(registry: Registry, keyPath: string, access: RegistryAccess | undefined): Step {
  if (registry.keyExists(keyPath, access)) return () => {};
  let created = keyPath;
  for (
    let parent = parentOf(keyPath);
    parent?.includes("\\") === true && !registry.keyExists(parent, access);
    parent = parentOf(parent)
  )
    created = parent;
  return () => {
    registry.deleteKey(created, access);
  };
}

/** The undo of a write to one value: its old data back, or it gone (and the keys the write made). */
function valueUndo(
  registry: Registry,
  keyPath: string,
  name: string,
  access: RegistryAccess | undefined,
): Step {
  if (!registry.keyExists(keyPath, access)) return createdKeysUndo(registry, keyPath, access);
  const before = registry.getValue(keyPath, name, access);
  return before === undefined
    ? () => {
        registry.deleteValue(keyPath, name, access);
      }
    : () => registry.setValue(keyPath, name, before, access);
}

/** Wraps `host` so that every write is journaled with its undo. */
export function stageHost(host: Host): StagedHost {
  const undo: Step[] = [];
  const redo: Step[] = [];
  const { fs, registry } = host;
  const journal = (before: Step, write: Step): void => {
    undo.push(before);
    redo.push(write);
    write();
  };

  const stagedFs: FileSystem = {
    stat: (path) => fs.stat(path),
    readFile: (path) => fs.readFile(path),
    list: (path) => fs.list(path),
    fileVersion: (path) => fs.fileVersion(path),
    freeBytes: (drive) => fs.freeBytes(drive),
    writeFile(path, data, options) {
      // Bytes are copied (the caller may reuse its buffer); a DiskBacking is a reference to a file that stays as it is.
      const copy = data instanceof Uint8Array ? data.slice() : data;
      journal(fileUndo(fs, path), () => fs.writeFile(path, copy, options));
    },
    mkdir(path) {
      // An existing folder is left as it is: no snapshot of, say, all of C:\Program Files.
      const undoCreated = fs.stat(path) === undefined ? fileUndo(fs, path) : () => {};
      journal(undoCreated, () => fs.mkdir(path));
    },
    remove(path) {
      const existed = fs.stat(path) !== undefined;
      if (existed) journal(fileUndo(fs, path), () => fs.remove(path));
      return existed;
    },
    rename(from, to) {
      const undoTo = fileUndo(fs, to);
      const undoFrom = fileUndo(fs, from);
      journal(
        () => {
          undoTo();
          undoFrom();
        },
        () => fs.rename(from, to),
      );
    },
  };

  const stagedRegistry: Registry = {
    keyExists: (keyPath, access) => registry.keyExists(keyPath, access),
    getValue: (keyPath, name, access) => registry.getValue(keyPath, name, access),
    listSubkeys: (keyPath, access) => registry.listSubkeys(keyPath, access),
    listValues: (keyPath, access) => registry.listValues(keyPath, access),
    transaction: (work) => registry.transaction(work),
    setValue(keyPath, name, value, access) {
      journal(valueUndo(registry, keyPath, name, access), () =>
        registry.setValue(keyPath, name, value, access),
      );
    },
    deleteValue(keyPath, name, access) {
      const existed = registry.getValue(keyPath, name, access) !== undefined;
      if (existed)
        journal(valueUndo(registry, keyPath, name, access), () =>
          registry.deleteValue(keyPath, name, access),
        );
      return existed;
    },
    createKey(keyPath, access) {
      journal(createdKeysUndo(registry, keyPath, access), () => registry.createKey(keyPath, access));
    },
    deleteKey(keyPath, access) {
      const existed = registry.keyExists(keyPath, access);
      if (existed) journal(subtreeUndo(registry, keyPath, access), () => registry.deleteKey(keyPath, access));
      return existed;
    },
  };

  const atOnce = (steps: readonly Step[]): void => {
    // One transaction: a crash in the middle of landing leaves all of it or none (SQLite backend).
    registry.transaction(() => {
      for (const step of steps) step();
    });
  };
  return {
    host: {
      fs: stagedFs,
      registry: stagedRegistry,
      expandEnvironment: (text, context) => host.expandEnvironment(text, context),
    },
    stage: () => atOnce([...undo].reverse()),
    land: () => atOnce(redo),
  };
}
