// What a 32-bit process on 64-bit Windows sees of the file system (windows-formats.md §4.2): System32 is
// redirected to SysWOW64 apart from a few exempt folders, and Sysnative reaches the real System32. The
// IME's install processes are such 32-bit processes (ime.md §1.5).
import type { Bitness } from "../types.ts";

// Subfolders of System32 a 32-bit process sees unchanged (windows-formats.md §4.2).
const EXEMPT_SUBFOLDERS = ["catroot", "catroot2", "driverstore", "drivers\\etc", "logfiles", "spool"];

/**
 * The path a process of the given bitness really reaches when it opens `path` (absolute, normalised). On
 * 32-bit Windows nothing is redirected and there is no Sysnative.
 */
export function redirectForBitness(
  path: string,
  bitness: Bitness,
  windowsFolder: string,
  is64BitOs = true,
): string {
  if (!is64BitOs) return path;
  const windows = windowsFolder.replace(/\\+$/, "");
  const lower = path.toLowerCase();
  const prefix = windows.toLowerCase();
  if (!lower.startsWith(`${prefix}\\`)) return path;
  const rest = path.slice(windows.length + 1);
  const restLower = rest.toLowerCase();
  if (bitness === 64) return path;
  if (restLower === "sysnative" || restLower.startsWith("sysnative\\"))
    return `${windows}\\System32${rest.slice(9)}`;
  if (restLower === "regedit.exe") return `${windows}\\SysWOW64\\regedit.exe`;
  for (const folder of ["system32", "lastgood\\system32"]) {
    if (restLower !== folder && !restLower.startsWith(`${folder}\\`)) continue;
    const inner = restLower.slice(folder.length + 1);
    if (EXEMPT_SUBFOLDERS.some((exempt) => inner === exempt || inner.startsWith(`${exempt}\\`))) return path;
    const replaced = folder === "system32" ? "SysWOW64" : "lastgood\\SysWOW64";
    return `${windows}\\${replaced}${rest.slice(folder.length)}`;
  }
  return path;
}

/** True when `path` names the Sysnative alias, which lets a 32-bit process start a 64-bit program. */
export function isSysnativePath(path: string, windowsFolder: string): boolean {
  return path.toLowerCase().startsWith(`${windowsFolder.replace(/\\+$/, "").toLowerCase()}\\sysnative\\`);
}

/** True when an environment block comes from 64-bit Windows: only there is `ProgramW6432` defined (§4.3). */
export function isWindows64(variable: (name: string) => string | undefined): boolean {
  return variable("ProgramW6432") !== undefined;
}
