import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";

// Characters Windows refuses in file names; ':' would also open NTFS alternate data streams.
const WINDOWS_INVALID = /[<>:"|?*]/;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) if (value.charCodeAt(index) < 0x20) return true;
  return false;
}

/** A zip entry name made safe: `/`-separated, relative, no `..`, no drive or UNC prefix. */
export interface SafeEntryPath {
  path: string;
  isDirectory: boolean;
}

/**
 * Normalizes an inner-zip entry name (either separator: intunewin.md §1.4 has `\` in 1.8.4.0 packages)
 * and refuses anything that could land outside the extraction folder.
 */
export function safeEntryPath(name: string): SafeEntryPath {
  const refuse = (why: string): never => {
    throw new ImesimError(IntunewinErrorCode.unsafePath, `unsafe entry name "${name}": ${why}`, {
      path: name,
    });
  };
  if (name.length === 0) refuse("empty");
  const unified = name.replaceAll("\\", "/");
  if (unified.startsWith("/")) refuse("absolute path");
  if (/^[A-Za-z]:/.test(unified)) refuse("drive-letter path");
  const isDirectory = unified.endsWith("/");
  const segments = unified.split("/");
  if (isDirectory) segments.pop();
  if (segments.length === 0) refuse("no name");
  for (const segment of segments) {
    if (segment === "") refuse("empty path segment");
    if (segment === "." || segment === "..") refuse(`"${segment}" segment`);
    if (WINDOWS_INVALID.test(segment) || hasControlCharacter(segment))
      refuse("character Windows does not allow in a file name");
    if (WINDOWS_RESERVED.test(segment)) refuse(`reserved Windows device name "${segment}"`);
    if (segment.endsWith(".") || segment.endsWith(" ")) refuse("segment ending in a dot or space");
  }
  return { path: segments.join("/"), isDirectory };
}

/**
 * Why Windows cannot hold a single file or folder name, or undefined when it can: the same rules
 * safeEntryPath applies to each segment, plus `\` (a separator there, a plain character on Linux).
 */
export function windowsNameProblem(name: string): string | undefined {
  if (name.length === 0) return "empty name";
  if (name.includes("\\") || WINDOWS_INVALID.test(name) || hasControlCharacter(name))
    return "character Windows does not allow in a file name";
  if (WINDOWS_RESERVED.test(name)) return "reserved Windows device name";
  if (name.endsWith(".") || name.endsWith(" ")) return "name ending in a dot or space";
  return undefined;
}
