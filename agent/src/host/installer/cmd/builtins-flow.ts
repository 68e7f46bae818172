// Built-ins that steer a batch file: GOTO, CALL, EXIT, SHIFT, SETLOCAL/ENDLOCAL (windows-formats.md §6.2–6.4).
import { runSubroutine } from "./batch-file.ts";
import { type BuiltinCommand, findLabel, parseCmdNumber } from "./cmd-process.ts";
import { expandPercent } from "./expansion.ts";
import { parseStatement } from "./parser.ts";

export const gotoCommand: BuiltinCommand = (process, args, frame) => {
  const label = args.trim().split(/[\s+]/)[0] ?? "";
  if (label === "") {
    process.printError("No batch label specified to GOTO command.");
    process.complete(1);
    return frame === undefined ? undefined : { kind: "exit-batch" };
  }
  if (frame === undefined) return undefined;
  if (label.toLowerCase() === ":eof") return { kind: "exit-batch" };
  return { kind: "goto", label };
};

export const callCommand: BuiltinCommand = async (process, args, frame) => {
  const text = args.trim();
  if (text === "") return undefined;
  if (text.startsWith(":")) {
    if (frame === undefined) {
      process.printError("Invalid attempt to call batch label outside of batch script.");
      process.complete(1);
      return undefined;
    }
    const label = /^:[^\s+]+/.exec(text)![0];
    const start = findLabel(frame.lines, label, 0);
    if (start === undefined) {
      process.printError(`The system cannot find the batch label specified - ${label.slice(1)}`);
      process.complete(1);
      return undefined;
    }
    const flow = await runSubroutine(process, frame, start, label, text.slice(label.length));
    return flow?.kind === "exit-process" ? flow : undefined;
  }
  // CALL expands percent signs a second time (`call echo %%X%%`), then runs the command; a command that does
  // not set ERRORLEVEL leaves it cleared (§6.3).
  const expanded = expandPercent(text, process.percentSources(frame));
  const parsed = parseStatement(expanded);
  if (!parsed.complete) return undefined;
  process.errorLevel = 0;
  for (const command of parsed.commands) {
    if (command.type === "if" || command.type === "for") {
      process.printError(
        `'${command.type.toUpperCase()}' is not recognized as an internal or external command,`,
      );
      process.printError("operable program or batch file.");
      process.complete(9009);
      continue;
    }
    // A batch file started through CALL returns here instead of ending the caller (external.ts reads the flag).
    process.pendingCall = true;
    const flow = await process.execute(command, frame);
    process.pendingCall = false;
    if (flow?.kind === "exit-process") return flow;
  }
  return undefined;
};

export const exitCommand: BuiltinCommand = (process, args, frame) => {
  const words = args
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  const toBatch = words[0]?.toLowerCase() === "/b";
  const codeText = toBatch ? words[1] : words[0];
  const code = codeText === undefined ? undefined : (parseCmdNumber(codeText) ?? 0);
  if (code !== undefined) process.complete(code);
  if (toBatch && frame !== undefined) return { kind: "exit-batch" };
  // Without /b (or outside a batch file) the whole cmd process ends; without N it keeps ERRORLEVEL (§7 item 11).
  return { kind: "exit-process", code: code ?? process.errorLevel };
};

export const shiftCommand: BuiltinCommand = (_process, args, frame) => {
  if (frame === undefined) return undefined;
  const match = /^\s*\/([0-8])/.exec(args);
  const from = match ? Number(match[1]) : 0;
  frame.args.splice(from, 1);
  return undefined;
};

export const setlocalCommand: BuiltinCommand = (process, args, frame) => {
  let delayed: boolean | undefined;
  let extensions: boolean | undefined;
  for (const word of args
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "")) {
    const option = word.toLowerCase();
    if (option === "enabledelayedexpansion") delayed = true;
    else if (option === "disabledelayedexpansion") delayed = false;
    else if (option === "enableextensions") extensions = true;
    else if (option === "disableextensions") extensions = false;
    else {
      process.printError("Invalid parameter to SETLOCAL command");
      process.complete(1);
      return undefined;
    }
  }
  if (frame !== undefined) process.setlocal(delayed, extensions);
  process.complete(0);
  return undefined;
};

export const endlocalCommand: BuiltinCommand = (process, _args, frame) => {
  process.endlocal(frame);
  return undefined;
};
