// The package `imesim test` checks: a source folder (as IntuneWinAppUtil would pack it) or a built
// .intunewin, read through the contracts codec. Yields the codec's findings, the file listing the
// lint needs, and the MSI facts (Detection.xml MsiInfo, or the .msi itself for a folder).
import { statSync } from "node:fs";
import { join } from "node:path";
import { ImesimError, isImesimError } from "@imesim/contracts/errors";
import {
  type Finding as CodecFinding,
  extractPackageContent,
  inspectPackage,
  readPackage,
} from "@imesim/contracts/intunewin";
import { readMsiInfo } from "@imesim/contracts/msi";
import type { MsiFacts, PackageListing } from "../lint/index.ts";
import { TestInputErrorCode } from "./app-input.ts";
import { listFolder, listMemory, scriptTextSink } from "./folder-listing.ts";

/** Largest content the lint decrypts into memory to read the package's scripts. */
const MAX_DECRYPT_FOR_LINT_BYTES = 256 * 1024 * 1024;

export interface PackageSource {
  readonly kind: "folder" | "intunewin";
  readonly path: string;
  readonly listing: PackageListing;
  /** Findings of the codec's package checks (intunewin.md §1.8); none for a folder. */
  readonly findings: readonly CodecFinding[];
  readonly setupFile: string | undefined;
  readonly msi: MsiFacts | undefined;
}

/**
 * Reads a folder or .intunewin; an unreadable one is an input error (exit 2). With `setupRequired`, a
 * folder must hold the setup file, as IntuneWinAppUtil requires before it packs.
 */
export async function readPackageSource(
  path: string,
  setupFileHint: string | undefined,
  setupRequired = false,
): Promise<PackageSource> {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (cause) {
    throw new ImesimError(
      TestInputErrorCode.PackageUnreadable,
      `Cannot read package ${path}: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (!isDirectory) return readIntunewin(path);
  const source = await readFolder(path, setupFileHint);
  if (
    setupRequired &&
    setupFileHint !== undefined &&
    !source.listing.files.some(
      (file) => file.toLowerCase() === setupFileHint.replaceAll("\\", "/").toLowerCase(),
    )
  ) {
    throw new ImesimError(
      TestInputErrorCode.PackageUnreadable,
      `setup file ${setupFileHint} is not in ${path}`,
      { path: "setup" },
    );
  }
  return source;
}

async function readFolder(path: string, setupFileHint: string | undefined): Promise<PackageSource> {
  const listing = listFolder(path);
  const setupFile = setupFileHint;
  let msi: MsiFacts | undefined;
  const msiFile =
    setupFile !== undefined && /\.msi$/i.test(setupFile)
      ? listing.files.find((f) => f.toLowerCase() === setupFile.replaceAll("\\", "/").toLowerCase())
      : undefined;
  if (msiFile !== undefined) {
    const info = await readMsiInfo(join(path, msiFile));
    msi = { productCode: info.MsiProductCode, productVersion: info.MsiProductVersion };
  }
  return { kind: "folder", path, listing, findings: [], setupFile, msi };
}

async function readIntunewin(path: string): Promise<PackageSource> {
  const inspected = await inspectPackage(path);
  if (inspected.detection === undefined) {
    const reason = inspected.findings.map((finding) => finding.message).join("; ");
    throw new ImesimError(
      TestInputErrorCode.PackageUnreadable,
      `${path} is not a readable .intunewin: ${reason}`,
    );
  }
  const detection = inspected.detection;
  let listing: PackageListing = {
    files: inspected.entries.filter((e) => !e.isDirectory).map((e) => e.path),
    readText: () => undefined,
  };
  // Script texts are read from a decrypted copy in memory; a big package is listed but not decrypted again.
  if (inspected.valid && detection.UnencryptedContentSize <= MAX_DECRYPT_FOR_LINT_BYTES) {
    try {
      const pkg = await readPackage(path);
      try {
        // Only the texts the lint reads are kept: the content may expand to gigabytes.
        const sink = scriptTextSink();
        await extractPackageContent(pkg, sink);
        listing = listMemory(listing.files, sink.texts);
      } finally {
        await pkg.close();
      }
    } catch (error) {
      if (!isImesimError(error)) throw error;
    }
  }
  const msiInfo = detection.MsiInfo;
  return {
    kind: "intunewin",
    path,
    listing,
    findings: inspected.findings,
    setupFile: detection.SetupFile,
    msi:
      msiInfo === undefined
        ? undefined
        : { productCode: msiInfo.MsiProductCode, productVersion: msiInfo.MsiProductVersion },
  };
}
