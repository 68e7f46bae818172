// Programs started from PowerShell (`& msiexec.exe /i …`, `Start-Process setup.exe -Wait`, a bare
// `reg add …`): found on the device's PATH as a process of this bitness sees it, announced to the scenario's
// resolver, then run by the launcher's table (msiexec, cmd, reg, …). Batch files go to cmd.exe, packages
// to msiexec, and a program on the device without declared behaviour exits 0 (cmd's choice, the same here).

import { modelledProgramAt } from "../../process/process-view.ts";
import {
  type CallerProcess,
  type ProgramInvocation,
  type ProgramResult,
  splitArguments,
} from "../../process/program.ts";
import { baseName, joinPath } from "../../process/windows-path.ts";
import { isSysnativePath } from "../../process/wow64.ts";
import type { PsProcess } from "./interpreter.ts";

const DEFAULT_PATHEXT = ".COM;.EXE;.BAT;.CMD";

/** The result of a start, or a promise of it when the program works asynchronously (msiexec). */
export type Started = ProgramResult | Promise<ProgramResult>;

/** Applies `f` now, or when the promise settles. */
export function after<T, U>(value: T | Promise<T>, f: (value: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** Where a program name leads on the device; `searchWorkingFolder` for Start-Process (PowerShell's `&` does not). */
export function findProgram(ps: PsProcess, name: string, searchWorkingFolder: boolean): string | undefined {
  const extensions = (ps.environment.get("PATHEXT") ?? DEFAULT_PATHEXT).split(";").filter((e) => e !== "");
  const candidates = /\.[^.\\]+$/.test(baseName(name))
    ? [name]
    : [name, ...extensions.map((ext) => name + ext.toLowerCase())];
  const hasFolder = /[\\/:]/.test(name);
  const folders = hasFolder
    ? [ps.cwd]
    : [
        ...(searchWorkingFolder ? [ps.cwd] : []),
        ...(ps.environment.get("PATH") ?? "").split(";").filter((f) => f.trim() !== ""),
      ];
  for (const folder of folders) {
    for (const candidate of candidates) {
      const full = hasFolder ? ps.fullPath(candidate) : ps.fullPath(joinPath(folder, candidate));
      if (ps.stat(full)?.kind === "file" || modelledProgramAt(ps, full) !== undefined) return full;
    }
  }
  return undefined;
}

/** Quotes arguments the way Windows PowerShell 5.1 builds a native command line (spaces → quotes). */
export function nativeCommandLine(argv: readonly string[]): string {
  return argv.map((a) => (a === "" ? '""' : /\s/.test(a) && !/^".*"$/.test(a) ? `"${a}"` : a)).join(" ");
}

/**
 * Starts a program found at `path` with `args`: the resolver first (the scenario's declared behaviour,
 * and how `imesim test` learns what ran), then the modelled programs.
 */
export function startProgram(
  ps: PsProcess,
  name: string,
  path: string | undefined,
  args: string,
  workingDirectory: string,
): Started | undefined {
  const bitness = path !== undefined && isSysnativePath(path, ps.windowsFolder()) ? 64 : ps.context.bitness;
  const invocation: ProgramInvocation = {
    name,
    path,
    args,
    argv: splitArguments(args),
    workingDirectory,
    context: { ...ps.context, bitness },
  };
  const declared = ps.resolver?.(invocation, ps.host);
  return after(declared, (result): Started | undefined => {
    if (result !== undefined) return result;
    if (path === undefined) return undefined;
    const extension = /\.[^.\\]+$/.exec(path)?.[0]?.toLowerCase() ?? "";
    const model = modelledProgramAt(ps, path);
    if (model !== undefined) return captured(ps, (caller) => model(invocation, caller));
    const cmd = ps.programs.get("cmd.exe");
    if ((extension === ".cmd" || extension === ".bat") && cmd !== undefined)
      return captured(ps, (caller) => cmd({ ...invocation, args: `/c ""${path}" ${args}"` }, caller));
    const msiexec = ps.programs.get("msiexec.exe");
    if (extension === ".msi" && msiexec !== undefined)
      return msiexec({ ...invocation, args: `/i "${path}" ${args}` }, ps);
    return { exitCode: 0 };
  }) as Started | undefined;
}

/**
 * Runs a program with its own output streams (a child cmd writes to its console, which PowerShell reads
 * as the program's output) and folds what it wrote into its result.
 */
function captured(ps: PsProcess, run: (caller: CallerProcess) => Started): Started {
  let stdout = "";
  let stderr = "";
  const caller: CallerProcess = {
    host: ps.host,
    context: ps.context,
    cwd: ps.cwd,
    environment: ps.environment,
    stdin: "",
    resolver: ps.resolver,
    world: ps.world,
    programs: ps.programs,
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
    now: () => ps.now(),
    fullPath: (path) => ps.fullPath(path),
    devicePath: (path) => ps.devicePath(path),
    stat: (path) => ps.stat(path),
    readText: (path) => ps.readText(path),
  };
  return after(run(caller), (result) => ({
    ...result,
    stdout: stdout + (result.stdout ?? ""),
    stderr: stderr + (result.stderr ?? ""),
  }));
}
