// Creating cmd processes on the device: the environment block for the context, the built-ins, the
// external-program runner, and the entry points for `cmd /c <line>` and running a script file.

import type { Environment } from "../../process/environment.ts";
import type { OutsideWorld } from "../../process/outside-world.ts";
import { processEnvironment } from "../../process/process-environment.ts";
import type { ProgramResolver, ProgramTable } from "../../process/program.ts";
import type { Host, ProcessContext } from "../../types.ts";
import { runBatchFile } from "./batch-file.ts";
import { builtinCommands } from "./builtins.ts";
import { CmdProcess, type Sink } from "./cmd-process.ts";
import { runExternal } from "./external.ts";
import { forValues } from "./for-loop.ts";

export interface CmdRunOptions {
  readonly host: Host;
  readonly context: ProcessContext;
  /** The working folder (absolute). */
  readonly cwd: string;
  readonly resolver?: ProgramResolver;
  /** The modelled internet and package catalogue (outside-world.ts). */
  readonly world?: OutsideWorld;
  /** The launcher's table: the programs this process (and its children) can start. */
  readonly programs: ProgramTable;
  /** The environment to start from; by default the context's block from the host. */
  readonly environment?: Environment;
  readonly delayedExpansion?: boolean;
  /** Simulated ms after which the process is abandoned. */
  readonly deadlineMs?: number;
  /** The simulated time the process starts at (%DATE%, %TIME%); the wall clock when absent. */
  readonly startedAtMs?: number;
  readonly stdout?: Sink;
  readonly stderr?: Sink;
}

/** What a cmd process did: its exit code, its output, and how long it ran in simulated time. */
export interface CmdRunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
  /** True when the process hit its deadline (or looped without end) and was abandoned. */
  readonly timedOut: boolean;
}

/** Creates a cmd process on the device (for callers that drive it step by step). */
export function createCmdProcess(
  options: CmdRunOptions & { stdout: Sink; stderr: Sink; startedWith?: string },
): CmdProcess {
  return new CmdProcess({
    host: options.host,
    context: options.context,
    environment: options.environment ?? processEnvironment(options.host, options.context),
    cwd: options.cwd,
    builtins: builtinCommands,
    runExternal,
    forValues,
    resolver: options.resolver,
    world: options.world,
    programs: options.programs,
    stdout: options.stdout,
    stderr: options.stderr,
    delayedExpansion: options.delayedExpansion ?? false,
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
    ...(options.startedWith === undefined ? {} : { startedWith: options.startedWith }),
    ...(options.startedAtMs === undefined ? {} : { startedAtMs: options.startedAtMs }),
  });
}

async function run(
  options: CmdRunOptions,
  startedWith: string,
  work: (process: CmdProcess) => Promise<number>,
): Promise<CmdRunResult> {
  let stdout = "";
  let stderr = "";
  const process = createCmdProcess({
    ...options,
    startedWith,
    stdout: options.stdout ?? { write: (text) => (stdout += text) },
    stderr: options.stderr ?? { write: (text) => (stderr += text) },
  });
  let exitCode: number;
  try {
    exitCode = await work(process);
  } finally {
    process.flushOutput();
  }
  return { exitCode, stdout, stderr, elapsedMs: process.elapsedMs, timedOut: process.timedOut };
}

/** Runs `text` as `cmd /c text` does and returns the process's exit code and output. */
export function runCmdLine(text: string, options: CmdRunOptions): Promise<CmdRunResult> {
  return run(options, text, async (process) => {
    const flow = await process.runLine(text);
    return flow?.kind === "exit-process" ? flow.code : process.errorLevel;
  });
}

/** Runs a batch file (absolute path on the device) with its argument text, as `cmd /c script args` does. */
export function runCmdScript(
  scriptPath: string,
  argsText: string,
  options: CmdRunOptions,
): Promise<CmdRunResult> {
  return run(options, `"${scriptPath}" ${argsText}`.trimEnd(), async (process) => {
    const flow = await runBatchFile(process, scriptPath, scriptPath, argsText);
    return flow?.kind === "exit-process" ? flow.code : process.errorLevel;
  });
}
