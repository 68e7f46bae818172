// The `%~` modifiers of batch parameters and FOR variables (windows-formats.md §6.5): f d p n x s a t z and
// $VAR:. Short 8.3 names do not exist on the virtual device, so `s` leaves names long (our choice).

import { resolveWindowsPath, unquote } from "../../process/windows-path.ts";
import type { FileStat } from "../../types.ts";

export interface ModifierContext {
  readonly cwd: string;
  /** Stat through the process's view of the file system (WOW64 redirection applied by the caller). */
  stat(path: string): FileStat | undefined;
  /** The value of an environment variable, for `$PATH:`. */
  variable(name: string): string | undefined;
}

/** Applies `%~` modifiers (e.g. "dp", "nx", "$PATH:") to a raw value; "" modifiers only remove quotes. */
export function applyPathModifiers(value: string, modifiers: string, context: ModifierContext): string {
  const plain = unquote(value);
  const searchMatch = /\$([^:]+):$/.exec(modifiers);
  const letters = (searchMatch ? modifiers.slice(0, searchMatch.index) : modifiers).toLowerCase();
  if (letters === "" && !searchMatch) return plain;
  if (plain === "") return "";
  let full: string;
  if (searchMatch) {
    const found = searchFolders(plain, searchMatch[1]!, context);
    if (found === undefined) return "";
    full = found;
  } else {
    full = resolveWindowsPath(context.cwd, plain);
  }
  const stat = context.stat(full);
  const parts: string[] = [];
  if (letters.includes("a")) parts.push(stat === undefined ? "" : attributes(stat));
  if (letters.includes("t")) parts.push(stat === undefined ? "" : formatDirTime(stat.modifiedMs));
  if (letters.includes("z"))
    parts.push(stat === undefined || stat.kind === "directory" ? "" : String(stat.size));
  const wantsPath = /[fdpnxs]/.test(letters) || letters === "" || !/[atz]/.test(letters);
  if (wantsPath) parts.push(pathParts(full, letters));
  return parts.filter((p) => p !== "").join(" ");
}

function pathParts(full: string, letters: string): string {
  const selective = /[dpnx]/.test(letters);
  if (!selective) return full;
  const drive = full.slice(0, 2);
  const lastSlash = full.lastIndexOf("\\");
  const folder = full.slice(2, lastSlash + 1);
  const name = full.slice(lastSlash + 1);
  const dot = name.lastIndexOf(".");
  const stem = dot < 0 ? name : name.slice(0, dot);
  const extension = dot < 0 ? "" : name.slice(dot);
  let out = "";
  if (letters.includes("d")) out += drive;
  if (letters.includes("p")) out += folder;
  if (letters.includes("n")) out += stem;
  if (letters.includes("x")) out += extension;
  return out;
}

function searchFolders(name: string, variableName: string, context: ModifierContext): string | undefined {
  const folders = (context.variable(variableName) ?? "").split(";").filter((f) => f !== "");
  for (const folder of folders) {
    const candidate = resolveWindowsPath(context.cwd, `${folder.replace(/\\+$/, "")}\\${name}`);
    if (context.stat(candidate) !== undefined) return candidate;
  }
  return undefined;
}

function attributes(stat: FileStat): string {
  return stat.kind === "directory" ? "d--------" : "--a------";
}

/** The `dir`-style local time of en-US Windows: `MM/DD/YYYY hh:mm AM` (UTC on the virtual device). */
export function formatDirTime(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, "0");
  const hours = date.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  return `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()} ${pad(hour12)}:${pad(
    date.getUTCMinutes(),
  )} ${hours < 12 ? "AM" : "PM"}`;
}
