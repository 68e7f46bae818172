// Running a .cmd/.bat file in a process: reading it from the device, its parameters, its frame.

import { splitCmdArguments } from "../../process/program.ts";
import type { BatchFrame, CmdProcess, Flow } from "./cmd-process.ts";

/** Reads a batch file's lines (CRLF or LF); undefined when it cannot be read. */
export function readBatchLines(process: CmdProcess, path: string): string[] | undefined {
  const text = process.readText(path);
  if (text === undefined) return undefined;
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/**
 * Runs a batch file as a new frame and returns how it ended. `invokedAs` is `%0`, `argsText` the raw text
 * whose words become %1…%9 (quotes kept, as cmd passes them).
 */
export async function runBatchFile(
  process: CmdProcess,
  fullPath: string,
  invokedAs: string,
  argsText: string,
): Promise<Flow> {
  const lines = readBatchLines(process, fullPath);
  if (lines === undefined) {
    process.printError("The system cannot find the file specified.");
    process.complete(1);
    return undefined;
  }
  const frame: BatchFrame = {
    scriptPath: fullPath,
    lines,
    isCmdFile: fullPath.toLowerCase().endsWith(".cmd"),
    args: [invokedAs, ...splitCmdArguments(argsText)],
    allArguments: argsText.trim(),
    position: 0,
    setlocalBase: process.localDepth(),
  };
  return process.runFrame(frame);
}

/** Runs a subroutine (`call :label args`) of the current batch file as a new frame. */
export function runSubroutine(
  process: CmdProcess,
  parent: BatchFrame,
  start: number,
  label: string,
  argsText: string,
): Promise<Flow> {
  const frame: BatchFrame = {
    scriptPath: parent.scriptPath,
    lines: parent.lines,
    isCmdFile: parent.isCmdFile,
    args: [label, ...splitCmdArguments(argsText)],
    allArguments: argsText.trim(),
    position: start,
    setlocalBase: process.localDepth(),
  };
  return process.runFrame(frame);
}
