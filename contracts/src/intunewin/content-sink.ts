import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, rmdir, stat, utimes } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";

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
 * Extracts to a real folder through a hidden staging folder beside it, renamed into place on commit.
 * The output folder must not exist or be empty, unless `overwrite` (then it is replaced on commit).
 */
export async function createDirectorySink(
  outputFolder: string,
  options: { overwrite?: boolean } = {},
): Promise<ContentSink> {
  const existing = await stat(outputFolder).catch(() => undefined);
  if (existing !== undefined) {
    if (!existing.isDirectory()) {
      throw new ImesimError(IntunewinErrorCode.outputExists, `${outputFolder} exists and is not a folder`);
    }
    if (options.overwrite !== true && (await readdir(outputFolder)).length > 0) {
      throw new ImesimError(
        IntunewinErrorCode.outputExists,
        `${outputFolder} is not empty (imesim unpack --force, or the overwrite option, replaces it)`,
      );
    }
  }
  const parent = dirname(outputFolder);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(outputFolder)}.imesim-staging-${randomBytes(6).toString("hex")}`);
  await mkdir(staging);
  const timestamps: { path: string; modified: Date }[] = [];
  return {
    async directory(entry) {
      await mkdir(join(staging, ...entry.path.split("/")), { recursive: true });
    },
    async file(entry, data) {
      const target = join(staging, ...entry.path.split("/"));
      await mkdir(dirname(target), { recursive: true });
      await pipeline(data, createWriteStream(target, { flags: "wx", highWaterMark: 4 << 20 }));
      timestamps.push({ path: target, modified: entry.modified });
    },
    async commit() {
      for (const { path, modified } of timestamps) await utimes(path, modified, modified);
      const now = await stat(outputFolder).catch(() => undefined);
      if (now !== undefined) {
        if (options.overwrite === true) await rm(outputFolder, { recursive: true, force: true });
        else await rmdir(outputFolder);
      }
      await rename(staging, outputFolder);
    },
    async abort() {
      await rm(staging, { recursive: true, force: true });
    },
  };
}
