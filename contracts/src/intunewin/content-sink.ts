import { randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import { lstat, mkdir, readdir, realpath, rename, rm, rmdir, utimes, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";
import { writeGathered } from "./gathered-file-write.ts";
import { io, ioFailed } from "./io-error.ts";

/** One entry of the content zip, with its safe `/`-separated relative path. */
export interface ContentEntry {
  path: string;
  isDirectory: boolean;
  size: number;
  modified: Date;
}

/**
 * Where extracted content goes. Entries arrive while the package is still being verified, so a sink
 * stages them and makes them visible only in `commit`, which runs after everything verified;
 * `abort` discards the stage. Nothing observable may change before `commit`. Calls come one at a time unless
 * the caller of extractContent asks for `concurrentFiles` > 1.
 */
export interface ContentSink {
  /**
   * True when `file` is done with each chunk by the time it asks for the next (it copies or writes it first):
   * the extraction may then release a chunk's memory at once (chunk-ledger.ts) instead of leaving it to the
   * garbage collector. Leave it unset for a sink that keeps chunks, or views of them.
   */
  readonly releasesChunks?: boolean;
  directory(entry: ContentEntry): Promise<void> | void;
  /** Must consume `data` (the file's bytes, in order) before resolving. */
  file(entry: ContentEntry, data: AsyncIterable<Buffer>): Promise<void>;
  commit(): Promise<void> | void;
  abort(reason: unknown): Promise<void> | void;
}

/** A sink that stages in memory; `files`/`directories` are filled only on commit. */
export interface MemorySink extends ContentSink {
  readonly files: Map<string, Buffer>;
  readonly directories: Set<string>;
  readonly committed: boolean;
}

/** Collects content in memory (tests, small packages, a virtual file system that copies from it). */
export function createMemorySink(): MemorySink {
  const stagedFiles = new Map<string, Buffer>();
  const stagedDirectories = new Set<string>();
  const files = new Map<string, Buffer>();
  const directories = new Set<string>();
  let committed = false;
  return {
    files,
    directories,
    get committed() {
      return committed;
    },
    releasesChunks: true,
    directory(entry) {
      stagedDirectories.add(entry.path);
    },
    async file(entry, data) {
      const chunks: Buffer[] = [];
      for await (const chunk of data) chunks.push(Buffer.from(chunk));
      stagedFiles.set(entry.path, Buffer.concat(chunks));
    },
    commit() {
      for (const [path, bytes] of stagedFiles) files.set(path, bytes);
      for (const path of stagedDirectories) directories.add(path);
      committed = true;
    },
    abort() {
      stagedFiles.clear();
      stagedDirectories.clear();
    },
  };
}

/**
 * Files up to this size are gathered and written with one call: a write stream, its buffer and its events per
 * file made unpacking 70,000 small files hold 300 MB (issue 3 acceptance); bigger files stream.
 */
const WHOLE_FILE_WRITE = 1 << 20;

/** lstat that says undefined for a path that does not exist and fails typed for anything else. */
async function lstatIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioFailed("read", path, error);
  }
}

/**
 * The folder the content really goes to. A symbolic link to a folder stands for that folder: the staging
 * folder is made beside the target (a rename stays on one file system) and the target is what gets replaced,
 * so the link keeps pointing at the new content. Renaming over the link itself fails (ENOTDIR).
 */
async function resolveOutputFolder(
  outputFolder: string,
): Promise<{ folder: string; stats: Stats | undefined }> {
  // Absolute first: `-o .` must stage beside the working folder, not inside it as `./..imesim-staging-…`.
  const absolute = resolve(outputFolder);
  const stats = await lstatIfExists(absolute);
  if (stats === undefined || !stats.isSymbolicLink()) return { folder: absolute, stats };
  const target = await io("follow the symbolic link", outputFolder, () => realpath(outputFolder));
  return { folder: target, stats: await lstatIfExists(target) };
}

/** Removes the folders `mkdir -p` created for the staging folder, innermost first, while they are empty. */
async function removeCreatedParents(parent: string, firstCreated: string | undefined): Promise<void> {
  if (firstCreated === undefined) return;
  for (let folder = parent; ; folder = dirname(folder)) {
    const removed = await rmdir(folder).then(
      () => true,
      () => false,
    );
    if (!removed || folder === firstCreated || dirname(folder) === folder) return;
  }
}

/**
 * Extracts to a real folder through a hidden staging folder beside it. On commit a new output folder is the
 * staging folder renamed (one atomic step); an existing one stays itself (its owner and mode, a mount point,
 * the working folder of `-o .`) and the staged entries move into it. The output folder must not exist or be
 * empty, unless `overwrite` (then its old entries are removed on commit, after everything verified).
 * Every filesystem failure is INTUNEWIN_IO_FAILED naming the path; a failure or abort leaves nothing behind.
 */
export async function createDirectorySink(
  outputFolder: string,
  options: { overwrite?: boolean } = {},
): Promise<ContentSink> {
  const { folder, stats: existing } = await resolveOutputFolder(outputFolder);
  if (existing !== undefined) {
    if (!existing.isDirectory()) {
      throw new ImesimError(IntunewinErrorCode.outputExists, `${outputFolder} exists and is not a folder`);
    }
    const names = await io("list", outputFolder, () => readdir(folder));
    if (options.overwrite !== true && names.length > 0) {
      throw new ImesimError(
        IntunewinErrorCode.outputExists,
        `${outputFolder} is not empty (imesim unpack --force, or the overwrite option, replaces it)`,
      );
    }
  }
  const parent = dirname(folder);
  const firstCreated = await io("create the folder", parent, () => mkdir(parent, { recursive: true }));
  const staging = join(parent, `.${basename(folder)}.imesim-staging-${randomBytes(6).toString("hex")}`);
  try {
    await mkdir(staging);
  } catch (error) {
    await removeCreatedParents(parent, firstCreated);
    throw ioFailed("create the staging folder", staging, error);
  }
  // Folders already made in the staging tree: a package of 70,000 files in a few folders needs a few mkdirs.
  const made = new Set<string>();
  const folderFor = async (path: string): Promise<void> => {
    if (made.has(path)) return;
    await mkdir(path, { recursive: true });
    made.add(path);
  };
  return {
    releasesChunks: true,
    async directory(entry) {
      await folderFor(join(staging, ...entry.path.split("/")));
    },
    async file(entry, data) {
      const target = join(staging, ...entry.path.split("/"));
      await folderFor(dirname(target));
      if (entry.size <= WHOLE_FILE_WRITE) {
        // Copies (releasesChunks): small files are a small share of the bytes.
        const chunks: Buffer[] = [];
        for await (const chunk of data) chunks.push(Buffer.from(chunk));
        await writeFile(target, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), {
          flag: "wx",
        });
      } else {
        await writeGathered(target, entry.size, data);
      }
      // Set now rather than at commit: a list of every file's path and time grew with the file count.
      await utimes(target, entry.modified, entry.modified);
    },
    async commit() {
      if ((await lstatIfExists(folder)) === undefined) {
        await io("move the extracted content to", folder, () => rename(staging, folder));
        return;
      }
      const old = await io("list", folder, () => readdir(folder));
      if (old.length > 0 && options.overwrite !== true) {
        // Something was written there while the package was verified: never overwrite it unasked.
        throw new ImesimError(IntunewinErrorCode.outputExists, `${outputFolder} is no longer empty`);
      }
      for (const name of old) {
        const path = join(folder, name);
        await io("replace", path, () => rm(path, { recursive: true, force: true }));
      }
      for (const name of await io("list", staging, () => readdir(staging))) {
        const path = join(folder, name);
        await io("move the extracted content to", path, () => rename(join(staging, name), path));
      }
      await io("remove", staging, () => rmdir(staging));
    },
    async abort() {
      await rm(staging, { recursive: true, force: true });
      await removeCreatedParents(parent, firstCreated);
    },
  };
}
