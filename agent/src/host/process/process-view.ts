// How one process on the virtual device sees the file system: names resolve against its working folder, and
// what it opens goes through WOW64's file-system redirection for its bitness (windows-formats.md §4.2).
// cmd and PowerShell both are such processes; they share this one view instead of each keeping a copy, and
// they decide through it whether a program they start is one imesim models (`modelledProgramAt`).
import type { FileStat, Host, ProcessContext } from "../types.ts";
import type { Environment } from "./environment.ts";
import type { ModelledProgram, ProgramTable } from "./program.ts";
import { baseName, parentPath, resolveWindowsPath } from "./windows-path.ts";
import { redirectForBitness } from "./wow64.ts";

/** What the view needs of a process. */
export interface ViewedProcess {
  readonly host: Host;
  readonly cwd: string;
  readonly context: ProcessContext;
  readonly environment: Environment;
  readonly is64BitOs: boolean;
  readonly programs: ProgramTable;
}

/** The process's Windows folder (`%SystemRoot%`). */
export function windowsFolderOf(process: Pick<ViewedProcess, "environment">): string {
  return process.environment.get("SystemRoot") ?? process.environment.get("windir") ?? "C:\\Windows";
}

/** The full path a name refers to from the process's working folder, as the process asked for it. */
export function fullPathFor(process: Pick<ViewedProcess, "cwd">, path: string): string {
  return resolveWindowsPath(process.cwd, path);
}

/** The path the device really opens for the process (System32 → SysWOW64 for 32-bit, Sysnative → System32). */
export function devicePathFor(process: Omit<ViewedProcess, "host" | "programs">, path: string): string {
  return redirectForBitness(
    fullPathFor(process, path),
    process.context.bitness,
    windowsFolderOf(process),
    process.is64BitOs,
  );
}

/** What the process finds at a path; undefined when nothing is there or the path is not valid. */
export function statFor(process: Omit<ViewedProcess, "programs">, path: string): FileStat | undefined {
  try {
    return process.host.fs.stat(devicePathFor(process, path));
  } catch {
    return undefined;
  }
}

/**
 * The first bytes of a file that stands for a program imesim models outside System32: a package manager a
 * script installed (Chocolatey's choco.exe) or one Windows ships in an app package (winget.exe). The file
 * holds this marker and the table's name (`choco.exe`), so the launcher runs the model wherever the file
 * was put, and a vendor file that merely shares the name is not mistaken for it.
 */
export const MODELLED_PROGRAM_MARKER = "MZ imesim modelled program: ";

/**
 * Modelled programs that are not part of Windows' System32: they exist only where their marker file was put
 * (the Chocolatey bootstrap, the App Installer's folder), so `winget` typed by SYSTEM is not found.
 */
const MARKER_ONLY_PROGRAMS = new Set(["choco.exe", "winget.exe"]);

/** The content of a file standing for the modelled program `name` (see MODELLED_PROGRAM_MARKER). */
export function modelledProgramFile(name: string): string {
  return `${MODELLED_PROGRAM_MARKER}${name.toLowerCase()}\r\n`;
}

/**
 * The model a path runs, if any: Windows' own programs count as present in System32/SysWOW64 even on a
 * device image without them; elsewhere only a file carrying the marker is a modelled program.
 */
export function modelledProgramAt(process: ViewedProcess, path: string): ModelledProgram | undefined {
  const windows = windowsFolderOf(process).toLowerCase();
  const device = devicePathFor(process, path);
  const folder = parentPath(device).toLowerCase();
  const name = baseName(device).toLowerCase();
  if (
    (folder === `${windows}\\system32` || folder === `${windows}\\syswow64`) &&
    !MARKER_ONLY_PROGRAMS.has(name)
  )
    return process.programs.get(name);
  const stat = statFor(process, path);
  if (stat?.kind !== "file" || stat.size > 256) return undefined;
  const text = Buffer.from(process.host.fs.readFile(device)).toString("latin1");
  if (!text.startsWith(MODELLED_PROGRAM_MARKER)) return undefined;
  return process.programs.get(text.slice(MODELLED_PROGRAM_MARKER.length).trim());
}
