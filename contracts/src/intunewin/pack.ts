import { randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ImesimError } from "../errors/index.ts";
import { abortedError, throwIfAborted } from "./abort.ts";
import { createDeflatePool, createInlineDeflatePool, type DeflatePool } from "./deflate-pool.ts";
import { DEFAULT_TOOL_VERSION, type DetectionXml } from "./detection-xml.ts";
import { IntunewinErrorCode } from "./error-codes.ts";
import { type SourceFileSystem, type SourceItem, walkSourceFolder } from "./folder-walk.ts";
import { writeInnerZip } from "./inner-zip-writer.ts";
import { ioFailed } from "./io-error.ts";
import { memoryFolder } from "./memory-folder.ts";
import { DEFAULT_CONTENT_FILE_NAME } from "./package-reader.ts";
import { memoryPackageOutput, type PackageOutput, writePackage } from "./package-writer.ts";

/** packFolder's input: IntuneWinAppUtil's -c, -s, -o and -q, plus tuning. */
export interface PackOptions {
  /** `-c`: the folder whose contents go in the package. */
  sourceFolder: string;
  /** `-s`: the setup file, relative to the source folder or an absolute path inside it. */
  setupFile: string;
  /** `-o`: where `<setup base name>.intunewin` is written. */
  outputFolder: string;
  /** `-q`: replace an existing package and create the output folder. */
  overwrite?: boolean;
  /** zlib level of the content zip (default 1; see DEFAULT_CONTENT_LEVEL). */
  level?: number;
  /** Compression threads; default one per core. */
  threads?: number;
  /**
   * A pool the caller shares across many packs (it stays open): starting a pool's workers costs far more
   * than packing a small folder, so a run publishing 50 small apps packs them all on one.
   */
  pool?: DeflatePool;
  toolVersion?: string;
  onProgress?: (done: number, total: number) => void;
  /** Stops the pack: the temporary file is removed and INTUNEWIN_ABORTED is thrown. */
  signal?: AbortSignal;
}

/**
 * intunewin.md lists the tool's compression level as unknown. Measured on the 1.8.4.0 fixture (JayRHa): re-deflating
 * its files with zlib, the tool's compressed sizes fall between zlib levels 1 and 2 (CMTrace.exe: tool 308,435 B,
 * level 1 313,524 B, level 2 307,687 B; the .xml file is larger than even level 1), i.e. a fast deflater, not
 * level 6. So imesim uses zlib's fastest level, which is also what ContentPrep's "Fastest" maps to.
 */
export const DEFAULT_CONTENT_LEVEL = 1;

/** Where the package was written and the Detection.xml it carries. */
export interface PackResult {
  outputPath: string;
  detection: DetectionXml;
}

/**
 * The setup file's path relative to the source folder, with Windows separators (intunewin.md §1.2 SetupFile).
 * `-s` may use `\` as IntuneWinAppUtil's callers write it; on a `/` system it is read as a separator.
 */
function relativeSetupPath(
  sourceFolder: string,
  setupFile: string,
): { absolute: string; relativeWindows: string } {
  const native = sep === "/" ? setupFile.replaceAll("\\", "/") : setupFile;
  const absolute = isAbsolute(native) ? resolve(native) : join(sourceFolder, native);
  const rel = relative(sourceFolder, absolute);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new ImesimError(
      IntunewinErrorCode.setupFileMissing,
      `setup file ${setupFile} is not inside ${sourceFolder}`,
    );
  }
  return { absolute, relativeWindows: rel.split(sep).join("\\") };
}

/**
 * Creates `folder` and its missing ancestors, each with one non-recursive mkdir. Node's recursive mkdir
 * retries forever on some paths (`/proc/x`: ENOENT, then EEXIST for `/proc`); this walk fails at once.
 */
async function createFolder(folder: string, shownAs: string): Promise<void> {
  const missing: string[] = [];
  let current = folder;
  for (;;) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
      throw ioFailed("look at", current, error);
    });
    if (info !== undefined) {
      if (!info.isDirectory())
        throw new ImesimError(
          IntunewinErrorCode.outputFolderMissing,
          `output ${shownAs} cannot be created: ${current} is not a folder`,
          { path: current },
        );
      break;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const path of missing.reverse()) {
    await mkdir(path).catch((error: NodeJS.ErrnoException) => {
      // Someone else made it in between: that is what we wanted.
      if (error.code === "EEXIST") return;
      throw ioFailed("create output folder", path, error);
    });
  }
}

/** Checks the output folder, creating it under `-q`, as IntuneWinAppUtil does. */
async function prepareOutputFolder(options: PackOptions, outputFolder: string): Promise<void> {
  const outputInfo = await stat(outputFolder).catch((error: NodeJS.ErrnoException) => {
    // ENOTDIR: an ancestor is a file; createFolder finds which and names it.
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw ioFailed("look at", outputFolder, error);
  });
  if (outputInfo === undefined) {
    if (options.overwrite !== true) {
      throw new ImesimError(
        IntunewinErrorCode.outputFolderMissing,
        `output folder ${options.outputFolder} does not exist (use -q to create it)`,
      );
    }
    await createFolder(outputFolder, options.outputFolder);
  } else if (!outputInfo.isDirectory()) {
    throw new ImesimError(
      IntunewinErrorCode.outputFolderMissing,
      `output ${options.outputFolder} is not a folder`,
    );
  }
}

/** Yields `source`'s chunks until the signal fires, then throws INTUNEWIN_ABORTED (which stops `source`). */
async function* untilAborted(
  source: AsyncGenerator<Buffer>,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    throwIfAborted(signal, "packing");
    yield chunk;
  }
  throwIfAborted(signal, "packing");
}

/** MsiInfo and the product name when the setup file is an .msi (read from its bytes or its path). */
async function msiPackageInfoOf(setupName: string, setup: string | Uint8Array) {
  // Loaded only for .msi setup files: the CFB reader is memory the common case does not need.
  return extname(setupName).toLowerCase() === ".msi"
    ? await (await import("../msi/index.ts")).readMsiPackageInfo(setup)
    : undefined;
}

/** The content zip of `items`, encrypted into a whole .intunewin written to `output`: both packs' common part. */
async function writeItems(
  items: SourceItem[],
  pool: DeflatePool,
  output: PackageOutput,
  options: {
    sourceFolder: string;
    fileSystem?: SourceFileSystem;
    setup: { relativeWindows: string; name: string };
    level: number | undefined;
    toolVersion: string | undefined;
    msi: Awaited<ReturnType<typeof msiPackageInfoOf>>;
    signal?: AbortSignal | undefined;
    onRead?: (bytes: number) => void;
  },
): Promise<DetectionXml> {
  const innerZip = writeInnerZip(items, pool, {
    sourceFolder: options.sourceFolder,
    level: options.level ?? DEFAULT_CONTENT_LEVEL,
    ...(options.fileSystem === undefined ? {} : { fileSystem: options.fileSystem }),
    ...(options.onRead === undefined ? {} : { onRead: options.onRead }),
  });
  const { msi } = options;
  return writePackage(output, untilAborted(innerZip, options.signal), {
    toolVersion: options.toolVersion ?? DEFAULT_TOOL_VERSION,
    // intunewin.md §1.2 Name: the MSI ProductName, otherwise the setup file name.
    name: msi?.productName ?? options.setup.name,
    fileName: DEFAULT_CONTENT_FILE_NAME,
    setupFile: options.setup.relativeWindows,
    ...(msi === undefined ? {} : { msiInfo: msi.msiInfo }),
  });
}

/**
 * Packs a folder into `<setup base name>.intunewin` as IntuneWinAppUtil does (`-c -s -o [-q]`), with MsiInfo
 * read from the .msi when the setup file is one. The package appears under its final name only when complete;
 * on any failure or abort nothing is left behind but a folder `-q` created.
 */
export async function packFolder(options: PackOptions): Promise<PackResult> {
  const { signal } = options;
  throwIfAborted(signal, "packing");
  const sourceFolder = resolve(options.sourceFolder);
  const sourceInfo = await stat(sourceFolder).catch((error: NodeJS.ErrnoException) => error);
  if (sourceInfo instanceof Error || !sourceInfo.isDirectory()) {
    const why =
      sourceInfo instanceof Error
        ? sourceInfo.code === "ENOENT" || sourceInfo.code === "ENOTDIR"
          ? "does not exist"
          : `cannot be read (${sourceInfo.code ?? sourceInfo.message})`
        : "is a file, not a folder (-c takes the folder that holds the setup file)";
    throw new ImesimError(
      IntunewinErrorCode.sourceFolderInvalid,
      `${sourceInfo instanceof Error ? "source folder" : "source"} ${options.sourceFolder} ${why}`,
      {
        path: options.sourceFolder,
      },
    );
  }
  const setup = relativeSetupPath(sourceFolder, options.setupFile);
  const setupInfo = await stat(setup.absolute).catch(() => undefined);
  if (setupInfo === undefined || !setupInfo.isFile()) {
    throw new ImesimError(
      IntunewinErrorCode.setupFileMissing,
      `setup file ${options.setupFile} not found in ${options.sourceFolder}`,
    );
  }
  // Everything about the input is checked before anything is written (names Windows cannot hold included).
  const items = await walkSourceFolder(sourceFolder, signal === undefined ? {} : { signal });
  const outputFolder = resolve(options.outputFolder);
  const setupName = basename(setup.absolute);
  const outputPath = join(outputFolder, `${basename(setupName, extname(setupName))}.intunewin`);
  await prepareOutputFolder(options, outputFolder);
  if (options.overwrite !== true && (await stat(outputPath).catch(() => undefined)) !== undefined) {
    throw new ImesimError(
      IntunewinErrorCode.outputExists,
      `${outputPath} already exists (use -q to overwrite)`,
    );
  }
  const msi = await msiPackageInfoOf(setupName, setup.absolute);
  const total = items.reduce((sum, item) => sum + item.size, 0);
  const temporary = join(outputFolder, `.${basename(outputPath)}.${randomBytes(6).toString("hex")}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(temporary, "wx");
  } catch (error) {
    throw ioFailed("create", temporary, error);
  }
  const pool = options.pool ?? createDeflatePool(options.threads);
  let done = 0;
  try {
    const detection = await writeItems(items, pool, handle, {
      sourceFolder,
      setup: { ...setup, name: setupName },
      level: options.level,
      toolVersion: options.toolVersion,
      msi,
      signal,
      onRead: (bytes) => {
        done += bytes;
        options.onProgress?.(done, total);
      },
    });
    await handle.close();
    // A stop that came while the last bytes were written still wins: the package is not committed.
    throwIfAborted(signal, "packing");
    await rename(temporary, outputPath).catch((error: unknown) => {
      throw ioFailed("write", outputPath, error);
    });
    return { outputPath, detection };
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true }).catch(() => {});
    if (signal?.aborted === true) throw abortedError(signal, "packing");
    if (error instanceof ImesimError) throw error;
    throw new ImesimError(
      IntunewinErrorCode.ioFailed,
      `packing ${options.sourceFolder} failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    if (options.pool === undefined) await pool.close();
  }
}

/** packFiles' input: the files of a folder, held in memory, and packFolder's `-s`. */
export interface PackFilesOptions {
  /** File contents by path relative to the folder (`/` or `\` separated); strings are written as UTF-8. */
  files: Readonly<Record<string, string | Uint8Array>>;
  /** `-s`: the setup file, relative to the folder. */
  setupFile: string;
  /** The files' last-write time (default now): a folder written just before packing has it. */
  modifiedMs?: number;
  level?: number;
  /** Default: compress on this thread (createInlineDeflatePool), which suits a few KiB of files. */
  pool?: DeflatePool;
  toolVersion?: string;
}

/** A package packed in memory: the .intunewin's bytes, the name packFolder would give its file, and Detection.xml. */
export interface PackedFiles {
  bytes: Buffer;
  fileName: string;
  detection: DetectionXml;
}

/** The folder packFiles' files are said to be in, in error messages. */
const MEMORY_FOLDER = resolve("package-files");

/**
 * Packs files held in memory as packFolder packs the folder they would be written to (same order, checks,
 * names and bytes), with no folder written, read or removed: a scenario's inline package of a few KiB.
 */
export async function packFiles(options: PackFilesOptions): Promise<PackedFiles> {
  const folder = memoryFolder(MEMORY_FOLDER, options.files, options.modifiedMs ?? Date.now());
  const setup = relativeSetupPath(folder.root, options.setupFile);
  const setupBytes = folder.bytesOf(setup.absolute);
  if (setupBytes === undefined) {
    throw new ImesimError(
      IntunewinErrorCode.setupFileMissing,
      `setup file ${options.setupFile} not found in the package's files`,
    );
  }
  const { fileSystem } = folder;
  const items = await walkSourceFolder(folder.root, { fileSystem });
  const setupName = basename(setup.absolute);
  const msi = await msiPackageInfoOf(setupName, setupBytes);
  const output = memoryPackageOutput();
  const detection = await writeItems(items, options.pool ?? createInlineDeflatePool(), output, {
    sourceFolder: folder.root,
    fileSystem,
    setup: { ...setup, name: setupName },
    level: options.level,
    toolVersion: options.toolVersion,
    msi,
  });
  return {
    bytes: output.bytes(),
    fileName: `${basename(setupName, extname(setupName))}.intunewin`,
    detection,
  };
}
