// Built-ins that print: ECHO, TYPE, PAUSE, CLS, TITLE, VER (windows-formats.md §6.3 for their ERRORLEVEL).

import { splitCmdArguments } from "../../process/program.ts";
import type { BuiltinCommand } from "./cmd-process.ts";

export const echoCommand: BuiltinCommand = (process, args) => {
  // The first character after ECHO is a separator (space, `.`, `(`, `:` …) and is not printed.
  const text = args.slice(1);
  const word = args.trim().toLowerCase();
  if (args.trim() === "" && !/^[.(:;,=/\\[\]+]/.test(args)) {
    process.printLine(`ECHO is ${process.echoOn ? "on" : "off"}.`);
  } else if ((word === "on" || word === "off") && /^\s/.test(args)) {
    process.echoOn = word === "on";
  } else {
    process.printLine(text);
  }
  return undefined;
};

export const typeCommand: BuiltinCommand = (process, args) => {
  const names = splitCmdArguments(args);
  if (names.length === 0) {
    process.printError("The syntax of the command is incorrect.");
    process.complete(1);
    return undefined;
  }
  let failed = false;
  for (const name of names) {
    const text = process.readText(name);
    if (text === undefined) {
      process.printError(
        process.stat(name)?.kind === "directory"
          ? "Access is denied."
          : "The system cannot find the file specified.",
      );
      failed = true;
    } else {
      process.writeOut(text);
    }
  }
  process.complete(failed ? 1 : 0);
  return undefined;
};

export const pauseCommand: BuiltinCommand = (process) => {
  // The install runs without a console: stdin is empty, so PAUSE returns at once.
  process.writeOut("Press any key to continue . . . \r\n");
  return undefined;
};

export const quietCommand: BuiltinCommand = () => undefined;

export const clsCommand: BuiltinCommand = (process) => {
  process.complete(0);
  return undefined;
};
