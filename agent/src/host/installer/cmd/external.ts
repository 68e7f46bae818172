// Starting something that is not a built-in (windows-formats.md §6.7–6.8): find it through the working
// folder, PATH and PATHEXT on the device (System32 as the process sees it), ask the scenario's resolver,
// run batch files and the programs imesim models, and otherwise fail as cmd does with 9009.

import { modelledProgramAt } from "../../process/process-view.ts";
import { type ProgramInvocation, type ProgramResult, splitArguments } from "../../process/program.ts";
import { baseName, joinPath, parentPath, unquote } from "../../process/windows-path.ts";
import { isSysnativePath } from "../../process/wow64.ts";
import { runBatchFile } from "./batch-file.ts";
import type { BatchFrame, CmdProcess, Flow } from "./cmd-process.ts";

const DEFAULT_PATHEXT = ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC";

/** Where a command name leads on the device, as the process asked for it; undefined when nowhere. */
export function findProgram(process: CmdProcess, name: string): string | undefined {
  const plain = unquote(name);
  const extensions = (process.variable("PATHEXT") ?? DEFAULT_PATHEXT).split(";").filter((e) => e !== "");
  const base = baseName(plain.replaceAll("/", "\\"));
  const candidates = /\.[^.\\]+$/.test(base) ? [plain] : extensions.map((ext) => plain + ext.toLowerCase());
  const hasFolder = /[\\/:]/.test(plain);
  const folders = hasFolder
    ? [process.cwd]
    : [process.cwd, ...(process.variable("PATH") ?? "").split(";").filter((f) => f.trim() !== "")];
  for (const folder of folders) {
    for (const candidate of candidates) {
      let full: string;
      try {
        full = hasFolder
          ? process.fullPath(candidate)
          : process.fullPath(joinPath(unquote(folder), candidate));
      } catch {
        continue;
      }
      if (process.stat(full)?.kind === "file" || modelledProgramAt(process, full) !== undefined) return full;
    }
  }
  return undefined;
}

/** Runs an external command the way cmd does and records its exit code as ERRORLEVEL. */
export async function runExternal(
  process: CmdProcess,
  name: string,
  args: string,
  frame: BatchFrame | undefined,
): Promise<Flow> {
  const called = process.pendingCall;
  process.pendingCall = false;
  const plain = unquote(name);
  const path = findProgram(process, name);
  const bitness =
    path !== undefined && isSysnativePath(path, process.windowsFolder()) ? 64 : process.context.bitness;
  const invocation: ProgramInvocation = {
    name: plain,
    path,
    args,
    argv: splitArguments(args),
    workingDirectory: process.cwd,
    context: { ...process.context, bitness },
  };
  const declared = await process.resolver?.(invocation, process.host);
  if (declared !== undefined) {
    finishProgram(process, declared);
    return undefined;
  }
  if (path === undefined) {
    if (/[\\/]/.test(plain) && process.stat(parentPath(process.fullPath(plain))) === undefined) {
      // A path whose folder does not exist; the ERRORLEVEL here is believed to be 3 (windows-formats.md §6.7 [?]).
      process.printError("The system cannot find the path specified.");
      process.complete(3);
      return undefined;
    }
    process.printError(`'${plain}' is not recognized as an internal or external command,`);
    process.printError("operable program or batch file.");
    process.complete(9009);
    return undefined;
  }
  const extension = /\.[^.\\]+$/.exec(path)?.[0]?.toLowerCase() ?? "";
  if (extension === ".cmd" || extension === ".bat") {
    const flow = await runBatchFile(process, path, plain, args);
    if (flow?.kind === "exit-process") return flow;
    // Without CALL, starting a batch file from a batch file never returns to the caller (§6.4).
    return frame !== undefined && !called ? { kind: "exit-batch" } : undefined;
  }
  // Our models stand for Windows' own copies; a vendor file that happens to be called reg.exe is not modelled.
  const model = modelledProgramAt(process, path);
  if (model !== undefined) {
    finishProgram(process, await model(invocation, process));
    return undefined;
  }
  if (extension === ".msi") {
    // A package named as a command opens through its file association: `msiexec /i <package>`.
    finishProgram(
      process,
      await process.programs.get("msiexec.exe")!({ ...invocation, args: `/i "${path}" ${args}` }, process),
    );
    return undefined;
  }
  // A program on the device with no declared behaviour runs and exits 0 without effects (our choice: the
  // scenario declares what a vendor's setup.exe does through the ProgramResolver).
  process.complete(0);
  return undefined;
}

function finishProgram(process: CmdProcess, result: ProgramResult): void {
  if (result.stdout !== undefined) process.writeOut(result.stdout);
  if (result.stderr !== undefined) process.writeErr(result.stderr);
  process.elapsedMs += result.durationMs ?? 0;
  // cmd keeps ERRORLEVEL as a signed 32-bit number: 0xC0000005 prints as -1073741819 (§6.3).
  process.complete(result.exitCode | 0);
}
