// windows-formats.md §1.2: MSI stream-name mangling (pairs of [0-9A-Za-z._] packed into U+3800-U+47FF).
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";
const TABLE_PREFIX = 0x4840;

/** A CFB stream name decoded to the logical MSI name, and whether it is a table stream. */
export function decodeStreamName(stored: string): { name: string; isTable: boolean } {
  let name = "";
  let isTable = false;
  for (let index = 0; index < stored.length; index += 1) {
    const unit = stored.charCodeAt(index);
    if (unit === TABLE_PREFIX && index === 0) {
      isTable = true;
    } else if (unit >= 0x3800 && unit < 0x4800) {
      const value = unit - 0x3800;
      name += `${ALPHABET[value & 0x3f]}${ALPHABET[(value >> 6) & 0x3f]}`;
    } else if (unit >= 0x4800 && unit < 0x4840) {
      name += ALPHABET[unit - 0x4800];
    } else {
      name += stored[index];
    }
  }
  return { name, isTable };
}
