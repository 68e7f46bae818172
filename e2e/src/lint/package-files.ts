import type { PackageListing } from "./types.ts";

/** A package path as Windows compares it: `/` separators, no leading `./`, lower case. */
export function normalizePackagePath(path: string): string {
  return path
    .replaceAll("\\", "/")
    .replace(/^(\.\/)+/, "")
    .toLowerCase();
}

/** True when the package holds `path` (case-insensitively, either separator). */
export function packageHas(listing: PackageListing, path: string): boolean {
  const wanted = normalizePackagePath(path);
  return listing.files.some((file) => normalizePackagePath(file) === wanted);
}

/** The listing entry matching `path`, as stored in the package. */
export function packageEntry(listing: PackageListing, path: string): string | undefined {
  const wanted = normalizePackagePath(path);
  return listing.files.find((file) => normalizePackagePath(file) === wanted);
}

/** Decodes a base64 script body (ScriptBody) to text, dropping a UTF-8 BOM; also says whether it had one. */
export function decodeScriptBody(base64: string): { text: string; hadBom: boolean } {
  const bytes = Buffer.from(base64, "base64");
  const hadBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { text: bytes.subarray(hadBom ? 3 : 0).toString("utf8"), hadBom };
}
