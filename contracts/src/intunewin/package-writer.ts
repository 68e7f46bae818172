import { createCipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { crc32Combine } from "./crc32-combine.ts";
import {
  type DetectionXml,
  FILE_DIGEST_ALGORITHM,
  PROFILE_IDENTIFIER,
  writeDetectionXml,
} from "./detection-xml.ts";
import { HEADER_LENGTH } from "./encrypted-content.ts";
import { garbageBudget } from "./garbage-collection.ts";
import { CONTENTS_FOLDER, DETECTION_XML_PATH } from "./package-reader.ts";
import {
  centralDirectoryHeader,
  endOfCentralDirectory,
  localFileHeader,
  toDosDateTime,
  UINT32_MAX,
  writeUInt64,
  ZIP_METHOD,
  ZIP64_EXTRA_ID,
  type ZipEntryRecord,
} from "./zip-format.ts";

// intunewin.md §1.1: the MS tool's outer zip, written by System.IO.Packaging: made by 4.5, needed 1.0,
// flags 0, stored, and a 28-byte 0xA220 padding extra field on local headers only.
const OUTER_MADE_BY = 0x002d;
const OUTER_NEEDED = 10;
const OUTER_NEEDED_ZIP64 = 45;
const PADDING_EXTRA_ID = 0xa220;
const PADDING_SIGNATURE = 0xa028;
const PADDING_EXTRA_LENGTH = 28;
const WRITE_BATCH = 1 << 20;
/**
 * Garbage a content-zip chunk leaves besides its bytes (promises, views, the worker's reply). Counted so that a
 * folder of many tiny files is collected as often as a large file is, not only once V8's young generation is full.
 */
const CHUNK_GARBAGE_FLOOR = 64 * 1024;

/** The 0xA220 growth-hint extra field: id, length 24, signature 0xA028, padding length, zero padding. */
function paddingExtra(totalLength: number): Buffer {
  const extra = Buffer.alloc(totalLength);
  extra.writeUInt16LE(PADDING_EXTRA_ID, 0);
  extra.writeUInt16LE(totalLength - 4, 2);
  extra.writeUInt16LE(PADDING_SIGNATURE, 4);
  extra.writeUInt16LE(totalLength - 8, 6);
  return extra;
}

/**
 * The local extra area of the content entry. Normally the 28-byte padding field. When the entry needs
 * Zip64, the 20-byte Zip64 field takes space from the padding (8 bytes of 0xA220 remain), which is what
 * System.IO.Packaging's growth hint is for; no >4 GiB MS sample exists (intunewin.md §1.1), so this is our choice.
 */
function contentLocalExtra(zip64: boolean, size: number): Buffer {
  if (!zip64) return paddingExtra(PADDING_EXTRA_LENGTH);
  const zip64Field = Buffer.alloc(20);
  zip64Field.writeUInt16LE(ZIP64_EXTRA_ID, 0);
  zip64Field.writeUInt16LE(16, 2);
  writeUInt64(zip64Field, size, 4);
  writeUInt64(zip64Field, size, 12);
  return Buffer.concat([zip64Field, paddingExtra(PADDING_EXTRA_LENGTH - 20)]);
}

/** Where a package is written with positional writes: a file's handle, or memory (memoryPackageOutput). */
export interface PackageOutput {
  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
}

/** A package written to memory: `bytes()` is the whole file once writePackage has finished. */
export function memoryPackageOutput(): PackageOutput & { bytes(): Buffer } {
  let data = Buffer.alloc(0);
  let length = 0;
  return {
    async write(buffer, offset, count, position) {
      const end = position + count;
      if (end > data.length) {
        const grown = Buffer.alloc(Math.max(end, data.length * 2));
        data.copy(grown, 0, 0, length);
        data = grown;
      }
      buffer.copy(data, position, offset, offset + count);
      length = Math.max(length, end);
      return { bytesWritten: count };
    },
    bytes: () => data.subarray(0, length),
  };
}

/** Buffers small writes into ~1 MiB positional writes. */
class BatchedWriter {
  #handle: PackageOutput;
  #parts: Buffer[] = [];
  #pending = 0;
  #flushed: number;
  constructor(handle: PackageOutput, position: number) {
    this.#handle = handle;
    this.#flushed = position;
  }
  /** Offset the next written byte will have, buffered bytes included. */
  get position(): number {
    return this.#flushed + this.#pending;
  }
  async write(chunk: Buffer): Promise<void> {
    this.#parts.push(chunk);
    this.#pending += chunk.length;
    if (this.#pending >= WRITE_BATCH) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.#pending === 0) return;
    const data = this.#parts.length === 1 ? (this.#parts[0] as Buffer) : Buffer.concat(this.#parts);
    this.#parts = [];
    this.#pending = 0;
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.#handle.write(data, done, data.length - done, this.#flushed + done);
      done += bytesWritten;
    }
    this.#flushed += data.length;
  }
}

/** Metadata for Detection.xml that the caller knows before the content is written. */
export interface PackageMetadata {
  toolVersion: string;
  name: string;
  fileName: string;
  setupFile: string;
  msiInfo?: DetectionXml["MsiInfo"];
}

/**
 * Writes a whole .intunewin into `handle` (an empty file): the content zip streamed through AES-256-CBC with
 * fresh keys, HMAC over IV ‖ ciphertext, SHA-256 of the plaintext, then Detection.xml and the directory.
 */
export async function writePackage(
  handle: PackageOutput,
  innerZip: AsyncIterable<Buffer>,
  metadata: PackageMetadata,
  now = new Date(),
): Promise<DetectionXml> {
  const encryptionKey = randomBytes(32);
  const macKey = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", encryptionKey, iv);
  const hmac = createHmac("sha256", macKey).update(iv);
  const digest = createHash("sha256");
  const { dosDate, dosTime } = toDosDateTime(now);
  const contentRecord: ZipEntryRecord = {
    name: Buffer.from(`${CONTENTS_FOLDER}${metadata.fileName}`, "utf8"),
    versionMadeBy: OUTER_MADE_BY,
    versionNeeded: OUTER_NEEDED,
    flags: 0,
    method: ZIP_METHOD.stored,
    dosTime,
    dosDate,
    crc32: 0,
    compressedSize: 0,
    uncompressedSize: 0,
    localHeaderOffset: 0,
    externalAttributes: 0,
  };
  const headerLength = localFileHeader(contentRecord, paddingExtra(PADDING_EXTRA_LENGTH), false).length;
  const dataStart = headerLength;
  const writer = new BatchedWriter(handle, dataStart);
  // MAC placeholder, filled in once the ciphertext is hashed (the encoders all do this: intunewin.md §1.3).
  await writer.write(Buffer.concat([Buffer.alloc(32), iv]));
  let plaintextLength = 0;
  let cipherCrc = 0;
  let cipherLength = 0;
  const emitCipher = async (ciphertext: Buffer): Promise<void> => {
    if (ciphertext.length === 0) return;
    hmac.update(ciphertext);
    cipherCrc = crc32(ciphertext, cipherCrc);
    cipherLength += ciphertext.length;
    await writer.write(ciphertext);
  };
  const collected = garbageBudget();
  for await (const chunk of innerZip) {
    // Per chunk of content zip: the compressed chunk, its ciphertext and the batched write copy.
    collected(Math.max(3 * chunk.length, CHUNK_GARBAGE_FLOOR));
    digest.update(chunk);
    plaintextLength += chunk.length;
    await emitCipher(cipher.update(chunk));
  }
  await emitCipher(cipher.final());
  await writer.flush();
  const mac = hmac.digest();
  const encryptedLength = HEADER_LENGTH + cipherLength;
  contentRecord.crc32 = crc32Combine(crc32(Buffer.concat([mac, iv])), cipherCrc, cipherLength);
  contentRecord.compressedSize = encryptedLength;
  contentRecord.uncompressedSize = encryptedLength;
  const zip64 = encryptedLength >= UINT32_MAX;
  if (zip64) contentRecord.versionNeeded = OUTER_NEEDED_ZIP64;
  await handle.write(mac, 0, mac.length, dataStart);
  const header = localFileHeader(contentRecord, contentLocalExtra(zip64, encryptedLength), zip64);
  await handle.write(header, 0, header.length, 0);

  const detection: DetectionXml = {
    ToolVersion: metadata.toolVersion,
    Name: metadata.name,
    UnencryptedContentSize: plaintextLength,
    FileName: metadata.fileName,
    SetupFile: metadata.setupFile,
    EncryptionInfo: {
      EncryptionKey: encryptionKey.toString("base64"),
      MacKey: macKey.toString("base64"),
      InitializationVector: iv.toString("base64"),
      Mac: mac.toString("base64"),
      ProfileIdentifier: PROFILE_IDENTIFIER,
      FileDigest: digest.digest("base64"),
      FileDigestAlgorithm: FILE_DIGEST_ALGORITHM,
    },
    ...(metadata.msiInfo === undefined ? {} : { MsiInfo: metadata.msiInfo }),
  };
  const xml = Buffer.from(writeDetectionXml(detection), "utf8");
  const detectionRecord: ZipEntryRecord = {
    ...contentRecord,
    name: Buffer.from(DETECTION_XML_PATH, "utf8"),
    versionNeeded: OUTER_NEEDED,
    crc32: crc32(xml),
    compressedSize: xml.length,
    uncompressedSize: xml.length,
    localHeaderOffset: writer.position,
  };
  await writer.write(localFileHeader(detectionRecord, paddingExtra(PADDING_EXTRA_LENGTH), false));
  await writer.write(xml);
  const directoryOffset = writer.position;
  const directory = Buffer.concat([
    centralDirectoryHeader(contentRecord),
    centralDirectoryHeader(detectionRecord),
  ]);
  await writer.write(directory);
  await writer.write(endOfCentralDirectory(2, directoryOffset, directory.length, OUTER_MADE_BY));
  await writer.flush();
  return detection;
}
