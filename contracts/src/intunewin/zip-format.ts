// Byte layouts of the ZIP records imesim writes and reads (PKWARE APPNOTE 6.3, sections 4.3.7-4.3.16).
// Both the outer package and the inner content zip use these builders.

export const ZIP_SIGNATURE = {
  localFileHeader: 0x04034b50,
  centralDirectoryHeader: 0x02014b50,
  endOfCentralDirectory: 0x06054b50,
  zip64EndOfCentralDirectory: 0x06064b50,
  zip64Locator: 0x07064b50,
  dataDescriptor: 0x08074b50,
} as const;

export const ZIP_METHOD = { stored: 0, deflated: 8 } as const;
export const ZIP_FLAG = { dataDescriptor: 0x0008, utf8: 0x0800 } as const;
export const ZIP64_EXTRA_ID = 0x0001;
export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;
export const UINT32_MAX = 0xffffffff;
export const UINT16_MAX = 0xffff;

/** One entry as the central directory describes it. */
export interface ZipEntryRecord {
  name: Buffer;
  versionMadeBy: number;
  versionNeeded: number;
  flags: number;
  method: number;
  dosTime: number;
  dosDate: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  externalAttributes: number;
}

/** DOS date and time in local wall-clock time, 2-second resolution (what Windows zip writers store). */
export function toDosDateTime(date: Date): { dosDate: number; dosTime: number } {
  const year = Math.min(Math.max(date.getFullYear(), 1980), 2107);
  return {
    dosDate: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
    dosTime: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
  };
}

/** The local Date a DOS date/time stands for. */
export function fromDosDateTime(dosDate: number, dosTime: number): Date {
  return new Date(
    ((dosDate >> 9) & 0x7f) + 1980,
    Math.max(((dosDate >> 5) & 0x0f) - 1, 0),
    Math.max(dosDate & 0x1f, 1),
    (dosTime >> 11) & 0x1f,
    (dosTime >> 5) & 0x3f,
    (dosTime & 0x1f) * 2,
  );
}

/** Writes a u64 that is at most 2^53 (every size in this codec) as two u32 halves. */
export function writeUInt64(buffer: Buffer, value: number, offset: number): void {
  buffer.writeUInt32LE(value % 0x100000000, offset);
  buffer.writeUInt32LE(Math.floor(value / 0x100000000), offset + 4);
}

/** Reads a u64 as a JS number; sizes above 2^53 are refused by the callers' bounds checks. */
export function readUInt64(buffer: Buffer, offset: number): number {
  return buffer.readUInt32LE(offset) + buffer.readUInt32LE(offset + 4) * 0x100000000;
}

/** A local file header with the given extra field bytes. */
export function localFileHeader(entry: ZipEntryRecord, extra: Buffer, zip64Sizes: boolean): Buffer {
  const header = Buffer.alloc(LOCAL_HEADER_SIZE + entry.name.length + extra.length);
  header.writeUInt32LE(ZIP_SIGNATURE.localFileHeader, 0);
  header.writeUInt16LE(entry.versionNeeded, 4);
  header.writeUInt16LE(entry.flags, 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(entry.dosTime, 10);
  header.writeUInt16LE(entry.dosDate, 12);
  header.writeUInt32LE(entry.crc32 >>> 0, 14);
  header.writeUInt32LE(zip64Sizes ? UINT32_MAX : entry.compressedSize, 18);
  header.writeUInt32LE(zip64Sizes ? UINT32_MAX : entry.uncompressedSize, 22);
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  entry.name.copy(header, LOCAL_HEADER_SIZE);
  extra.copy(header, LOCAL_HEADER_SIZE + entry.name.length);
  return header;
}

/** The Zip64 extended-information extra field of a local header (both sizes, APPNOTE 4.5.3). */
export function zip64LocalExtra(uncompressedSize: number, compressedSize: number): Buffer {
  const extra = Buffer.alloc(20);
  extra.writeUInt16LE(ZIP64_EXTRA_ID, 0);
  extra.writeUInt16LE(16, 2);
  writeUInt64(extra, uncompressedSize, 4);
  writeUInt64(extra, compressedSize, 12);
  return extra;
}

/** A central directory header; Zip64 fields are added only for the values that overflow 32 bits. */
export function centralDirectoryHeader(entry: ZipEntryRecord): Buffer {
  const overflowUncompressed = entry.uncompressedSize >= UINT32_MAX;
  const overflowCompressed = entry.compressedSize >= UINT32_MAX;
  const overflowOffset = entry.localHeaderOffset >= UINT32_MAX;
  const zip64Values = [
    overflowUncompressed ? entry.uncompressedSize : undefined,
    overflowCompressed ? entry.compressedSize : undefined,
    overflowOffset ? entry.localHeaderOffset : undefined,
  ].filter((value): value is number => value !== undefined);
  const extraLength = zip64Values.length === 0 ? 0 : 4 + 8 * zip64Values.length;
  const header = Buffer.alloc(CENTRAL_HEADER_SIZE + entry.name.length + extraLength);
  const needed = zip64Values.length > 0 ? Math.max(entry.versionNeeded, 45) : entry.versionNeeded;
  header.writeUInt32LE(ZIP_SIGNATURE.centralDirectoryHeader, 0);
  header.writeUInt16LE(entry.versionMadeBy, 4);
  header.writeUInt16LE(needed, 6);
  header.writeUInt16LE(entry.flags, 8);
  header.writeUInt16LE(entry.method, 10);
  header.writeUInt16LE(entry.dosTime, 12);
  header.writeUInt16LE(entry.dosDate, 14);
  header.writeUInt32LE(entry.crc32 >>> 0, 16);
  header.writeUInt32LE(overflowCompressed ? UINT32_MAX : entry.compressedSize, 20);
  header.writeUInt32LE(overflowUncompressed ? UINT32_MAX : entry.uncompressedSize, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extraLength, 30);
  header.writeUInt16LE(0, 32); // comment length
  header.writeUInt16LE(0, 34); // disk number start
  header.writeUInt16LE(0, 36); // internal attributes
  header.writeUInt32LE(entry.externalAttributes >>> 0, 38);
  header.writeUInt32LE(overflowOffset ? UINT32_MAX : entry.localHeaderOffset, 42);
  entry.name.copy(header, CENTRAL_HEADER_SIZE);
  if (extraLength > 0) {
    const at = CENTRAL_HEADER_SIZE + entry.name.length;
    header.writeUInt16LE(ZIP64_EXTRA_ID, at);
    header.writeUInt16LE(extraLength - 4, at + 2);
    for (const [index, value] of zip64Values.entries()) writeUInt64(header, value, at + 4 + 8 * index);
  }
  return header;
}

/** EOCD, preceded by the Zip64 EOCD record and locator when any count, size or offset overflows. */
export function endOfCentralDirectory(
  entryCount: number,
  centralDirectoryOffset: number,
  centralDirectorySize: number,
  versionMadeBy: number,
): Buffer {
  const needsZip64 =
    entryCount >= UINT16_MAX || centralDirectoryOffset >= UINT32_MAX || centralDirectorySize >= UINT32_MAX;
  const eocd = Buffer.alloc(EOCD_SIZE);
  eocd.writeUInt32LE(ZIP_SIGNATURE.endOfCentralDirectory, 0);
  eocd.writeUInt16LE(needsZip64 ? UINT16_MAX : entryCount, 8);
  eocd.writeUInt16LE(needsZip64 ? UINT16_MAX : entryCount, 10);
  eocd.writeUInt32LE(needsZip64 ? UINT32_MAX : centralDirectorySize, 12);
  eocd.writeUInt32LE(needsZip64 ? UINT32_MAX : centralDirectoryOffset, 16);
  if (!needsZip64) return eocd;
  const zip64 = Buffer.alloc(ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE);
  zip64.writeUInt32LE(ZIP_SIGNATURE.zip64EndOfCentralDirectory, 0);
  writeUInt64(zip64, ZIP64_EOCD_SIZE - 12, 4);
  zip64.writeUInt16LE(versionMadeBy, 12);
  zip64.writeUInt16LE(45, 14);
  writeUInt64(zip64, entryCount, 24);
  writeUInt64(zip64, entryCount, 32);
  writeUInt64(zip64, centralDirectorySize, 40);
  writeUInt64(zip64, centralDirectoryOffset, 48);
  const locator = ZIP64_EOCD_SIZE;
  zip64.writeUInt32LE(ZIP_SIGNATURE.zip64Locator, locator);
  writeUInt64(zip64, centralDirectoryOffset + centralDirectorySize, locator + 8);
  zip64.writeUInt32LE(1, locator + 16);
  return Buffer.concat([zip64, eocd]);
}
