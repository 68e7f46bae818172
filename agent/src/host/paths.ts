// Windows path semantics for the virtual file system: drive letters, `\` and `/`, `.`/`..`, the trailing
// dots and spaces Win32 strips, reserved device names and characters NTFS refuses.
import { ImesimError } from "@imesim/contracts/errors";

/** A parsed absolute path: the drive (`C:`) and the names below it, case preserved. */
export interface WindowsPath {
  readonly drive: string;
  readonly names: readonly string[];
}

const RESERVED_NAMES = new Set([
  "con",
  "prn",
  "aux",
  "nul",
  ...Array.from({ length: 9 }, (_, i) => `com${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `lpt${i + 1}`),
]);
// Characters Win32 refuses in a file name (plus control characters, checked separately).
const INVALID_NAME_CHARS = /[<>:"|?*]/;
const ERROR_INVALID_NAME = 0x8007007b;

/** The key a name is compared by: Windows compares names case-insensitively. */
export function foldCase(name: string): string {
  return name.toLowerCase();
}

/**
 * Parses an absolute Windows path (`C:\a\b`, `c:/a/b`, `\\?\C:\a`) into drive and names, resolving `.` and `..`
 * and stripping the trailing dots and spaces Win32 drops from each name. Throws FS_INVALID_PATH otherwise.
 */
export function parseWindowsPath(path: string): WindowsPath {
  let text = path.replaceAll("/", "\\");
  if (text.startsWith("\\\\?\\") || text.startsWith("\\\\.\\")) text = text.slice(4);
  const match = /^([A-Za-z]):(?:\\|$)/.exec(text);
  if (!match) {
    throw new ImesimError("FS_INVALID_PATH", `not an absolute Windows path with a drive letter: "${path}"`, {
      imeErrorCode: ERROR_INVALID_NAME,
    });
  }
  const drive = `${match[1]!.toUpperCase()}:`;
  const names: string[] = [];
  for (const raw of text.slice(2).split("\\")) {
    if (raw === "" || raw === ".") continue;
    if (raw === "..") {
      names.pop();
      continue;
    }
    // Win32 drops trailing dots and spaces ("foo. " opens "foo"); a name of only dots/spaces is invalid.
    const name = raw.replace(/[. ]+$/, "");
    if (name === "") {
      throw new ImesimError("FS_INVALID_PATH", `invalid name "${raw}" in path "${path}"`, {
        imeErrorCode: ERROR_INVALID_NAME,
      });
    }
    names.push(name);
  }
  return { drive, names };
}

/** The canonical text of a path: upper-case drive, `\` separators, no `.`/`..`, no trailing `\` (except `C:\`). */
export function formatWindowsPath(path: WindowsPath): string {
  return path.names.length === 0 ? `${path.drive}\\` : `${path.drive}\\${path.names.join("\\")}`;
}

/** Normalises an absolute Windows path; idempotent: normalising the result gives it back unchanged. */
export function normalizeWindowsPath(path: string): string {
  return formatWindowsPath(parseWindowsPath(path));
}

/** Throws FS_INVALID_NAME when a name cannot be created on NTFS (reserved device name, forbidden character). */
export function assertCreatableName(name: string, path: string): void {
  // "nul.txt" and "COM1.log" are the device too: Win32 checks the part before the first dot.
  const stem = foldCase(name.split(".")[0]!.trimEnd());
  if (RESERVED_NAMES.has(stem)) {
    throw new ImesimError("FS_INVALID_NAME", `"${name}" is a reserved device name (in "${path}")`, {
      imeErrorCode: ERROR_INVALID_NAME,
    });
  }
  if (INVALID_NAME_CHARS.test(name) || hasControlCharacter(name)) {
    throw new ImesimError(
      "FS_INVALID_NAME",
      `"${name}" contains a character Windows refuses (in "${path}")`,
      {
        imeErrorCode: ERROR_INVALID_NAME,
      },
    );
  }
  if (name.length > 255) {
    throw new ImesimError("FS_INVALID_NAME", `name longer than 255 characters in "${path}"`, {
      imeErrorCode: ERROR_INVALID_NAME,
    });
  }
}

function hasControlCharacter(name: string): boolean {
  for (let i = 0; i < name.length; i += 1) if (name.charCodeAt(i) < 32) return true;
  return false;
}

/** Joins a folder path and a name the way the IME builds `Path` + `FileOrFolderName` (one `\` between). */
export function joinWindowsPath(folder: string, name: string): string {
  if (name === "") return folder;
  return folder.endsWith("\\") || folder.endsWith("/") ? `${folder}${name}` : `${folder}\\${name}`;
}
