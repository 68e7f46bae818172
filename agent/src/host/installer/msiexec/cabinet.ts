// Extracting files from a cabinet (the `#data.cab` stream of an .msi, windows-formats.md §1.6): the CFHEADER /
// CFFOLDER / CFFILE / CFDATA layout with stored or MSZIP blocks. MSZIP blocks are raw deflate whose window
// carries over from the previous block, so each block inflates with the last 32 KiB as its dictionary.
// LZX and Quantum folders are refused by name (CAB_COMPRESSION_UNSUPPORTED) rather than decoded: wixl and gcab
// write only stored and MSZIP, as WiX does by default, while packages built with WiX's CompressionLevel
// low/medium/high or with other authoring tools use LZX; laying down zeros for their files would let a detection
// rule on a file's contents or version pass or fail for the wrong reason.
import { inflateRawSync } from "node:zlib";
import { ImesimError } from "@imesim/contracts/errors";

const WINDOW = 32 * 1024;

function fail(message: string): never {
  throw new ImesimError("CAB_INVALID", message);
}

// CFFOLDER.typeCompress: the low 4 bits name the method, bits 8-12 LZX's window size as a power of two.
const METHOD = { none: 0, mszip: 1, quantum: 2, lzx: 3 } as const;

function unsupported(folder: number, typeCompress: number): never {
  const method = typeCompress & 0x0f;
  const name =
    method === METHOD.lzx
      ? `LZX (window 2^${(typeCompress >> 8) & 0x1f})`
      : method === METHOD.quantum
        ? "Quantum"
        : `method ${method}`;
  throw new ImesimError(
    "CAB_COMPRESSION_UNSUPPORTED",
    `cabinet folder ${folder} is compressed with ${name}; imesim's msiexec model reads only stored and MSZIP cabinets (WiX's default, and what wixl writes), so it cannot install this package's files`,
  );
}

/**
 * The files of a single-volume cabinet by name; throws CAB_COMPRESSION_UNSUPPORTED for LZX or Quantum folders and
 * CAB_INVALID for bad data.
 */
export function extractCabinet(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 36 || view.getUint32(0, true) !== 0x4643534d) fail("not a cabinet (no MSCF signature)");
  const filesOffset = view.getUint32(16, true);
  const folderCount = view.getUint16(26, true);
  const fileCount = view.getUint16(28, true);
  const flags = view.getUint16(30, true);
  let at = 36;
  let folderReserve = 0;
  let dataReserve = 0;
  if (flags & 4) {
    const headerReserve = view.getUint16(at, true);
    folderReserve = bytes[at + 2]!;
    dataReserve = bytes[at + 3]!;
    at += 4 + headerReserve;
  }
  if (flags & 3) fail("multi-volume cabinets are not supported");
  const folders: Uint8Array[] = [];
  for (let f = 0; f < folderCount; f += 1) {
    const start = view.getUint32(at, true);
    const blocks = view.getUint16(at + 4, true);
    const typeCompress = view.getUint16(at + 6, true);
    const compression = typeCompress & 0x0f;
    if (compression !== METHOD.none && compression !== METHOD.mszip) unsupported(f, typeCompress);
    at += 8 + folderReserve;
    folders.push(readFolder(bytes, view, start, blocks, compression, dataReserve));
  }
  const files = new Map<string, Uint8Array>();
  at = filesOffset;
  for (let i = 0; i < fileCount; i += 1) {
    const size = view.getUint32(at, true);
    const offset = view.getUint32(at + 4, true);
    const folder = folders[view.getUint16(at + 8, true)];
    const nameEnd = bytes.indexOf(0, at + 16);
    if (folder === undefined || nameEnd < 0) fail("a file entry points outside the cabinet");
    const name = new TextDecoder("windows-1252").decode(bytes.subarray(at + 16, nameEnd));
    files.set(name, folder.subarray(offset, offset + size));
    at = nameEnd + 1;
  }
  return files;
}

function readFolder(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  blocks: number,
  compression: number,
  dataReserve: number,
): Uint8Array {
  const parts: Buffer[] = [];
  let window = Buffer.alloc(0);
  let at = start;
  for (let b = 0; b < blocks; b += 1) {
    const compressedSize = view.getUint16(at + 4, true);
    const dataStart = at + 8 + dataReserve;
    const data = bytes.subarray(dataStart, dataStart + compressedSize);
    let block: Buffer;
    if (compression === METHOD.none) block = Buffer.from(data);
    else {
      if (data[0] !== 0x43 || data[1] !== 0x4b) fail("an MSZIP block without its CK signature");
      block =
        window.length > 0
          ? inflateRawSync(data.subarray(2), { dictionary: window })
          : inflateRawSync(data.subarray(2));
    }
    parts.push(block);
    window = Buffer.concat([window, block]).subarray(-WINDOW);
    at = dataStart + compressedSize;
  }
  return Buffer.concat(parts);
}
