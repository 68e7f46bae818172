import { ImesimError } from "../errors/index.ts";
import { codepageDecoder } from "./codepage.ts";

/** The database's strings by id (id 0 = null), plus the reference width tables use. */
export interface StringPool {
  codepage: number;
  referenceWidth: 2 | 3;
  strings: (string | null)[];
}

/** Reads `_StringPool` and `_StringData` (windows-formats.md §1.3), long-string markers included. */
export function readStringPool(pool: Buffer, data: Buffer): StringPool {
  if (pool.length < 4)
    throw new ImesimError("MSI_INVALID", "MSI _StringPool is missing or shorter than its header");
  const header = pool.readUInt32LE(0);
  const codepage = header & 0x7fffffff;
  const referenceWidth: 2 | 3 = (header & 0x80000000) !== 0 ? 3 : 2;
  const decoder = codepageDecoder(codepage);
  const strings: (string | null)[] = [null];
  let offset = 0;
  for (let at = 4; at + 4 <= pool.length; at += 4) {
    let length = pool.readUInt16LE(at);
    const refcount = pool.readUInt16LE(at + 2);
    if (length === 0 && refcount !== 0 && at + 8 <= pool.length) {
      // A long string: this slot is a marker and the next u32 holds the length; both are one id.
      at += 4;
      length = pool.readUInt32LE(at);
    }
    if (offset + length > data.length) {
      throw new ImesimError("MSI_INVALID", `MSI string ${strings.length} runs past _StringData`);
    }
    strings.push(
      length === 0 && refcount === 0 ? null : decoder.decode(data.subarray(offset, offset + length)),
    );
    offset += length;
  }
  return { codepage, referenceWidth, strings };
}
