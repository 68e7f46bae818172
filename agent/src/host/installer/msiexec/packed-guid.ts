// Windows Installer's packed ("squished") GUIDs, the key names under Installer\Products and friends
// (windows-formats.md §5.5): reverse the first three groups, swap the digits of each remaining byte.

/** `{12345678-ABCD-EF01-2345-6789ABCDEF01}` → `87654321DCBA10FE32547698BADCFE10`; undefined for a non-GUID. */
export function packGuid(guid: string): string | undefined {
  const hex = guid.replace(/[{}-]/g, "").toUpperCase();
  if (!/^[0-9A-F]{32}$/.test(hex)) return undefined;
  const reverse = (s: string): string => [...s].reverse().join("");
  let out = reverse(hex.slice(0, 8)) + reverse(hex.slice(8, 12)) + reverse(hex.slice(12, 16));
  for (let i = 16; i < 32; i += 2) out += hex[i + 1]! + hex[i]!;
  return out;
}

/** The inverse of packGuid: `87654321DCBA10FE32547698BADCFE10` → `{12345678-ABCD-EF01-2345-6789ABCDEF01}`. */
export function unpackGuid(packed: string): string | undefined {
  // Packing is its own inverse on the 32 hex digits; only the braces and dashes come back.
  const hex = packGuid(packed);
  if (hex === undefined) return undefined;
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}}`;
}
