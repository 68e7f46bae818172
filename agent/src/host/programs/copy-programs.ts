// xcopy.exe and robocopy.exe basics with their exit codes (windows-formats.md §6.9). robocopy's codes are a
// bit field where anything below 8 is success, which is why scripts that pass it on look failed.

import { copyDeviceFile, makeFolder, walkFolder } from "../process/device-files.ts";
import type { CallerProcess, ProgramInvocation, ProgramResult } from "../process/program.ts";
import { baseName, hasWildcard, joinPath, matchesWildcard, parentPath } from "../process/windows-path.ts";

function split(argv: readonly string[]): { flags: Set<string>; paths: string[] } {
  const flags = new Set<string>();
  const paths: string[] = [];
  for (const arg of argv) {
    if (/^\/[A-Za-z]/.test(arg)) flags.add(arg.slice(1).toLowerCase().split(":")[0]!);
    else paths.push(arg);
  }
  return { flags, paths };
}

/** xcopy: files (wildcards), folders with /s /e, target folder created with /i or when copying many. */
export function runXcopy(invocation: ProgramInvocation, process: CallerProcess): ProgramResult {
  const { flags, paths } = split(invocation.argv);
  const [sourceRaw, targetRaw] = paths;
  if (sourceRaw === undefined) return { exitCode: 4, stderr: "Invalid number of parameters\r\n" };
  const source = process.fullPath(sourceRaw);
  const sourceStat = process.stat(source);
  let folder: string;
  let relatives: string[];
  if (sourceStat?.kind === "directory") {
    folder = source;
    relatives =
      flags.has("s") || flags.has("e")
        ? walkFolder(process, source, flags.has("e"))
        : walkFolder(process, source).filter((p) => !p.includes("\\"));
  } else if (sourceStat?.kind === "file") {
    folder = parentPath(source);
    relatives = [baseName(source)];
  } else if (hasWildcard(baseName(source)) && process.stat(parentPath(source))?.kind === "directory") {
    folder = parentPath(source);
    const pattern = baseName(source);
    const all =
      flags.has("s") || flags.has("e")
        ? walkFolder(process, folder)
        : walkFolder(process, folder).filter((p) => !p.includes("\\"));
    relatives = all.filter((p) => matchesWildcard(baseName(p), pattern));
  } else {
    // A missing source is an initialisation error (code 4; the exact code is unconfirmed, §7 item 10).
    return {
      exitCode: 4,
      stdout: "0 File(s) copied\r\n",
      stderr: `File not found - ${baseName(source)}\r\n`,
    };
  }
  const files = relatives.filter((p) => !p.endsWith("\\"));
  if (files.length === 0 && relatives.length === 0)
    return {
      exitCode: 1,
      stdout: "0 File(s) copied\r\n",
      stderr: `File not found - ${baseName(source)}\r\n`,
    };
  const target = process.fullPath(targetRaw ?? ".");
  // Without a console xcopy cannot ask "file or directory?": many files or /i mean a folder (our choice).
  const targetIsFolder =
    process.stat(target)?.kind === "directory" ||
    flags.has("i") ||
    sourceStat?.kind === "directory" ||
    files.length > 1;
  let out = "";
  let copied = 0;
  for (const relative of relatives) {
    if (relative.endsWith("\\")) {
      makeFolder(process, joinPath(target, relative.slice(0, -1)));
      continue;
    }
    const from = joinPath(folder, relative);
    const to = targetIsFolder ? joinPath(target, relative) : target;
    if (
      !flags.has("y") &&
      !flags.has("-y") &&
      process.stat(to)?.kind === "file" &&
      process.environment.get("COPYCMD") === undefined
    ) {
      // Scripts run without a console: xcopy's overwrite prompt reads nothing and skips the file.
      out += `Overwrite ${to} (Yes/No/All)? \r\n`;
      continue;
    }
    if (!copyDeviceFile(process, from, to))
      return { exitCode: 5, stdout: out, stderr: "Insufficient disk space\r\n" };
    if (!flags.has("q")) out += `${from}\r\n`;
    copied += 1;
  }
  return { exitCode: 0, stdout: `${out}${copied} File(s) copied\r\n` };
}

/** robocopy <source folder> <target folder> [files…] [/e /s /mir /purge /mov /move]: exit code as a bit field. */
export function runRobocopy(invocation: ProgramInvocation, process: CallerProcess): ProgramResult {
  const { flags, paths } = split(invocation.argv);
  const [sourceRaw, targetRaw, ...patterns] = paths;
  const header =
    "\r\n-------------------------------------------------------------------------------\r\n   ROBOCOPY     ::     Robust File Copy for Windows\r\n-------------------------------------------------------------------------------\r\n\r\n";
  if (sourceRaw === undefined || targetRaw === undefined) {
    return { exitCode: 16, stdout: `${header}ERROR : Invalid Parameter #1\r\n` };
  }
  const source = process.fullPath(sourceRaw);
  const target = process.fullPath(targetRaw);
  let out = `${header}  Source : ${source}\\\r\n    Dest : ${target}\\\r\n\r\n    Files : ${patterns.length === 0 ? "*.*" : patterns.join(" ")}\r\n\r\n`;
  if (process.stat(source)?.kind !== "directory") {
    out += `ERROR 2 (0x00000002) Accessing Source Directory ${source}\\\r\nThe system cannot find the file specified.\r\n`;
    return { exitCode: 16, stdout: out };
  }
  const recursive = flags.has("s") || flags.has("e") || flags.has("mir");
  const wanted = patterns.length === 0 ? ["*.*"] : patterns;
  const files = walkFolder(process, source)
    .filter((p) => recursive || !p.includes("\\"))
    .filter((p) => wanted.some((pattern) => matchesWildcard(baseName(p), pattern)));
  let code = 0;
  let copied = 0;
  for (const relative of files) {
    const from = joinPath(source, relative);
    const to = joinPath(target, relative);
    if (sameFile(process, from, to)) continue;
    if (!copyDeviceFile(process, from, to))
      return { exitCode: 8 | code, stdout: `${out}ERROR 112 (0x00000070) Copying File ${from}\r\n` };
    out += `\t    New File  \t\t${process.stat(from)?.size ?? 0}\t${relative}\r\n`;
    copied += 1;
    if (flags.has("mov") || flags.has("move")) process.host.fs.remove(process.devicePath(from));
  }
  if (copied > 0) code |= 1;
  const extras =
    process.stat(target)?.kind === "directory"
      ? walkFolder(process, target).filter((p) => process.stat(joinPath(source, p)) === undefined)
      : [];
  if (extras.length > 0) {
    if (flags.has("mir") || flags.has("purge"))
      for (const extra of extras) process.host.fs.remove(process.devicePath(joinPath(target, extra)));
    else code |= 2;
  }
  if (flags.has("move")) process.host.fs.remove(process.devicePath(source));
  out += `\r\n               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n    Files :  ${files.length}  ${copied}  ${files.length - copied}  0  0  ${extras.length}\r\n`;
  return { exitCode: code, stdout: out };
}

function sameFile(process: CallerProcess, a: string, b: string): boolean {
  const left = process.stat(a);
  const right = process.stat(b);
  if (left?.kind !== "file" || right?.kind !== "file" || left.size !== right.size) return false;
  return Buffer.from(process.host.fs.readFile(process.devicePath(a))).equals(
    Buffer.from(process.host.fs.readFile(process.devicePath(b))),
  );
}
