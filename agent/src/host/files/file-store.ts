// What a file-system backend stores: entries under resolved paths (drive first: ["C:", "Program Files", ...]).
// Windows semantics (parsing, parents, free space, versions, times) live in file-system.ts, once for all.
import { closeSync, openSync, readSync } from "node:fs";

/** A resolved path: the drive, then names as the caller spelled them. */
export type FilePath = readonly string[];

export interface FileEntry {
  /** The name as created (case preserved); the drive (`C:`) for a root. */
  readonly name: string;
  readonly kind: "file" | "directory";
  readonly size: number;
  readonly createdMs: number;
  readonly modifiedMs: number;
  /** A declared file version (synthetic files), else undefined. */
  readonly version: string | undefined;
}

/**
 * A file's bytes kept in a file on the real disk rather than in the store, read only when someone reads the
 * file: a package's expanded content (or a downloaded .bin) can be gigabytes, of which detection and installers
 * read little. The content is the real file's first `size` bytes: a download appends past them while an
 * earlier, shorter backing of the same file is still referenced.
 */
export interface DiskBacking {
  readonly diskPath: string;
  readonly size: number;
}

/** True when `data` is a DiskBacking rather than bytes. */
export function isDiskBacking(data: Uint8Array | DiskBacking): data is DiskBacking {
  return !(data instanceof Uint8Array);
}

/** The bytes of stored content: the bytes themselves, or a fresh copy of the backing file's first `size` bytes. */
export function bytesOf(data: Uint8Array | DiskBacking): Uint8Array {
  if (!isDiskBacking(data)) return data;
  const bytes = new Uint8Array(data.size);
  const fd = openSync(data.diskPath, "r");
  try {
    readFully(fd, bytes, 0, data);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Fills `into` from the backing's open file `fd` at `position`; throws when the file is shorter than the backing says. */
export function readFully(fd: number, into: Uint8Array, position: number, backing: DiskBacking): void {
  for (let done = 0; done < into.length; ) {
    const read = readSync(fd, into, done, into.length - done, position + done);
    if (read === 0)
      throw new Error(`${backing.diskPath} ends at byte ${position + done}, expected ${backing.size}`);
    done += read;
  }
}

export interface FileStore {
  entry(path: FilePath): FileEntry | undefined;
  /** The bytes of a file; undefined for a directory or a missing path. */
  read(path: FilePath): Uint8Array | undefined;
  /**
   * Where a file's bytes lie on the real disk when they do (a DiskBacking the store keeps as is), so a large
   * file is read in pieces rather than copied whole; undefined otherwise. Optional: a backend that copies
   * backings (SQLite) has none.
   */
  backing?(path: FilePath): DiskBacking | undefined;
  /**
   * Writes a file whose parent directory exists; keeps the stored name's case when replacing. A DiskBacking's
   * file must stay as it is while the store refers to it (a backend that persists copies its bytes instead).
   */
  putFile(
    path: FilePath,
    data: Uint8Array | DiskBacking,
    meta: Omit<FileEntry, "name" | "kind" | "size">,
  ): void;
  /** Creates a directory whose parent exists (a drive root has none). */
  putDirectory(path: FilePath, timeMs: number): void;
  /** Removes an entry with everything below it; false when missing. */
  remove(path: FilePath): boolean;
  /** Entries directly inside a directory, in no particular order. */
  children(path: FilePath): FileEntry[];
  /** Total bytes of the files at and below `path`. */
  bytesBelow(path: FilePath): number;
  /** Moves an entry (and its subtree) to a new path whose parent exists and which does not exist. */
  move(from: FilePath, to: FilePath): void;
  freeBytes(): number;
  setFreeBytes(bytes: number): void;
  /** All of `work` lands or none does, also when it throws (user transactions). */
  transaction<T>(work: () => T): T;
  /** Already-validated steps that cannot fail, made to land together across a crash (see RegistryStore.atomic). */
  atomic<T>(work: () => T): T;
}
