import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ImesimError } from "../errors/index.ts";
import { createDeflatePool } from "./deflate-pool.ts";
import { DEFAULT_TOOL_VERSION, type DetectionXml } from "./detection-xml.ts";
import { IntunewinErrorCode } from "./error-codes.ts";
import { walkSourceFolder } from "./folder-walk.ts";
import { writeInnerZip } from "./inner-zip-writer.ts";
import { DEFAULT_CONTENT_FILE_NAME } from "./package-reader.ts";
import { writePackage } from "./package-writer.ts";

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
  toolVersion?: string;
  onProgress?: (done: number, total: number) => void;
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

/** The setup file's path relative to the source folder, with Windows separators (intunewin.md §1.2 SetupFile). */
function relativeSetupPath(
  sourceFolder: string,
  setupFile: string,
): { absolute: string; relativeWindows: string } {
  const absolute = isAbsolute(setupFile) ? setupFile : join(sourceFolder, setupFile);
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
 * Packs a folder into `<setup base name>.intunewin` as IntuneWinAppUtil does (`-c -s -o [-q]`), with MsiInfo
 * read from the .msi when the setup file is one. The package appears under its final name only when complete.
 */
export async function packFolder(options: PackOptions): Promise<PackResult> {
  const sourceFolder = resolve(options.sourceFolder);
  const sourceInfo = await stat(sourceFolder).catch(() => undefined);
  if (sourceInfo === undefined || !sourceInfo.isDirectory()) {
    throw new ImesimError(
      IntunewinErrorCode.sourceFolderInvalid,
      `source folder ${options.sourceFolder} does not exist`,
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
  const outputFolder = resolve(options.outputFolder);
  const outputInfo = await stat(outputFolder).catch(() => undefined);
  if (outputInfo === undefined) {
    if (options.overwrite !== true) {
      throw new ImesimError(
        IntunewinErrorCode.outputFolderMissing,
        `output folder ${options.outputFolder} does not exist (use -q to create it)`,
      );
    }
    await mkdir(outputFolder, { recursive: true });
  } else if (!outputInfo.isDirectory()) {
    throw new ImesimError(
      IntunewinErrorCode.outputFolderMissing,
      `output ${options.outputFolder} is not a folder`,
    );
  }
  const setupName = basename(setup.absolute);
  const outputPath = join(outputFolder, `${basename(setupName, extname(setupName))}.intunewin`);
  if (options.overwrite !== true && (await stat(outputPath).catch(() => undefined)) !== undefined) {
    throw new ImesimError(
      IntunewinErrorCode.outputExists,
      `${outputPath} already exists (use -q to overwrite)`,
    );
  }
  // Loaded only for .msi setup files: the CFB reader is memory the common case does not need.
  const msi =
    extname(setupName).toLowerCase() === ".msi"
      ? await (await import("../msi/index.ts")).readMsiPackageInfo(setup.absolute)
      : undefined;
  const items = await walkSourceFolder(sourceFolder);
  const total = items.reduce((sum, item) => sum + item.size, 0);
  const temporary = join(outputFolder, `.${basename(outputPath)}.${randomBytes(6).toString("hex")}.tmp`);
  const pool = createDeflatePool(options.threads);
  const handle = await open(temporary, "wx");
  let done = 0;
  try {
    const innerZip = writeInnerZip(items, pool, {
      level: options.level ?? DEFAULT_CONTENT_LEVEL,
      onRead: (bytes) => {
        done += bytes;
        options.onProgress?.(done, total);
      },
    });
    const detection = await writePackage(handle, innerZip, {
      toolVersion: options.toolVersion ?? DEFAULT_TOOL_VERSION,
      // intunewin.md §1.2 Name: the MSI ProductName, otherwise the setup file name.
      name: msi?.productName ?? setupName,
      fileName: DEFAULT_CONTENT_FILE_NAME,
      setupFile: setup.relativeWindows,
      ...(msi === undefined ? {} : { msiInfo: msi.msiInfo }),
    });
    await handle.close();
    await rename(temporary, outputPath);
    return { outputPath, detection };
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    if (error instanceof ImesimError) throw error;
    throw new ImesimError(
      IntunewinErrorCode.ioFailed,
      `packing ${options.sourceFolder} failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    await pool.close();
  }
}
