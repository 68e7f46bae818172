import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, inflateRawSync } from "node:zlib";
import { ImesimError } from "../errors/index.ts";
import { type DetectionXml, parseDetectionXml } from "./detection-xml.ts";
import { encryptedLengthFor, sliceSource } from "./encrypted-content.ts";
import { IntunewinErrorCode } from "./error-codes.ts";
import { inflateEntryToFile } from "./inflate-to-file.ts";
import { bytesSource, fileSource, type RandomAccessSource, readRange } from "./random-access.ts";
import { ZIP_METHOD } from "./zip-format.ts";
import { type LocalHeader, readLocalHeader, readZipDirectory, type ZipEntry } from "./zip-reader.ts";

// intunewin.md §1.1: the two entries of the outer zip.
export const CONTENTS_FOLDER = "IntuneWinPackage/Contents/";
export const DETECTION_XML_PATH = "IntuneWinPackage/Metadata/Detection.xml";
export const DEFAULT_CONTENT_FILE_NAME = "IntunePackage.intunewin";
const MAX_DETECTION_XML = 1 << 20;

/** An opened .intunewin: its Detection.xml and access to the encrypted content entry. */
export interface IntunewinPackage {
  readonly name: string;
  readonly size: number;
  readonly detection: DetectionXml;
  /** Detection.xml exactly as stored. */
  readonly detectionXml: Buffer;
  /** Every outer-zip entry, in central directory order. */
  readonly entries: ZipEntry[];
  readonly detectionEntry: ZipEntry;
  readonly contentEntry: ZipEntry;
  readonly contentLocalHeader: LocalHeader;
  readonly zip64: boolean;
  /** The encrypted content file (Contents/<FileName>) as a random-access source. */
  openContent(): Promise<RandomAccessSource>;
  /** Streams the encrypted content file, e.g. to disk for the mock service's content store. */
  contentChunks(): AsyncIterable<Buffer>;
  close(): Promise<void>;
}

function normalized(name: string): string {
  return name.replaceAll("\\", "/").toLowerCase();
}

async function readEntryBytes(
  source: RandomAccessSource,
  entry: ZipEntry,
  header: LocalHeader,
  limit: number,
): Promise<Buffer> {
  if (entry.compressedSize > limit) {
    throw new ImesimError(
      IntunewinErrorCode.detectionXmlInvalid,
      `Detection.xml is ${entry.compressedSize} bytes, too large`,
    );
  }
  const raw = await source.read(header.dataOffset, entry.compressedSize);
  let bytes: Buffer;
  if (entry.method === ZIP_METHOD.stored) {
    bytes = raw;
  } else if (entry.method === ZIP_METHOD.deflated) {
    try {
      bytes = inflateRawSync(raw, { maxOutputLength: limit });
    } catch (error) {
      throw new ImesimError(
        IntunewinErrorCode.zipCorrupt,
        `${source.name}: Detection.xml does not inflate (${(error as Error).message})`,
      );
    }
  } else {
    throw new ImesimError(
      IntunewinErrorCode.zipCorrupt,
      `${source.name}: Detection.xml uses compression method ${entry.method}`,
    );
  }
  assertEntryChecksum(source, entry, bytes);
  return bytes;
}

const hex32 = (value: number): string => `0x${(value >>> 0).toString(16).padStart(8, "0")}`;

/**
 * Checks an entry's bytes against the central directory's size and CRC-32, as `unzip -t` does: a changed
 * byte in Detection.xml is damage (or tampering) even when the XML still parses. The MAC covers only the content.
 */
function assertEntryChecksum(source: RandomAccessSource, entry: ZipEntry, bytes: Buffer): void {
  if (bytes.length !== entry.uncompressedSize) {
    throw new ImesimError(
      IntunewinErrorCode.zipCorrupt,
      `${source.name}: entry "${entry.fileName}" has ${bytes.length} bytes, the central directory says ${entry.uncompressedSize}`,
      { path: entry.fileName },
    );
  }
  const actual = crc32(bytes);
  if (actual >>> 0 !== entry.crc32 >>> 0) {
    throw new ImesimError(
      IntunewinErrorCode.zipCorrupt,
      `${source.name}: entry "${entry.fileName}" fails its CRC-32 check (stored ${hex32(entry.crc32)}, computed ${hex32(actual)})`,
      { path: entry.fileName },
    );
  }
}

/**
 * Opens a .intunewin (path, or bytes named `name` in messages): finds Detection.xml by path (case-insensitive, either separator),
 * parses it, and locates `IntuneWinPackage/Contents/<FileName>`, reading FileName rather than assuming it
 * (intunewin.md §1.2: the 1.4-era tool named it `<setup base>.intunewin`).
 */
export async function readPackage(input: string | Uint8Array, name = "<package>"): Promise<IntunewinPackage> {
  const source = typeof input === "string" ? await fileSource(input) : bytesSource(input, name);
  try {
    const directory = await readZipDirectory(source, 10_000);
    const entries = directory.entries;
    const detectionEntry =
      entries.find((entry) => normalized(entry.fileName) === DETECTION_XML_PATH.toLowerCase()) ??
      entries.find((entry) => normalized(entry.fileName).endsWith("/detection.xml"));
    if (detectionEntry === undefined) {
      throw new ImesimError(
        IntunewinErrorCode.detectionXmlMissing,
        `${source.name}: no ${DETECTION_XML_PATH} in the package (entries: ${entries.map((e) => e.fileName).join(", ") || "none"})`,
      );
    }
    const detectionHeader = await readLocalHeader(source, detectionEntry);
    const detectionXml = await readEntryBytes(source, detectionEntry, detectionHeader, MAX_DETECTION_XML);
    const detection = parseDetectionXml(detectionXml);
    const wanted = `${CONTENTS_FOLDER}${detection.FileName}`.toLowerCase();
    const contentEntry = entries.find((entry) => normalized(entry.fileName) === wanted);
    if (contentEntry === undefined) {
      throw new ImesimError(
        IntunewinErrorCode.contentEntryMissing,
        `${source.name}: Detection.xml names FileName "${detection.FileName}" but the package has no ${CONTENTS_FOLDER}${detection.FileName}`,
        { path: "ApplicationInfo.FileName" },
      );
    }
    const contentLocalHeader = await readLocalHeader(source, contentEntry);
    let inflatedDirectory: string | undefined;
    const openContent = async (): Promise<RandomAccessSource> => {
      const name = `${source.name}:${contentEntry.fileName}`;
      if (contentEntry.method === ZIP_METHOD.stored) {
        return sliceSource(source, contentLocalHeader.dataOffset, contentEntry.compressedSize, name);
      }
      // The portal refuses compressed entries (intunewin.md §1.1), but imesim still reads them: inflate to a temp
      // file, never past what the central directory declares nor past the length the MAC covers (the encrypted
      // file's length follows from UnencryptedContentSize, §1.3), so a deflate bomb cannot fill the disk.
      const macCovered = encryptedLengthFor(detection.UnencryptedContentSize);
      const declared = contentEntry.uncompressedSize;
      inflatedDirectory ??= await mkdtemp(join(tmpdir(), "imesim-content-"));
      const target = join(inflatedDirectory, "content.bin");
      try {
        await inflateEntryToFile(
          {
            source,
            offset: contentLocalHeader.dataOffset,
            compressedSize: contentEntry.compressedSize,
            name,
            limit: Math.min(declared, macCovered),
            limitReason:
              declared <= macCovered
                ? "the size the central directory declares"
                : `the encrypted length UnencryptedContentSize ${detection.UnencryptedContentSize} gives`,
          },
          target,
        );
      } catch (error) {
        await rm(target, { force: true });
        throw error;
      }
      return fileSource(target);
    };
    return {
      name: source.name,
      size: source.size,
      detection,
      detectionXml,
      entries,
      detectionEntry,
      contentEntry,
      contentLocalHeader,
      zip64: directory.zip64,
      openContent,
      async *contentChunks() {
        const content = await openContent();
        try {
          yield* readRange(content, 0, content.size);
        } finally {
          await content.close();
        }
      },
      async close() {
        await source.close();
        if (inflatedDirectory !== undefined) await rm(inflatedDirectory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await source.close();
    throw error;
  }
}
