// Reads a ZIP's central directory and local headers from a random-access source.
// Written here rather than with yauzl because inspect needs what yauzl hides (local extra fields such as the
// MS tool's 0xA220 fingerprint, local/central disagreement) and every failure must become a typed ImesimError.
import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";
import type { RandomAccessSource } from "./random-access.ts";
import {
  CENTRAL_HEADER_SIZE,
  EOCD_SIZE,
  LOCAL_HEADER_SIZE,
  readUInt64,
  UINT16_MAX,
  UINT32_MAX,
  ZIP_FLAG,
  ZIP_SIGNATURE,
  ZIP64_EOCD_SIZE,
  ZIP64_EXTRA_ID,
  ZIP64_LOCATOR_SIZE,
  type ZipEntryRecord,
} from "./zip-format.ts";

/** A central directory entry with its decoded name. */
export interface ZipEntry extends ZipEntryRecord {
  fileName: string;
  centralExtra: Buffer;
}

/** What the central directory says about the whole archive. */
export interface ZipDirectory {
  entries: ZipEntry[];
  zip64: boolean;
  centralDirectoryOffset: number;
  centralDirectorySize: number;
}

/** A checked central directory whose entries are decoded on demand (each call decodes afresh). */
export interface ZipDirectoryIndex {
  count: number;
  zip64: boolean;
  centralDirectoryOffset: number;
  centralDirectorySize: number;
  /** Entry `index` (0-based, directory order); throws INTUNEWIN_ZIP_CORRUPT for a damaged one. */
  entry(index: number): ZipEntry;
}

// Shared by every entry without a central extra field (most of them); nothing writes into it.
const NO_EXTRA = Buffer.alloc(0);

/** A local header and where its data starts. */
export interface LocalHeader {
  flags: number;
  method: number;
  fileName: string;
  extra: Buffer;
  dataOffset: number;
}

const MAX_COMMENT = UINT16_MAX;

function corrupt(source: RandomAccessSource, message: string): ImesimError {
  return new ImesimError(IntunewinErrorCode.zipCorrupt, `${source.name}: ${message}`);
}

/** Decodes an entry name: UTF-8 when flagged (or valid), otherwise byte-per-char as older writers meant. */
export function decodeZipName(bytes: Buffer, flags: number): string {
  if ((flags & ZIP_FLAG.utf8) !== 0) return bytes.toString("utf8");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

const LOCAL_HEADER_SIGNATURE = Buffer.alloc(4);
LOCAL_HEADER_SIGNATURE.writeUInt32LE(ZIP_SIGNATURE.localFileHeader); // "PK\x03\x04"

/** True when the bytes are a zip's first local header signature, or a start of it (a file cut within 4 bytes). */
function startsLikeZip(head: Buffer): boolean {
  return head.equals(LOCAL_HEADER_SIGNATURE.subarray(0, head.length));
}

async function findEndOfCentralDirectory(
  source: RandomAccessSource,
): Promise<{ offset: number; record: Buffer }> {
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  for (let at = tail.length - EOCD_SIZE; at >= 0; at -= 1) {
    if (tail.readUInt32LE(at) !== ZIP_SIGNATURE.endOfCentralDirectory) continue;
    const commentLength = tail.readUInt16LE(at + 20);
    if (at + EOCD_SIZE + commentLength <= tail.length) {
      return { offset: tailStart + at, record: tail.subarray(at, at + EOCD_SIZE) };
    }
  }
  const head = await source.read(0, 4);
  if (startsLikeZip(head)) {
    // A zip whose end is missing: a download or copy that stopped early, not a file of another kind.
    throw new ImesimError(
      IntunewinErrorCode.truncated,
      source.size === 0
        ? `${source.name} is empty (0 bytes): the download or copy did not finish`
        : `${source.name} starts like a zip but has no End of Central Directory record: it is truncated ` +
            `(${source.size} bytes; a download or copy that stopped early?)`,
    );
  }
  // intunewin.md §1.1: the classic symptom of handing over the encrypted inner file instead of the package.
  throw new ImesimError(
    IntunewinErrorCode.encryptedFileGivenInsteadOfPackage,
    `${source.name}: End of Central Directory not found — this is not a zip. If it is the encrypted inner file ` +
      "(IntunePackage.intunewin / a downloaded .bin), give the outer .intunewin package instead, or decrypt it with its keys.",
  );
}

/**
 * Reads the central directory and checks its structure, decoding an entry only when asked for it: a content
 * zip of 70,000 files then holds one directory buffer instead of 70,000 entry objects made all at once, which
 * made V8 grow its young generation to 128 MB (issue 3 acceptance, memory with many small files).
 */
export async function openZipDirectory(
  source: RandomAccessSource,
  maxEntries = 1_000_000,
): Promise<ZipDirectoryIndex> {
  const { offset: eocdOffset, record } = await findEndOfCentralDirectory(source);
  let entryCount = record.readUInt16LE(10);
  let directorySize = record.readUInt32LE(12);
  let directoryOffset = record.readUInt32LE(16);
  let zip64 = false;
  let directoryEnd = eocdOffset;
  if (entryCount === UINT16_MAX || directorySize === UINT32_MAX || directoryOffset === UINT32_MAX) {
    const locatorOffset = eocdOffset - ZIP64_LOCATOR_SIZE;
    if (locatorOffset < 0) throw corrupt(source, "Zip64 locator missing before the EOCD");
    const locator = await source.read(locatorOffset, ZIP64_LOCATOR_SIZE);
    if (locator.length < ZIP64_LOCATOR_SIZE || locator.readUInt32LE(0) !== ZIP_SIGNATURE.zip64Locator) {
      throw corrupt(source, "Zip64 locator missing before the EOCD");
    }
    const zip64Offset = readUInt64(locator, 8);
    if (zip64Offset + ZIP64_EOCD_SIZE > locatorOffset)
      throw corrupt(source, "Zip64 EOCD offset out of range");
    const zip64Record = await source.read(zip64Offset, ZIP64_EOCD_SIZE);
    if (zip64Record.readUInt32LE(0) !== ZIP_SIGNATURE.zip64EndOfCentralDirectory) {
      throw corrupt(source, "Zip64 End of Central Directory record not found where the locator points");
    }
    entryCount = readUInt64(zip64Record, 32);
    directorySize = readUInt64(zip64Record, 40);
    directoryOffset = readUInt64(zip64Record, 48);
    directoryEnd = zip64Offset;
    zip64 = true;
  }
  if (directoryOffset + directorySize > directoryEnd) {
    throw corrupt(
      source,
      `central directory (offset ${directoryOffset}, ${directorySize} bytes) runs past its end`,
    );
  }
  if (entryCount > maxEntries) {
    throw new ImesimError(
      IntunewinErrorCode.zipBomb,
      `${source.name}: ${entryCount} entries, limit ${maxEntries}`,
    );
  }
  if (entryCount * CENTRAL_HEADER_SIZE > directorySize) {
    throw corrupt(source, `central directory claims ${entryCount} entries in ${directorySize} bytes`);
  }
  const directory = await source.read(directoryOffset, directorySize);
  const starts = new Float64Array(entryCount);
  let at = 0;
  for (let index = 0; index < entryCount; index += 1) {
    if (
      at + CENTRAL_HEADER_SIZE > directory.length ||
      directory.readUInt32LE(at) !== ZIP_SIGNATURE.centralDirectoryHeader
    ) {
      throw corrupt(source, `central directory entry ${index} is damaged`);
    }
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const end = at + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
    if (end > directory.length)
      throw corrupt(source, `central directory entry ${index} runs past the directory`);
    starts[index] = at;
    at = end;
  }
  return {
    count: entryCount,
    zip64,
    centralDirectoryOffset: directoryOffset,
    centralDirectorySize: directorySize,
    entry: (index) => decodeCentralEntry(source, directory, starts[index] ?? 0, index, directoryOffset),
  };
}

/** Reads every central directory entry, following Zip64 records where the EOCD points to them. */
export async function readZipDirectory(
  source: RandomAccessSource,
  maxEntries = 1_000_000,
): Promise<ZipDirectory> {
  const index = await openZipDirectory(source, maxEntries);
  const entries: ZipEntry[] = [];
  for (let at = 0; at < index.count; at += 1) entries.push(index.entry(at));
  return {
    entries,
    zip64: index.zip64,
    centralDirectoryOffset: index.centralDirectoryOffset,
    centralDirectorySize: index.centralDirectorySize,
  };
}

/** Decodes the central directory header at `at` (its structure was checked by openZipDirectory). */
function decodeCentralEntry(
  source: RandomAccessSource,
  directory: Buffer,
  at: number,
  index: number,
  directoryOffset: number,
): ZipEntry {
  const nameLength = directory.readUInt16LE(at + 28);
  const extraLength = directory.readUInt16LE(at + 30);
  const flags = directory.readUInt16LE(at + 8);
  const nameStart = at + CENTRAL_HEADER_SIZE;
  const name = Buffer.from(directory.subarray(nameStart, nameStart + nameLength));
  const centralExtra =
    extraLength === 0
      ? NO_EXTRA
      : Buffer.from(directory.subarray(nameStart + nameLength, nameStart + nameLength + extraLength));
  const entry: ZipEntry = {
    name,
    fileName: decodeZipName(name, flags),
    centralExtra,
    versionMadeBy: directory.readUInt16LE(at + 4),
    versionNeeded: directory.readUInt16LE(at + 6),
    flags,
    method: directory.readUInt16LE(at + 10),
    dosTime: directory.readUInt16LE(at + 12),
    dosDate: directory.readUInt16LE(at + 14),
    crc32: directory.readUInt32LE(at + 16),
    compressedSize: directory.readUInt32LE(at + 20),
    uncompressedSize: directory.readUInt32LE(at + 24),
    externalAttributes: directory.readUInt32LE(at + 38),
    localHeaderOffset: directory.readUInt32LE(at + 42),
  };
  applyZip64Extra(source, entry, index);
  if (entry.localHeaderOffset + LOCAL_HEADER_SIZE > directoryOffset) {
    throw corrupt(source, `entry "${entry.fileName}" points outside the archive`);
  }
  return entry;
}

function applyZip64Extra(source: RandomAccessSource, entry: ZipEntry, index: number): void {
  const needs = [
    entry.uncompressedSize === UINT32_MAX,
    entry.compressedSize === UINT32_MAX,
    entry.localHeaderOffset === UINT32_MAX,
  ];
  if (!needs.some(Boolean)) return;
  const extra = entry.centralExtra;
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA_ID) {
      let field = at + 4;
      const fieldEnd = Math.min(at + 4 + length, extra.length);
      const take = (): number => {
        if (field + 8 > fieldEnd) throw corrupt(source, `entry ${index}: Zip64 extra field too short`);
        const value = readUInt64(extra, field);
        field += 8;
        return value;
      };
      if (needs[0]) entry.uncompressedSize = take();
      if (needs[1]) entry.compressedSize = take();
      if (needs[2]) entry.localHeaderOffset = take();
      return;
    }
    at += 4 + length;
  }
  throw corrupt(source, `entry ${index} needs a Zip64 extra field and has none`);
}

/** Reads an entry's local header and checks it agrees with the central directory. */
export async function readLocalHeader(source: RandomAccessSource, entry: ZipEntry): Promise<LocalHeader> {
  const fixed = await source.read(entry.localHeaderOffset, LOCAL_HEADER_SIZE);
  if (fixed.length < LOCAL_HEADER_SIZE || fixed.readUInt32LE(0) !== ZIP_SIGNATURE.localFileHeader) {
    throw corrupt(
      source,
      `local header of "${entry.fileName}" not found at offset ${entry.localHeaderOffset}`,
    );
  }
  const nameLength = fixed.readUInt16LE(26);
  const extraLength = fixed.readUInt16LE(28);
  const variable = await source.read(entry.localHeaderOffset + LOCAL_HEADER_SIZE, nameLength + extraLength);
  if (variable.length < nameLength + extraLength)
    throw corrupt(source, `local header of "${entry.fileName}" is cut short`);
  const flags = fixed.readUInt16LE(6);
  const header: LocalHeader = {
    flags,
    method: fixed.readUInt16LE(8),
    fileName: decodeZipName(variable.subarray(0, nameLength), flags),
    extra: Buffer.from(variable.subarray(nameLength)),
    dataOffset: entry.localHeaderOffset + LOCAL_HEADER_SIZE + nameLength + extraLength,
  };
  if (header.method !== entry.method) {
    throw corrupt(
      source,
      `"${entry.fileName}": local header method ${header.method} differs from central ${entry.method}`,
    );
  }
  if (header.dataOffset + entry.compressedSize > source.size) {
    throw corrupt(
      source,
      `"${entry.fileName}": data (${entry.compressedSize} bytes) runs past the end of the file`,
    );
  }
  return header;
}

/** Lists the (id, data) extra-field blocks of a header. */
export function parseExtraFields(extra: Buffer): { id: number; data: Buffer }[] {
  const fields: { id: number; data: Buffer }[] = [];
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    fields.push({ id, data: extra.subarray(at + 4, Math.min(at + 4 + length, extra.length)) });
    at += 4 + length;
  }
  return fields;
}
