// SET: show, define and remove variables, `/a` arithmetic, `/p` prompts (windows-formats.md §6.1–6.3).
import type { BatchFrame, BuiltinCommand, CmdProcess } from "./cmd-process.ts";
import { evaluateArithmetic } from "./set-arithmetic.ts";

export const setCommand: BuiltinCommand = (process, args, frame) => {
  const text = args.replace(/^\s+/, "");
  const lower = text.toLowerCase();
  if (lower.startsWith("/a")) return setArithmetic(process, text.slice(2), frame);
  if (lower.startsWith("/p")) return setPrompt(process, text.slice(2).trimStart(), frame);
  const assignment = parseAssignment(text);
  if (assignment === undefined) return listVariables(process, text.trim(), frame);
  if (assignment.name === "") {
    process.printError("The syntax of the command is incorrect.");
    process.complete(1);
    return undefined;
  }
  process.environment.set(assignment.name, assignment.value === "" ? undefined : assignment.value);
  succeed(process, frame);
  return undefined;
};

/** `NAME=value` or `"NAME=value"` (text after the closing quote is ignored); undefined without `=`. */
function parseAssignment(text: string): { name: string; value: string } | undefined {
  let body = text;
  if (body.startsWith('"')) {
    const last = body.lastIndexOf('"');
    body = last > 0 ? body.slice(1, last) : body.slice(1);
  }
  const equals = body.indexOf("=");
  if (equals < 0) return undefined;
  return { name: body.slice(0, equals), value: body.slice(equals + 1) };
}

function listVariables(process: CmdProcess, prefix: string, frame: BatchFrame | undefined): undefined {
  const wanted = prefix.replaceAll('"', "").toUpperCase();
  const matches = process.environment.entries().filter((v) => v.name.toUpperCase().startsWith(wanted));
  if (matches.length === 0) {
    process.printError(`Environment variable ${prefix} not defined`);
    process.complete(1);
    return undefined;
  }
  for (const v of matches) process.printLine(`${v.name}=${v.value}`);
  succeed(process, frame);
  return undefined;
}

function setArithmetic(process: CmdProcess, expression: string, frame: BatchFrame | undefined): undefined {
  const result = evaluateArithmetic(expression, {
    get: (name) => process.variable(name),
    set: (name, value) => process.environment.set(name, value),
  });
  if (!result.ok) {
    process.printError(result.message);
    process.complete(result.code);
    return undefined;
  }
  // At the prompt (cmd /c) SET /A prints its result without a newline; in a batch file it prints nothing.
  if (frame === undefined) process.writeOut(String(result.value));
  succeed(process, frame);
  return undefined;
}

function setPrompt(process: CmdProcess, text: string, frame: BatchFrame | undefined): undefined {
  const assignment = parseAssignment(text);
  if (assignment === undefined || assignment.name === "") {
    process.printError("The syntax of the command is incorrect.");
    process.complete(1);
    return undefined;
  }
  process.writeOut(assignment.value);
  // The install has no console: the read gets the first line of stdin (empty), leaves the variable unchanged
  // when there is none, and sets ERRORLEVEL 1.
  const line = process.stdin.split(/\r?\n/)[0] ?? "";
  if (line === "") {
    process.complete(1);
    return undefined;
  }
  process.environment.set(assignment.name, line);
  succeed(process, frame);
  return undefined;
}

/** SET clears ERRORLEVEL on success only in .cmd scripts, not in .bat files or at the prompt (§6.3). */
function succeed(process: CmdProcess, frame: BatchFrame | undefined): void {
  if (frame?.isCmdFile === true) process.complete(0);
  else process.completeKeepingErrorLevel(0);
}
