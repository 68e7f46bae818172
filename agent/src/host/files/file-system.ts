// The Windows file system callers see: path parsing, parents, case, times from the device's clock, free space
// on the system drive, file versions; over any FileStore backend.
import { ImesimError } from "@imesim/contracts/errors";
import type { TimeSource } from "../../clock/types.ts";
import { assertCreatableName, foldCase, parseWindowsPath } from "../paths.ts";
import type { FileStat, FileSystem } from "../types.ts";
import { type FilePath, type FileStore, isDiskBacking } from "./file-store.ts";
import { readPeFileVersion } from "./pe-version.ts";

// HRESULTs of the Win32 errors these operations fail with (winerror.h, wrapped as HRESULT_FROM_WIN32).
const E_FILE_NOT_FOUND = 0x80070002;
const E_PATH_NOT_FOUND = 0x80070003;
const E_ACCESS_DENIED = 0x80070005;
const E_DISK_FULL = 0x80070070;
const E_ALREADY_EXISTS = 0x800700b7;

export interface FileSystemOptions {
  readonly clock: TimeSource;
  /** The drive letters that exist (`C:`); the first is the system drive, whose free space is accounted. */
  readonly drives: readonly string[];
}

/** Sorts names as Explorer and `dir` list them: case-insensitively. */
function compareNames(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Resolved path spellings kept; past this many (an installer writing many files) the cache starts over. */
const RESOLVED_CACHE_SIZE = 4096;
/**
 * Parsed paths (drive first, then the names) by spelling, shared by every device: parsing is a pure function of
 * the text and the frozen arrays are never changed, so a fleet parses each spelling once (issue 18).
 */
const resolved = new Map<string, FilePath>();
function parsedPath(path: string): FilePath {
  let names = resolved.get(path);
  if (names === undefined) {
    const parsed = parseWindowsPath(path);
    names = Object.freeze([parsed.drive, ...parsed.names]);
    if (resolved.size >= RESOLVED_CACHE_SIZE) resolved.clear();
    resolved.set(path, names);
  }
  return names;
}

/** The FileSystem a device exposes, over `store`. */
export function createFileSystem(
  store: FileStore,
  options: FileSystemOptions,
): FileSystem & { readonly store: FileStore } {
  const drives = new Set(options.drives.map((drive) => drive.toUpperCase()));

  // Detection and clean-up look at the same paths at every check-in: each spelling is parsed once; whether its
  // drive exists is this device's question.
  const resolve = (path: string): FilePath => {
    const names = parsedPath(path);
    if (!drives.has(names[0]!)) {
      throw new ImesimError("FS_PATH_NOT_FOUND", `drive ${names[0]} does not exist (in "${path}")`, {
        imeErrorCode: E_PATH_NOT_FOUND,
      });
    }
    return names;
  };

  const lookup = (path: string): FilePath | undefined => {
    try {
      return resolve(path);
    } catch {
      return undefined;
    }
  };

  /** The directories to create so that `names` (inclusive) exists; throws when a file is in the way. */
  const missingDirectories = (names: FilePath, original: string): FilePath[] => {
    // Nearly every write goes into a folder that exists: then so does every folder above it (a file has nothing
    // below it), and one look-up answers instead of a sliced, case-folded prefix and a look-up per level.
    if (names.length >= 2 && store.entry(names)?.kind === "directory") return [];
    for (let depth = 2; depth <= names.length; depth += 1) {
      const prefix = names.slice(0, depth);
      const entry = store.entry(prefix);
      if (entry === undefined) {
        const missing: FilePath[] = [];
        for (let rest = depth; rest <= names.length; rest += 1) {
          assertCreatableName(names[rest - 1]!, original);
          missing.push(names.slice(0, rest));
        }
        return missing;
      }
      if (entry.kind === "file") {
        throw new ImesimError(
          "FS_PATH_NOT_FOUND",
          `"${prefix.join("\\")}" is a file, not a folder (in "${original}")`,
          {
            imeErrorCode: E_PATH_NOT_FOUND,
          },
        );
      }
    }
    return [];
  };

  const createDirectories = (directories: readonly FilePath[]): void => {
    const now = options.clock.now();
    for (const directory of directories) store.putDirectory(directory, now);
  };

  return {
    store,
    stat(path): FileStat | undefined {
      const names = lookup(path);
      if (names === undefined) return undefined;
      if (names.length === 1) return { kind: "directory", size: 0, createdMs: 0, modifiedMs: 0 };
      const entry = store.entry(names);
      if (entry === undefined) return undefined;
      return { kind: entry.kind, size: entry.size, createdMs: entry.createdMs, modifiedMs: entry.modifiedMs };
    },

    readFile(path) {
      const data = store.read(resolve(path));
      if (data === undefined) {
        throw new ImesimError("FS_FILE_NOT_FOUND", `no file at "${path}"`, {
          imeErrorCode: E_FILE_NOT_FOUND,
        });
      }
      return data;
    },

    diskBacking(path) {
      const names = lookup(path);
      return names === undefined || names.length < 2 ? undefined : store.backing?.(names);
    },

    writeFile(path, data, writeOptions) {
      const names = resolve(path);
      if (names.length === 1) {
        throw new ImesimError("FS_ACCESS_DENIED", `cannot write to a drive root: "${path}"`, {
          imeErrorCode: E_ACCESS_DENIED,
        });
      }
      assertCreatableName(names[names.length - 1]!, path);
      const bytes =
        typeof data === "string"
          ? new TextEncoder().encode(data)
          : isDiskBacking(data)
            ? data
            : new Uint8Array(data);
      const size = isDiskBacking(bytes) ? bytes.size : bytes.length;
      // Everything that can fail is checked before the first change, so nothing is ever half-written.
      const directories = missingDirectories(names.slice(0, -1), path);
      const existing = directories.length === 0 ? store.entry(names) : undefined;
      if (existing?.kind === "directory") {
        throw new ImesimError("FS_ACCESS_DENIED", `"${path}" is a folder`, { imeErrorCode: E_ACCESS_DENIED });
      }
      const free = store.freeBytes();
      const needed = size - (existing?.size ?? 0);
      if (needed > free) {
        throw new ImesimError("FS_DISK_FULL", `not enough space on the disk to write "${path}"`, {
          imeErrorCode: E_DISK_FULL,
        });
      }
      const now = options.clock.now();
      store.atomic(() => {
        createDirectories(directories);
        store.putFile(names, bytes, {
          createdMs: existing?.createdMs ?? now,
          modifiedMs: now,
          version: writeOptions?.version,
        });
        if (needed !== 0) store.setFreeBytes(free - needed);
      });
    },

    mkdir(path) {
      const directories = missingDirectories(resolve(path), path);
      if (directories.length > 0) store.atomic(() => createDirectories(directories));
    },

    remove(path) {
      const names = lookup(path);
      if (names === undefined || names.length < 2 || store.entry(names) === undefined) return false;
      return store.atomic(() => {
        const freed = store.bytesBelow(names);
        store.remove(names);
        store.setFreeBytes(store.freeBytes() + freed);
        return true;
      });
    },

    list(path) {
      const names = lookup(path);
      if (names === undefined) return [];
      return store
        .children(names)
        .map((entry) => entry.name)
        .sort(compareNames);
    },

    rename(from, to) {
      const source = resolve(from);
      const target = resolve(to);
      if (source.length < 2 || store.entry(source) === undefined) {
        throw new ImesimError("FS_FILE_NOT_FOUND", `nothing to move at "${from}"`, {
          imeErrorCode: E_FILE_NOT_FOUND,
        });
      }
      const sameEntry =
        source.length === target.length && source.every((n, i) => foldCase(n) === foldCase(target[i]!));
      if (
        !sameEntry &&
        target.length > source.length &&
        source.every((n, i) => foldCase(n) === foldCase(target[i]!))
      ) {
        throw new ImesimError("FS_INVALID_MOVE", `cannot move "${from}" into itself ("${to}")`, {
          imeErrorCode: E_ACCESS_DENIED,
        });
      }
      if (!sameEntry && store.entry(target) !== undefined) {
        throw new ImesimError("FS_ALREADY_EXISTS", `"${to}" already exists`, {
          imeErrorCode: E_ALREADY_EXISTS,
        });
      }
      const parent = target.slice(0, -1);
      if (parent.length > 1 && store.entry(parent)?.kind !== "directory") {
        throw new ImesimError("FS_PATH_NOT_FOUND", `the folder of "${to}" does not exist`, {
          imeErrorCode: E_PATH_NOT_FOUND,
        });
      }
      assertCreatableName(target[target.length - 1]!, to);
      store.atomic(() => store.move(source, target));
    },

    fileVersion(path) {
      const names = lookup(path);
      if (names === undefined) return undefined;
      const entry = store.entry(names);
      if (entry?.kind !== "file") return undefined;
      if (entry.version !== undefined) return entry.version;
      return readPeFileVersion(store.read(names)!);
    },

    freeBytes(drive) {
      const letter = (drive ?? options.drives[0] ?? "C:").slice(0, 1).toUpperCase();
      // Only the system drive is accounted; other drives report no free space.
      return `${letter}:` === options.drives[0]?.toUpperCase() ? store.freeBytes() : 0;
    },
  };
}
