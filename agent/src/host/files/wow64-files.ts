// WOW64 file-system redirection (windows-formats.md §4.2): which real path a 32-bit process reaches.
// The FileSystem itself works on real paths; installers and script runners apply this for 32-bit processes.
import type { ProcessorArchitecture } from "@imesim/contracts/enums";
import { foldCase, formatWindowsPath, parseWindowsPath } from "../paths.ts";
import type { Bitness } from "../types.ts";

// System32 subfolders a 32-bit process sees unchanged (windows-formats.md §4.2).
const EXEMPT = [["catroot"], ["catroot2"], ["driverstore"], ["drivers", "etc"], ["logfiles"], ["spool"]];

/**
 * The path a process of `bitness` really reaches on a device of `architecture`: for a 32-bit process on 64-bit
 * Windows, `%windir%\System32` → `SysWOW64` (except the exempt folders), `%windir%\regedit.exe` → SysWOW64's,
 * and `%windir%\Sysnative` → the real System32. Everything else, and every 64-bit access, is unchanged.
 */
export function redirectFileSystemPath(
  path: string,
  bitness: Bitness,
  architecture: ProcessorArchitecture,
): string {
  const parsed = parseWindowsPath(path);
  if (bitness === 64 || architecture === "x86") return formatWindowsPath(parsed);
  const [windows, folder, ...rest] = parsed.names;
  if (
    parsed.drive !== "C:" ||
    windows === undefined ||
    foldCase(windows) !== "windows" ||
    folder === undefined
  ) {
    return formatWindowsPath(parsed);
  }
  const swap = (replacement: string, tail: readonly string[]) =>
    formatWindowsPath({ drive: parsed.drive, names: [windows, replacement, ...tail] });
  const folded = foldCase(folder);
  if (folded === "sysnative") return swap("System32", rest);
  if (folded === "regedit.exe" && rest.length === 0) return swap("SysWOW64", ["regedit.exe"]);
  if (folded !== "system32") return formatWindowsPath(parsed);
  const exempt = EXEMPT.some((prefix) =>
    prefix.every((name, i) => rest[i] !== undefined && foldCase(rest[i]!) === name),
  );
  return exempt ? formatWindowsPath(parsed) : swap("SysWOW64", rest);
}
