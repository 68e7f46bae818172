// START (windows-formats.md §6.8): the first quoted argument is the window title; /wait makes ERRORLEVEL the
// program's exit code. The simulation runs the program to completion either way (its effects land at once);
// without /wait ERRORLEVEL is left as it was, as START itself does not set it.
import type { BuiltinCommand } from "./cmd-process.ts";
import { runExternal } from "./external.ts";
import { splitFirstWord } from "./words.ts";

export const startCommand: BuiltinCommand = async (process, args) => {
  let rest = args.trim();
  let wait = false;
  let folder: string | undefined;
  if (rest.startsWith('"')) {
    const close = rest.indexOf('"', 1);
    rest = close < 0 ? "" : rest.slice(close + 1).trim();
  }
  for (;;) {
    const option = /^\/(\S+)/.exec(rest);
    if (!option) break;
    const name = option[1]!.toLowerCase();
    rest = rest.slice(option[0].length).trim();
    if (name === "wait") wait = true;
    else if (name === "d") {
      const [value, after] = splitFirstWord(rest);
      folder = value;
      rest = after.trim();
    } else if (name.startsWith("d")) folder = option[1]!.slice(1);
  }
  if (rest === "") {
    // START with nothing to run opens a new console window; the install has no desktop, so nothing happens.
    return undefined;
  }
  const [program, programArgs] = splitFirstWord(rest);
  const before = process.errorLevel;
  const savedCwd = process.cwd;
  if (folder !== undefined) process.cwd = process.fullPath(folder);
  try {
    // START runs batch files in a new cmd, so they never end the caller's batch file.
    await runExternal(process, program, programArgs, undefined);
  } finally {
    process.cwd = savedCwd;
  }
  if (!wait) process.complete(before);
  return undefined;
};
