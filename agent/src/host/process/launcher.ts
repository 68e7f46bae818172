// The one process launcher of the virtual device: every program imesim models — the cmd and PowerShell
// interpreters, msiexec, and the Windows utilities — is registered in this table by file name, and every
// process starts others only through the table it was given (design.md "Where the next pieces go"), so no
// interpreter imports another. This module is the composition point that knows them all.

import type { CmdRunOptions, CmdRunResult } from "../installer/cmd/interpreter.ts";
import {
  runCmdLine as runCmdLineWith,
  runCmdScript as runCmdScriptWith,
} from "../installer/cmd/interpreter.ts";
import { runNestedCmd } from "../installer/cmd/nested-cmd.ts";
import { runMsiexec } from "../installer/msiexec/msiexec.ts";
import { runPowerShellExe } from "../installer/powershell/powershell-exe.ts";
import { createPowerShellScriptRunner } from "../installer/powershell/script-runner.ts";
import { runRobocopy, runXcopy } from "../programs/copy-programs.ts";
import { runFind, runFindstr } from "../programs/find-programs.ts";
import { runNet } from "../programs/net-exe.ts";
import { runChoco } from "../programs/package-managers/chocolatey.ts";
import { runWinget } from "../programs/package-managers/winget.ts";
import { runReg } from "../programs/reg-exe.ts";
import {
  runCertutil,
  runIcacls,
  runSc,
  runSchtasks,
  runTakeown,
  runWhoami,
} from "../programs/system-utilities.ts";
import { runPing, runTimeout } from "../programs/timing-programs.ts";
import type { ScriptRunner } from "../scripts/script-runner.ts";
import type {
  CallerProcess,
  ModelledProgram,
  ProgramInvocation,
  ProgramResolver,
  ProgramResult,
  ProgramTable,
} from "./program.ts";

function runMsiexecProgram(invocation: ProgramInvocation, caller: CallerProcess): Promise<ProgramResult> {
  return runMsiexec(
    { args: invocation.args, workingDirectory: invocation.workingDirectory, context: invocation.context },
    caller.host,
  );
}

/** Modelled programs by lower-case file name. */
export const MODELLED_PROGRAMS: ProgramTable = new Map<string, ModelledProgram>([
  ["reg.exe", runReg],
  ["msiexec.exe", runMsiexecProgram],
  ["xcopy.exe", runXcopy],
  ["robocopy.exe", runRobocopy],
  ["timeout.exe", runTimeout],
  ["ping.exe", runPing],
  ["cmd.exe", runNestedCmd],
  ["find.exe", runFind],
  ["findstr.exe", runFindstr],
  ["powershell.exe", runPowerShellExe],
  ["whoami.exe", runWhoami],
  ["icacls.exe", runIcacls],
  ["takeown.exe", runTakeown],
  ["schtasks.exe", runSchtasks],
  ["sc.exe", runSc],
  ["certutil.exe", runCertutil],
  ["net.exe", runNet],
  // Package managers live outside System32: only their marker files (process-view.ts) start these.
  ["choco.exe", runChoco],
  ["winget.exe", runWinget],
]);

/** Options for a process the launcher starts; the table defaults to every modelled program. */
export type LaunchOptions = Omit<CmdRunOptions, "programs"> & { readonly programs?: ProgramTable };

/** Runs `cmd /c <text>` on the device with the launcher's programs. */
export function runCmdLine(text: string, options: LaunchOptions): Promise<CmdRunResult> {
  return runCmdLineWith(text, { ...options, programs: options.programs ?? MODELLED_PROGRAMS });
}

/** Runs a batch file on the device as `cmd /c script args` does, with the launcher's programs. */
export function runCmdScript(
  scriptPath: string,
  argsText: string,
  options: LaunchOptions,
): Promise<CmdRunResult> {
  return runCmdScriptWith(scriptPath, argsText, {
    ...options,
    programs: options.programs ?? MODELLED_PROGRAMS,
  });
}

/** Detection and requirement scripts interpreted by imesim's PowerShell, starting programs from this table. */
export function createInterpretingScriptRunner(
  options: { resolver?: ProgramResolver; clock?: { now(): number } } = {},
): ScriptRunner {
  return createPowerShellScriptRunner({ programs: MODELLED_PROGRAMS, ...options });
}
