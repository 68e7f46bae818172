import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { ImesimError } from "../errors/index.ts";
import { throwIfAborted } from "./abort.ts";
import { IntunewinErrorCode } from "./error-codes.ts";
import { garbageBudget } from "./garbage-collection.ts";
import { windowsNameProblem } from "./safe-path.ts";

/**
 * A file or empty folder to put in the content zip; `name` is the zip entry name with `/`, relative to the
 * source folder. Kept this small (no absolute path, no Date) because a pack holds one per file until the end.
 */
export interface SourceItem {
  name: string;
  isDirectory: boolean;
  size: number;
  /** Last write time in milliseconds since 1970. */
  modifiedMs: number;
}

/** What a pack reads its source folder through: the disk, or a folder held in memory (memory-folder.ts). */
export interface SourceFileSystem {
  readdir(path: string): Promise<string[]>;
  /** Follows links, as Windows file APIs do for the tool. */
  stat(path: string): Promise<{ isDirectory(): boolean; isFile(): boolean; size: number; mtimeMs: number }>;
  open(path: string): Promise<SourceFileHandle>;
}

/** The part of an open file a pack reads with. */
export interface SourceFileHandle {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** The real file system. */
export const diskFileSystem: SourceFileSystem = { readdir, stat, open: (path) => open(path, "r") };

/** Where a walked item is on disk. */
export function sourceItemPath(sourceFolder: string, item: SourceItem): string {
  return join(sourceFolder, item.name);
}

/** What walkSourceFolder takes besides the folder. */
export interface WalkOptions {
  /** Checked between folders and files; an aborted walk throws INTUNEWIN_ABORTED. */
  signal?: AbortSignal;
  /** Where the folder is (default the disk). */
  fileSystem?: SourceFileSystem;
}

/** How many offending paths an INTUNEWIN_SOURCE_NAME_INVALID message lists before "and N more". */
const LISTED_PROBLEMS = 5;
/** Bytes counted per stat towards the next collection (see garbage-collection.ts). */
const STAT_GARBAGE = 8 * 1024;

/**
 * Ordinal, case-insensitive order: how the 1.8.4.0 fixture lists `Install-…` before `install.bat`.
 * It also puts names that differ only in case next to each other, which is how collisions are found.
 */
function compareNames(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** One error for every name Windows could not hold: the first few relative paths, then how many more. */
function nameProblemsError(problems: string[]): ImesimError {
  const listed = problems.slice(0, LISTED_PROBLEMS).join("; ");
  const more = problems.length > LISTED_PROBLEMS ? `; and ${problems.length - LISTED_PROBLEMS} more` : "";
  return new ImesimError(
    IntunewinErrorCode.sourceNameInvalid,
    `${problems.length} source ${problems.length === 1 ? "name" : "names"} Windows cannot hold ` +
      `(IntuneWinAppUtil and the IME run there): ${listed}${more}`,
    { path: problems[0] },
  );
}

/**
 * Lists a source folder as the tool lays out its content zip (intunewin.md §1.4): a folder's files first,
 * then its sub-folders, recursively; plain folders get no entry, empty folders get `name/`.
 * Refuses (INTUNEWIN_SOURCE_NAME_INVALID) names Windows cannot hold and names that differ only in case,
 * since the tool runs on Windows and the IME extracts there: one would overwrite the other.
 */
export async function walkSourceFolder(root: string, options: WalkOptions = {}): Promise<SourceItem[]> {
  const { readdir, stat } = options.fileSystem ?? diskFileSystem;
  const items: SourceItem[] = [];
  const problems: string[] = [];
  const collected = garbageBudget();
  const visit = async (folder: string, prefix: string): Promise<void> => {
    throwIfAborted(options.signal, "packing");
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      throw new ImesimError(
        IntunewinErrorCode.sourceFolderInvalid,
        `cannot read folder ${folder}: ${(error as Error).message}`,
      );
    }
    names.sort(compareNames);
    const files: SourceItem[] = [];
    const folders: { name: string; path: string }[] = [];
    let previous: string | undefined;
    for (const name of names) {
      const problem = windowsNameProblem(name);
      if (problem !== undefined) problems.push(`${prefix}${name} (${problem})`);
      // Upper-casing stands in for Windows' case-insensitive comparison (both are ordinal, per character).
      if (previous !== undefined && previous.toUpperCase() === name.toUpperCase())
        problems.push(`${prefix}${previous} and ${prefix}${name} (differ only in case)`);
      previous = name;
      // A stat's Stats object, its promise and the joined path are garbage at once; counted so that a walk of
      // tens of thousands of files is collected as it goes instead of growing the young generation to its limit.
      collected(STAT_GARBAGE);
      const path = join(folder, name);
      // stat follows links, as Windows file APIs do for the tool.
      const info = await stat(path).catch((error: Error) => {
        throw new ImesimError(
          IntunewinErrorCode.sourceFolderInvalid,
          `cannot read ${path}: ${error.message}`,
        );
      });
      if (info.isDirectory()) folders.push({ name, path });
      else if (info.isFile()) {
        files.push({
          name: prefix + name,
          isDirectory: false,
          size: info.size,
          modifiedMs: info.mtimeMs,
        });
      }
    }
    items.push(...files);
    for (const sub of folders) {
      const before = items.length;
      await visit(sub.path, `${prefix}${sub.name}/`);
      if (items.length === before) {
        const info = await stat(sub.path);
        items.push({
          name: `${prefix}${sub.name}/`,
          isDirectory: true,
          size: 0,
          modifiedMs: info.mtimeMs,
        });
      }
    }
  };
  await visit(root, "");
  if (problems.length > 0) throw nameProblemsError(problems);
  return items;
}
