// Built-ins that change folders and files: CD, PUSHD, POPD, MD, RD, DEL, COPY, MOVE, REN. Messages and
// ERRORLEVEL rules from windows-formats.md §6.3 and §6.9.

import { copyDeviceFile, makeFolder } from "../../process/device-files.ts";
import { splitCmdArguments } from "../../process/program.ts";
import { baseName, hasWildcard, joinPath, parentPath, unquote } from "../../process/windows-path.ts";
import type { BuiltinCommand, CmdProcess } from "./cmd-process.ts";

const PATH_NOT_FOUND = "The system cannot find the path specified.";
const FILE_NOT_FOUND = "The system cannot find the file specified.";

function switches(words: string[]): { flags: Set<string>; rest: string[] } {
  const flags = new Set<string>();
  const rest: string[] = [];
  for (const word of words) {
    if (/^\/[A-Za-z-]/.test(word)) flags.add(word.slice(1).toLowerCase().split(":")[0]!);
    else rest.push(word);
  }
  return { flags, rest };
}

export const cdCommand: BuiltinCommand = (process, args) => {
  let text = args.trim();
  let switchDrive = false;
  if (/^\/d(\s|$)/i.test(text)) {
    switchDrive = true;
    text = text.slice(2).trim();
  }
  if (text === "") {
    process.printLine(process.cwd);
    process.complete(0);
    return undefined;
  }
  // With extensions on, CD takes the rest of the line as the path, spaces and all.
  const target = process.fullPath(unquote(text).trim());
  if (process.stat(target)?.kind !== "directory") {
    process.printError(PATH_NOT_FOUND);
    process.complete(1);
    return undefined;
  }
  if (switchDrive || target.slice(0, 2).toUpperCase() === process.cwd.slice(0, 2).toUpperCase())
    process.cwd = target;
  process.complete(0);
  return undefined;
};

export const pushdCommand: BuiltinCommand = (process, args) => {
  const text = unquote(args.trim());
  if (text === "") {
    process.complete(0);
    return undefined;
  }
  const target = process.fullPath(text);
  if (process.stat(target)?.kind !== "directory") {
    process.printError(PATH_NOT_FOUND);
    process.complete(1);
    return undefined;
  }
  process.directoryStack.push(process.cwd);
  process.cwd = target;
  process.complete(0);
  return undefined;
};

export const popdCommand: BuiltinCommand = (process) => {
  const previous = process.directoryStack.pop();
  if (previous !== undefined) process.cwd = previous;
  return undefined;
};

export const mdCommand: BuiltinCommand = (process, args) => {
  const names = splitCmdArguments(args).map(unquote);
  if (names.length === 0) {
    process.printError("The syntax of the command is incorrect.");
    process.complete(1);
    return undefined;
  }
  let code = 0;
  for (const name of names) {
    if (process.stat(name) !== undefined) {
      process.printError(`A subdirectory or file ${name} already exists.`);
      code = 1;
    } else if (!makeFolder(process, process.fullPath(name))) {
      process.printError("The filename, directory name, or volume label syntax is incorrect.");
      code = 1;
    }
  }
  process.complete(code);
  return undefined;
};

export const rdCommand: BuiltinCommand = (process, args) => {
  const { flags, rest } = switches(splitCmdArguments(args));
  if (rest.length === 0) {
    process.printError("The syntax of the command is incorrect.");
    process.completeKeepingErrorLevel(1);
    return undefined;
  }
  let code = 0;
  for (const raw of rest) {
    const name = unquote(raw);
    const full = process.fullPath(name);
    const stat = process.stat(full);
    if (stat === undefined) {
      process.printError(FILE_NOT_FOUND);
      code = 2;
    } else if (stat.kind !== "directory") {
      process.printError("The directory name is invalid.");
      code = 267;
    } else if (!flags.has("s") && process.host.fs.list(process.devicePath(full)).length > 0) {
      process.printError("The directory is not empty.");
      code = 145;
    } else if (flags.has("s") && !flags.has("q")) {
      // Without /q RD /S asks for confirmation; the install has no console, so the answer is no.
      process.writeOut(`${name}, Are you sure (Y/N)? `);
      code = 1;
    } else {
      process.host.fs.remove(process.devicePath(full));
    }
  }
  // RD never changes ERRORLEVEL, even on failure; only `||` sees the result (§6.3).
  process.completeKeepingErrorLevel(code);
  return undefined;
};

export const delCommand: BuiltinCommand = (process, args) => {
  const { flags, rest } = switches(splitCmdArguments(args));
  if (rest.length === 0) {
    process.printError("The syntax of the command is incorrect.");
    process.complete(1);
    return undefined;
  }
  let failed = false;
  for (const raw of rest) {
    const full = process.fullPath(unquote(raw));
    const targets = deletionTargets(process, full, flags.has("s"));
    if (targets === "prompt") {
      if (!flags.has("q")) {
        process.writeOut(`${full}\\*, Are you sure (Y/N)? `);
        continue;
      }
    }
    const files = targets === "prompt" ? deletionTargets(process, `${full}\\*`, flags.has("s")) : targets;
    if (files === "prompt" || files.length === 0) {
      process.printError(`Could Not Find ${full}`);
      failed = true;
      continue;
    }
    for (const file of files) {
      process.host.fs.remove(process.devicePath(file));
      if (flags.has("s")) process.printLine(`Deleted file - ${file}`);
    }
  }
  // DEL sets ERRORLEVEL 0 even when it could not find or delete a file (§6.3); `||` still sees the failure.
  process.errorLevel = 0;
  process.returnCode = failed ? 1 : 0;
  return undefined;
};

/** The files DEL removes for one argument; "prompt" when it names a folder (DEL empties it after asking). */
function deletionTargets(process: CmdProcess, full: string, recursive: boolean): string[] | "prompt" {
  if (!hasWildcard(baseName(full)) && process.stat(full)?.kind === "directory") return "prompt";
  const folders = [parentPath(full)];
  if (recursive) {
    for (let i = 0; i < folders.length; i += 1) {
      for (const sub of process.expandWildcard(joinPath(folders[i]!, "*"), "directory")) folders.push(sub);
    }
  }
  return folders.flatMap((folder) => process.expandWildcard(joinPath(folder, baseName(full)), "file"));
}

export const copyCommand: BuiltinCommand = (process, args) => {
  const { rest } = switches(splitCmdArguments(args));
  const [sourceRaw, targetRaw] = rest;
  if (sourceRaw === undefined) {
    process.printError("The syntax of the command is incorrect.");
    process.complete(1);
    return undefined;
  }
  const source = process.fullPath(unquote(sourceRaw));
  const sources =
    hasWildcard(baseName(source)) || process.stat(source)?.kind === "directory"
      ? process.expandWildcard(
          process.stat(source)?.kind === "directory" ? joinPath(source, "*") : source,
          "file",
        )
      : process.stat(source)?.kind === "file"
        ? [source]
        : [];
  if (sources.length === 0) {
    process.printError(FILE_NOT_FOUND);
    process.printLine("        0 file(s) copied.");
    process.complete(1);
    return undefined;
  }
  const target = process.fullPath(targetRaw === undefined ? "." : unquote(targetRaw));
  const targetIsFolder = process.stat(target)?.kind === "directory";
  let copied = 0;
  for (const file of sources) {
    const destination = targetIsFolder ? joinPath(target, baseName(file)) : target;
    if (destination.toLowerCase() === file.toLowerCase()) {
      process.printError("The file cannot be copied onto itself.");
      continue;
    }
    if (sources.length > 1 || hasWildcard(sourceRaw))
      process.printLine(unquote(sourceRaw).includes("\\") ? file : baseName(file));
    if (copyDeviceFile(process, file, destination)) copied += 1;
    else process.printError(PATH_NOT_FOUND);
  }
  process.printLine(`        ${copied} file(s) copied.`);
  process.complete(copied === 0 ? 1 : 0);
  return undefined;
};

export const moveCommand: BuiltinCommand = (process, args) => {
  const { rest } = switches(splitCmdArguments(args));
  const [sourceRaw, targetRaw] = rest;
  if (sourceRaw === undefined || targetRaw === undefined) {
    process.printError("The syntax of the command is incorrect.");
    process.complete(1);
    return undefined;
  }
  const source = process.fullPath(unquote(sourceRaw));
  const sources = hasWildcard(baseName(source))
    ? process.expandWildcard(source)
    : process.stat(source)
      ? [source]
      : [];
  if (sources.length === 0) {
    process.printError(FILE_NOT_FOUND);
    process.complete(1);
    return undefined;
  }
  const target = process.fullPath(unquote(targetRaw));
  const targetIsFolder = process.stat(target)?.kind === "directory";
  let files = 0;
  let folders = 0;
  for (const item of sources) {
    const destination = targetIsFolder ? joinPath(target, baseName(item)) : target;
    const isFolder = process.stat(item)?.kind === "directory";
    try {
      if (process.stat(destination)?.kind === "file") process.host.fs.remove(process.devicePath(destination));
      process.host.fs.rename(process.devicePath(item), process.devicePath(destination));
      if (isFolder) folders += 1;
      else files += 1;
    } catch {
      process.printError("Access is denied.");
    }
  }
  if (folders > 0) process.printLine(`        ${folders} dir(s) moved.`);
  if (files > 0 || folders === 0) process.printLine(`        ${files} file(s) moved.`);
  process.complete(files + folders === 0 ? 1 : 0);
  return undefined;
};

export const renCommand: BuiltinCommand = (process, args) => {
  const [sourceRaw, nameRaw] = splitCmdArguments(args);
  if (sourceRaw === undefined || nameRaw === undefined || unquote(nameRaw).includes("\\")) {
    process.printError("The syntax of the command is incorrect.");
    process.complete(1);
    return undefined;
  }
  const source = process.fullPath(unquote(sourceRaw));
  const destination = joinPath(parentPath(source), unquote(nameRaw));
  if (process.stat(source) === undefined || process.stat(destination) !== undefined) {
    process.printError("A duplicate file name exists, or the file\r\ncannot be found.");
    process.complete(1);
    return undefined;
  }
  process.host.fs.rename(process.devicePath(source), process.devicePath(destination));
  process.complete(0);
  return undefined;
};
