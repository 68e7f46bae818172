import { createCipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";
import { isImesimError } from "../../src/errors/index.ts";
import {
  type DetectionXml,
  type EncryptionInfo,
  writeDetectionXml,
} from "../../src/intunewin/detection-xml.ts";
import { packFolder, readPackage } from "../../src/intunewin/index.ts";
import {
  centralDirectoryHeader,
  endOfCentralDirectory,
  localFileHeader,
  ZIP_FLAG,
  ZIP_METHOD,
  type ZipEntryRecord,
} from "../../src/intunewin/zip-format.ts";

export const FIXTURES = fileURLToPath(new URL("../../../fixtures/intunewin", import.meta.url));
export const fixture = (name: string): string => join(FIXTURES, name);

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempFolder(prefix = "imesim-codec-"): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes a tree: string/Buffer values are files, null is an empty folder. */
export function writeTree(root: string, tree: Record<string, string | Buffer | null>): void {
  for (const [path, content] of Object.entries(tree)) {
    const target = join(root, ...path.split("/"));
    if (content === null) {
      mkdirSync(target, { recursive: true });
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }
}

/** Reads a tree back: files as hex digests with sizes, empty folders as null. */
export function readTree(root: string): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  const visit = (folder: string, prefix: string): void => {
    const names = readdirSync(folder);
    if (names.length === 0 && prefix !== "") result[prefix.slice(0, -1)] = null;
    for (const name of names) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) visit(path, `${prefix}${name}/`);
      else result[`${prefix}${name}`] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  visit(root, "");
  return result;
}

/** Encrypts bytes exactly as the format says (intunewin.md §1.3), for tests that need a chosen plaintext. */
export function encryptForTest(plaintext: Buffer): { encrypted: Buffer; info: EncryptionInfo } {
  const key = randomBytes(32);
  const macKey = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const mac = createHmac("sha256", macKey).update(iv).update(ciphertext).digest();
  return {
    encrypted: Buffer.concat([mac, iv, ciphertext]),
    info: {
      EncryptionKey: key.toString("base64"),
      MacKey: macKey.toString("base64"),
      InitializationVector: iv.toString("base64"),
      Mac: mac.toString("base64"),
      ProfileIdentifier: "ProfileVersion1",
      FileDigest: createHash("sha256").update(plaintext).digest("base64"),
      FileDigestAlgorithm: "SHA256",
    },
  };
}

export interface RawZipEntry {
  name: string;
  data: Buffer;
  deflate?: boolean;
  /** Raw deflate bytes to store as the (deflated) entry's data, when a test needs a particular stream. */
  compressed?: Buffer;
  /** The uncompressed size the headers declare, when it should lie about `data`'s length. */
  declaredSize?: number;
  /** Unix mode bits, written with a Unix "made by" host. */
  unixMode?: number;
}

/** Builds a zip with any names (including hostile ones), for reader tests. */
export function buildZip(entries: RawZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const records: ZipEntryRecord[] = [];
  let offset = 0;
  for (const entry of entries) {
    const compressed =
      entry.deflate === false ? entry.data : (entry.compressed ?? deflateRawSync(entry.data));
    const record: ZipEntryRecord = {
      name: Buffer.from(entry.name, "utf8"),
      versionMadeBy: entry.unixMode === undefined ? 20 : (3 << 8) | 20,
      versionNeeded: 20,
      flags: ZIP_FLAG.utf8,
      method: entry.deflate === false ? ZIP_METHOD.stored : ZIP_METHOD.deflated,
      dosTime: 0,
      dosDate: (44 << 9) | (1 << 5) | 1,
      crc32: crc32(entry.data),
      compressedSize: compressed.length,
      uncompressedSize: entry.declaredSize ?? entry.data.length,
      localHeaderOffset: offset,
      externalAttributes: entry.unixMode === undefined ? 0 : (entry.unixMode << 16) >>> 0,
    };
    const header = localFileHeader(record, Buffer.alloc(0), false);
    parts.push(header, compressed);
    offset += header.length + compressed.length;
    records.push(record);
  }
  const directory = Buffer.concat(records.map((record) => centralDirectoryHeader(record)));
  parts.push(directory, endOfCentralDirectory(records.length, offset, directory.length, 20));
  return Buffer.concat(parts);
}

/**
 * A package over a chosen content zip (setup file install.cmd); `contentEntry` may change how the encrypted file
 * is stored in the outer zip (deflated, with a lying size).
 */
export function packageOf(
  contentZip: Buffer,
  contentEntry: (encrypted: Buffer) => Omit<RawZipEntry, "name"> = (data) => ({ data, deflate: false }),
): { bytes: Buffer; encryptedLength: number } {
  const { encrypted, info } = encryptForTest(contentZip);
  const detection: DetectionXml = {
    ToolVersion: "1.8.7.0",
    Name: "install.cmd",
    UnencryptedContentSize: contentZip.length,
    FileName: "IntunePackage.intunewin",
    SetupFile: "install.cmd",
    EncryptionInfo: info,
  };
  const bytes = buildZip([
    { name: "IntuneWinPackage/Contents/IntunePackage.intunewin", ...contentEntry(encrypted) },
    {
      name: "IntuneWinPackage/Metadata/Detection.xml",
      data: Buffer.from(writeDetectionXml(detection)),
      deflate: false,
    },
  ]);
  return { bytes, encryptedLength: encrypted.length };
}

/** The ImesimError a promise rejects with (the test fails if it resolves or rejects with anything else). */
export async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isImesimError(error)) throw new Error(`expected an ImesimError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

/** A package packed from a tree, with where its encrypted content lies (for tests that damage it). */
export interface PackedForTest {
  bytes: Buffer;
  contentOffset: number;
  contentLength: number;
  xmlOffset: number;
  xmlLength: number;
  info: EncryptionInfo;
  unencryptedSize: number;
}

/** Packs `tree` (written under `folder`/src) with packFolder and reads back where everything lies. */
export async function packTreeForTest(
  folder: string,
  tree: Record<string, string | Buffer | null>,
  setupFile: string,
): Promise<PackedForTest> {
  writeTree(join(folder, "src"), tree);
  const result = await packFolder({
    sourceFolder: join(folder, "src"),
    setupFile,
    outputFolder: join(folder, "pkg"),
    overwrite: true,
  });
  const pkg = await readPackage(result.outputPath);
  try {
    return {
      bytes: readFileSync(result.outputPath),
      contentOffset: pkg.contentLocalHeader.dataOffset,
      contentLength: pkg.contentEntry.compressedSize,
      xmlOffset: pkg.detectionEntry.localHeaderOffset + 30 + pkg.detectionEntry.name.length + 28,
      xmlLength: pkg.detectionEntry.compressedSize,
      info: pkg.detection.EncryptionInfo,
      unencryptedSize: pkg.detection.UnencryptedContentSize,
    };
  } finally {
    await pkg.close();
  }
}
