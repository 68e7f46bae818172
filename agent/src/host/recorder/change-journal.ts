// An opt-in journal of what a device's registry and file system went through, for the dashboard's registry and
// folder views (issue 17). It wraps the device's two stores only when a caller asks for it (createDevice's
// `journal` option): a device without one runs the exact same code as before, at no cost. Changes are recorded
// at the store level, so key paths are resolved (hive spelled out, WOW6432Node applied, HKCU as HKEY_USERS\<sid>)
// and every writer is seen — the IME, installers, scripts, the scenario's own actions.
import type { FilePath, FileStore } from "../files/file-store.ts";
import type { KeyPath, RegistryStore } from "../registry/registry-store.ts";
import type { RegistryValue } from "../types.ts";

/** A registry value as JSON can hold it: QWORDs as decimal text, binary data as hex. */
export interface JournalValue {
  readonly type: RegistryValue["type"];
  readonly data: string | number | readonly string[];
}

interface Stamp {
  /**
   * The event whose step made the change: the agent emits a step's event once the step's writes are done
   * (state.enforcement after the EnforcementState write, content.unzipped after the files), so a change belongs
   * to the first event emitted after it. 0 for the baseline taken when recording starts; the last event's seq
   * plus one for changes after the last event.
   */
  readonly seq: number;
  readonly simTime: number;
}

export type DeviceChange = Stamp &
  (
    | { readonly area: "registry"; readonly op: "createKey" | "deleteKey"; readonly key: string }
    | {
        readonly area: "registry";
        readonly op: "setValue";
        readonly key: string;
        readonly name: string;
        readonly value: JournalValue;
        /**
         * The value it replaced, when the journal had not seen that value yet (one outside the baseline that was
         * there before recording started), so a reader can tell a changed value from an added one without the whole registry.
         */
        readonly before?: JournalValue;
      }
    | {
        readonly area: "registry";
        readonly op: "deleteValue";
        readonly key: string;
        readonly name: string;
        readonly before?: JournalValue;
      }
    | { readonly area: "files"; readonly op: "write"; readonly path: string; readonly size: number }
    | { readonly area: "files"; readonly op: "mkdir" | "remove"; readonly path: string }
    | { readonly area: "files"; readonly op: "move"; readonly path: string; readonly to: string }
  );

type Unstamped = DeviceChange extends infer C ? (C extends Stamp ? Omit<C, keyof Stamp> : never) : never;

/** Where the baseline is taken: resolved key paths and file paths (`["HKEY_LOCAL_MACHINE", "SOFTWARE", ...]`). */
export interface JournalRoots {
  readonly registry: readonly KeyPath[];
  readonly folders: readonly FilePath[];
}

/** Turns a stored registry value into its JSON form. */
export function journalValueOf(value: RegistryValue): JournalValue {
  switch (value.type) {
    case "REG_QWORD":
      return { type: value.type, data: value.data.toString() };
    case "REG_BINARY":
    case "REG_NONE":
      return { type: value.type, data: Buffer.from(value.data).toString("hex") };
    default:
      return { type: value.type, data: value.data };
  }
}

const joined = (path: readonly string[]): string => path.join("\\");
const valueId = (key: string, name: string) => `${key.toUpperCase()}\u0000${name.toUpperCase()}`;

/** Same type and data: a rewrite that changes nothing (the IME rewrites many values every check-in). */
function sameValue(a: RegistryValue, b: RegistryValue): boolean {
  if (a.type !== b.type) return false;
  if (a.data instanceof Uint8Array && b.data instanceof Uint8Array)
    return (
      a.data.length === b.data.length && a.data.every((byte, index) => byte === (b.data as Uint8Array)[index])
    );
  if (Array.isArray(a.data) && Array.isArray(b.data))
    return (
      a.data.length === b.data.length && a.data.every((item, index) => item === (b.data as string[])[index])
    );
  return a.data === b.data;
}

/**
 * The journal of one device. Nothing is recorded until `start` (the device's base image and the scenario's seed
 * are its baseline, not its history); `stepEnded(seq)` is called for every event the agent emits.
 */
export class ChangeJournal {
  readonly #changes: DeviceChange[] = [];
  #pending: Unstamped[] = [];
  #pendingTimes: number[] = [];
  #lastSeq = 0;
  #recording = false;
  #registry: RegistryStore | undefined;
  /** Values (folded key and name) the baseline or a recorded change holds: their earlier data is in the journal. */
  readonly #seen = new Set<string>();
  #files: FileStore | undefined;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Every change recorded so far and stamped with its step, in the order it happened. */
  get changes(): readonly DeviceChange[] {
    return this.#changes;
  }

  get recording(): boolean {
    return this.#recording;
  }

  /** Wraps the device's registry store (createDevice calls it once). */
  registryStore(store: RegistryStore): RegistryStore {
    this.#registry = store;
    return journalRegistryStore(store, this);
  }

  /** Wraps the device's file store (createDevice calls it once). */
  fileStore(store: FileStore): FileStore {
    this.#files = store;
    return journalFileStore(store, this);
  }

  /** Records what is under `roots` now as the baseline (seq 0), then every change from here on. */
  start(roots: JournalRoots): void {
    const simTime = this.#now();
    const registry = this.#registry;
    const walkKey = (path: KeyPath): void => {
      if (registry === undefined || !registry.hasKey(path)) return;
      this.#changes.push({ seq: 0, simTime, area: "registry", op: "createKey", key: joined(path) });
      for (const { name, value } of registry.values(path)) {
        this.#seen.add(valueId(joined(path), name));
        this.#changes.push({
          seq: 0,
          simTime,
          area: "registry",
          op: "setValue",
          key: joined(path),
          name,
          value: journalValueOf(value),
        });
      }
      for (const name of registry.subkeys(path)) walkKey([...path, name]);
    };
    const files = this.#files;
    const walkFolder = (path: FilePath): void => {
      const entry = files?.entry(path);
      if (files === undefined || entry === undefined) return;
      if (entry.kind === "file") {
        this.#changes.push({
          seq: 0,
          simTime,
          area: "files",
          op: "write",
          path: joined(path),
          size: entry.size,
        });
        return;
      }
      this.#changes.push({ seq: 0, simTime, area: "files", op: "mkdir", path: joined(path) });
      for (const child of files.children(path)) walkFolder([...path, child.name]);
    };
    for (const root of roots.registry) walkKey(root);
    for (const root of roots.folders) walkFolder(root);
    this.#recording = true;
  }

  /** True the first time a value is met: its data before this change is not in the journal yet. */
  firstSight(key: string, name: string): boolean {
    const id = valueId(key, name);
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    return true;
  }

  /** Called by the wrappers for each change while recording. */
  record(change: Unstamped): void {
    this.#pending.push(change);
    this.#pendingTimes.push(this.#now());
  }

  /** How many changes wait for their event (a transaction that throws drops the ones it added). */
  get pendingCount(): number {
    return this.#pending.length;
  }

  dropPendingFrom(count: number): void {
    this.#pending.length = Math.min(this.#pending.length, count);
    this.#pendingTimes.length = this.#pending.length;
  }

  /** The agent emitted event `seq`: the changes since the previous event were its step's. */
  stepEnded(seq: number): void {
    this.#lastSeq = seq;
    this.#stamp(seq);
  }

  /** The run is over: changes after the last event are stamped with the seq the next event would have had. */
  finish(): readonly DeviceChange[] {
    this.#stamp(this.#lastSeq + 1);
    return this.#changes;
  }

  #stamp(seq: number): void {
    this.#pending.forEach((change, index) => {
      this.#changes.push({ seq, simTime: this.#pendingTimes[index]!, ...change } as DeviceChange);
    });
    this.#pending = [];
    this.#pendingTimes = [];
  }
}

/** Runs `work` as the store's transaction; a transaction that throws rolls back, so its changes are dropped. */
function journaled<T>(journal: ChangeJournal, run: (work: () => T) => T, work: () => T): T {
  const mark = journal.pendingCount;
  try {
    return run(work);
  } catch (error) {
    journal.dropPendingFrom(mark);
    throw error;
  }
}

/** Records a value set (`value`) or deleted (undefined), with `before` when the journal never saw the value. */
function recordValue(
  journal: ChangeJournal,
  path: KeyPath,
  name: string,
  before: RegistryValue | undefined,
  value: RegistryValue | undefined,
): void {
  const key = joined(path);
  // Every value met is marked seen, the first write of a new one too.
  const unseen = journal.firstSight(key, name);
  const replaced = before !== undefined && unseen ? { before: journalValueOf(before) } : {};
  if (value === undefined) journal.record({ area: "registry", op: "deleteValue", key, name, ...replaced });
  else
    journal.record({
      area: "registry",
      op: "setValue",
      key,
      name,
      value: journalValueOf(value),
      ...replaced,
    });
}

function journalRegistryStore(store: RegistryStore, journal: ChangeJournal): RegistryStore {
  return {
    hasKey: (path) => store.hasKey(path),
    createKey(path) {
      if (journal.recording && !store.hasKey(path)) {
        // The store creates missing ancestors too: each new key is recorded, outermost first.
        let first = path.length;
        while (first > 2 && !store.hasKey(path.slice(0, first - 1))) first -= 1;
        for (let depth = first; depth <= path.length; depth += 1)
          journal.record({ area: "registry", op: "createKey", key: joined(path.slice(0, depth)) });
      }
      store.createKey(path);
    },
    deleteKey(path) {
      const deleted = store.deleteKey(path);
      if (deleted && journal.recording)
        journal.record({ area: "registry", op: "deleteKey", key: joined(path) });
      return deleted;
    },
    subkeys: (path) => store.subkeys(path),
    getValue: (path, name) => store.getValue(path, name),
    setValue(path, name, value) {
      if (journal.recording) {
        const before = store.getValue(path, name);
        // A rewrite of the same data is no change: not recorded (it would be most of a long run's journal).
        if (before === undefined || !sameValue(before, value))
          recordValue(journal, path, name, before, value);
      }
      store.setValue(path, name, value);
    },
    deleteValue(path, name) {
      const before = journal.recording ? store.getValue(path, name) : undefined;
      const deleted = store.deleteValue(path, name);
      if (deleted && journal.recording) recordValue(journal, path, name, before, undefined);
      return deleted;
    },
    values: (path) => store.values(path),
    transaction: (work) => journaled(journal, (w) => store.transaction(w), work),
    atomic: (work) => store.atomic(work),
  };
}

function journalFileStore(store: FileStore, journal: ChangeJournal): FileStore {
  const wrapped: FileStore = {
    entry: (path) => store.entry(path),
    read: (path) => store.read(path),
    putFile(path, data, meta) {
      store.putFile(path, data, meta);
      if (journal.recording)
        journal.record({
          area: "files",
          op: "write",
          path: joined(path),
          size: store.entry(path)?.size ?? 0,
        });
    },
    putDirectory(path, timeMs) {
      store.putDirectory(path, timeMs);
      if (journal.recording) journal.record({ area: "files", op: "mkdir", path: joined(path) });
    },
    remove(path) {
      const removed = store.remove(path);
      if (removed && journal.recording) journal.record({ area: "files", op: "remove", path: joined(path) });
      return removed;
    },
    children: (path) => store.children(path),
    bytesBelow: (path) => store.bytesBelow(path),
    move(from, to) {
      store.move(from, to);
      if (journal.recording)
        journal.record({ area: "files", op: "move", path: joined(from), to: joined(to) });
    },
    freeBytes: () => store.freeBytes(),
    setFreeBytes: (bytes) => store.setFreeBytes(bytes),
    transaction: (work) => journaled(journal, (w) => store.transaction(w), work),
    atomic: (work) => store.atomic(work),
  };
  // The optional member stays absent when the store has none (file-system.ts checks for it).
  if (store.backing !== undefined) wrapped.backing = (path) => store.backing!(path);
  return wrapped;
}
