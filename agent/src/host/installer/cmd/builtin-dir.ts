// DIR: the bare form (/b, with /s for full paths) that scripts feed into `for /f`, and the usual listing.
// /a:d and /a:-d filter folders and files; names come sorted, as NTFS returns them.

import { splitCmdArguments } from "../../process/program.ts";
import { baseName, joinPath, parentPath, unquote } from "../../process/windows-path.ts";
import type { BuiltinCommand, CmdProcess } from "./cmd-process.ts";
import { formatDirTime } from "./path-modifiers.ts";

interface Entry {
  readonly path: string;
  readonly name: string;
  readonly isFolder: boolean;
  readonly size: number;
  readonly modifiedMs: number;
}

function listEntries(
  process: CmdProcess,
  folder: string,
  pattern: string,
  kind: "all" | "file" | "directory",
): Entry[] {
  const matches = process.expandWildcard(joinPath(folder, pattern));
  const entries: Entry[] = [];
  for (const path of matches.sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))) {
    const stat = process.stat(path);
    if (stat === undefined) continue;
    const isFolder = stat.kind === "directory";
    if ((kind === "file" && isFolder) || (kind === "directory" && !isFolder)) continue;
    entries.push({ path, name: baseName(path), isFolder, size: stat.size, modifiedMs: stat.modifiedMs });
  }
  return entries;
}

function subfolders(process: CmdProcess, folder: string): string[] {
  const out: string[] = [];
  for (const entry of listEntries(process, folder, "*", "directory"))
    out.push(entry.path, ...subfolders(process, entry.path));
  return out;
}

const grouped = (n: number): string => n.toLocaleString("en-US");

export const dirCommand: BuiltinCommand = (process, args) => {
  const flags = new Set<string>();
  const targets: string[] = [];
  for (const word of splitCmdArguments(args)) {
    if (/^\/a:?-d$/i.test(word)) flags.add("files");
    else if (/^\/a:?d$/i.test(word)) flags.add("folders");
    else if (/^\/[a-z]/i.test(word)) flags.add(word.slice(1, 2).toLowerCase());
    else targets.push(unquote(word));
  }
  const kind = flags.has("files") ? "file" : flags.has("folders") ? "directory" : "all";
  const target = process.fullPath(targets[0] ?? ".");
  const targetIsFolder = process.stat(target)?.kind === "directory";
  const root = targetIsFolder ? target : parentPath(target);
  const pattern = targetIsFolder ? "*" : baseName(target);
  const folders = flags.has("s") ? [root, ...subfolders(process, root)] : [root];
  let found = 0;
  let out = "";
  let files = 0;
  let bytes = 0;
  for (const folder of folders) {
    const entries = listEntries(process, folder, pattern, kind);
    found += entries.length;
    if (flags.has("b")) {
      for (const entry of entries) out += `${flags.has("s") ? entry.path : entry.name}\r\n`;
      continue;
    }
    if (entries.length === 0) continue;
    out += `\r\n Directory of ${folder}\r\n\r\n`;
    for (const entry of entries) {
      const size = entry.isFolder ? "<DIR>         " : grouped(entry.size).padStart(14);
      out += `${formatDirTime(entry.modifiedMs).replace(" ", "  ")}    ${size} ${entry.name}\r\n`;
      if (!entry.isFolder) {
        files += 1;
        bytes += entry.size;
      }
    }
  }
  if (found === 0) {
    process.printError("File Not Found");
    process.complete(1);
    return undefined;
  }
  if (!flags.has("b")) {
    const header = " Volume in drive C has no label.\r\n Volume Serial Number is 1A2B-3C4D\r\n";
    out = `${header}${out}${String(files).padStart(16)} File(s) ${grouped(bytes).padStart(14)} bytes\r\n${" ".repeat(16)}0 Dir(s)  ${grouped(process.host.fs.freeBytes("C:"))} bytes free\r\n`;
  }
  process.writeOut(out);
  process.complete(0);
  return undefined;
};
