// Running a PowerShell script on the device, as powershell.exe does: its exit code (`exit N`; 1 after an
// uncaught terminating error; with -Command, 1 when the last statement failed), its console output, and the
// simulated time it took. Detection and requirement scripts run synchronously; install scripts may wait for
// the programs they start. A construct imesim does not model ends the run with PS_NOT_MODELLED naming it.
import { ImesimError } from "@imesim/contracts/errors";
import type { Environment } from "../../process/environment.ts";
import type { OutsideWorld } from "../../process/outside-world.ts";
import type { ProgramResolver, ProgramTable, Sink } from "../../process/program.ts";
import type { Host, ProcessContext } from "../../types.ts";
import type { ScriptBlockAst } from "./ast.ts";
import { ITEM_CMDLETS } from "./cmdlets-items.ts";
import { JSON_CMDLETS } from "./cmdlets-json.ts";
import { OBJECT_CMDLETS } from "./cmdlets-objects.ts";
import { SYSTEM_CMDLETS } from "./cmdlets-system.ts";
import { WEB_CMDLETS } from "./cmdlets-web.ts";
import { type Cmdlet, PsProcess, type Run } from "./interpreter.ts";
import { numberOf } from "./operators.ts";
import { parseScript } from "./parser.ts";
import { PSADT_CMDLETS } from "./psadt.ts";
import { FlowSignal, TerminatingError } from "./signals.ts";
import type { PsValue } from "./values.ts";

/** Every cmdlet imesim models, by lower-case name. */
export const POWERSHELL_CMDLETS: ReadonlyMap<string, Cmdlet> = new Map([
  ...ITEM_CMDLETS,
  ...JSON_CMDLETS,
  ...OBJECT_CMDLETS,
  ...SYSTEM_CMDLETS,
  ...WEB_CMDLETS,
  ...PSADT_CMDLETS,
]);

export interface PowerShellRunOptions {
  readonly host: Host;
  readonly context: ProcessContext;
  readonly environment: Environment;
  readonly cwd: string;
  /** The script's text (a file's contents, or the -Command text). */
  readonly script: string;
  /** The script file, for $PSScriptRoot and messages; undefined for -Command. */
  readonly scriptPath?: string;
  readonly args?: readonly string[];
  /** `-File` semantics (exit code 0 unless `exit N` or an uncaught error) or `-Command` ($? of the last statement). */
  readonly mode: "file" | "command";
  readonly resolver: ProgramResolver | undefined;
  /** The modelled internet and package catalogue; undefined: a download stops the run as not modelled. */
  readonly world?: OutsideWorld | undefined;
  readonly programs: ProgramTable;
  readonly startedAtMs: number;
  readonly stdout?: Sink;
  readonly stderr?: Sink;
  /** Extra natively modelled commands (PSADT's functions), merged over the cmdlets. */
  readonly cmdlets?: ReadonlyMap<string, Cmdlet>;
}

export interface PowerShellResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
  /** The located message when the script used something imesim does not model; the run stopped there. */
  readonly notModelled: string | undefined;
}

/** Binds `-Name value` pairs from a -File argument list the way a script's param block receives them. */
function splitScriptArguments(args: readonly string[]): {
  named: Map<string, PsValue>;
  positional: PsValue[];
} {
  const named = new Map<string, PsValue>();
  const positional: PsValue[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const m = /^-([A-Za-z_][\w]*)(?::(.*))?$/.exec(arg);
    if (m === null) {
      positional.push(arg);
      continue;
    }
    if (m[2] !== undefined)
      named.set(m[1]!.toLowerCase(), m[2] === "$true" ? true : m[2] === "$false" ? false : m[2]);
    else if (i + 1 < args.length && !args[i + 1]!.startsWith("-")) {
      named.set(m[1]!.toLowerCase(), args[i + 1]!);
      i += 1;
    } else named.set(m[1]!.toLowerCase(), true);
  }
  return { named, positional };
}

function* execute(ps: PsProcess, block: ScriptBlockAst, options: PowerShellRunOptions): Run<number> {
  const { named, positional } = splitScriptArguments(options.args ?? []);
  try {
    yield* ps.runScript(block, positional, named);
  } catch (signal) {
    if (signal instanceof FlowSignal && signal.kind === "exit")
      return signal.value === null ? 0 : numberOf(signal.value, 0) | 0;
    if (signal instanceof TerminatingError) {
      ps.emit(
        ps.stderr,
        `${signal.message}\r\nAt ${ps.scriptName()}:${signal.line} char:1\r\n    + CategoryInfo          : NotSpecified: (:) [], ${signal.exceptionTypes[0]?.split(".").pop() ?? "RuntimeException"}\r\n`,
      );
      return 1;
    }
    if (signal instanceof FlowSignal) return 0;
    throw signal;
  } finally {
    if (ps.transcript !== undefined) ps.writeText(ps.transcript.path, ps.transcript.text);
  }
  return options.mode === "command" && !ps.lastSuccess ? 1 : 0;
}

function createProcess(
  options: PowerShellRunOptions,
  synchronous: boolean,
  out: { stdout: string; stderr: string },
): PsProcess {
  const cmdlets =
    options.cmdlets === undefined ? POWERSHELL_CMDLETS : new Map([...POWERSHELL_CMDLETS, ...options.cmdlets]);
  return new PsProcess({
    host: options.host,
    context: options.context,
    environment: options.environment,
    cwd: options.cwd,
    resolver: options.resolver,
    world: options.world,
    programs: options.programs,
    cmdlets,
    stdout: options.stdout ?? { write: (text) => (out.stdout += text) },
    stderr: options.stderr ?? { write: (text) => (out.stderr += text) },
    startedAtMs: options.startedAtMs,
    scriptPath: options.scriptPath,
    synchronous,
  });
}

function notModelled(error: unknown, options: PowerShellRunOptions): string | undefined {
  if (
    !(error instanceof ImesimError) ||
    (error.code !== "PS_NOT_MODELLED" && error.code !== "PS_SYNTAX_ERROR" && error.code !== "PS_LOOP_LIMIT")
  )
    return undefined;
  const where = options.scriptPath ?? "-Command";
  return error.message.startsWith(where) ? error.message : `${where} ${error.message}`;
}

/** Runs a script synchronously (detection and requirement scripts); a program that must be awaited stops it. */
export function runPowerShellSync(options: PowerShellRunOptions): PowerShellResult {
  const out = { stdout: "", stderr: "" };
  const ps = createProcess(options, true, out);
  try {
    const block = parseScript(options.script, options.scriptPath ?? "-Command");
    const run = execute(ps, block, options);
    const step = run.next();
    if (!step.done) {
      void step.value.catch(() => undefined);
      throw new ImesimError(
        "PS_NOT_MODELLED",
        "starting a program that runs asynchronously (cmd, powershell, msiexec) from a detection or requirement script is not modelled",
      );
    }
    return { exitCode: step.value, ...out, elapsedMs: ps.elapsedMs, notModelled: undefined };
  } catch (error) {
    const message = notModelled(error, options);
    if (message === undefined) throw error;
    return { exitCode: 1, ...out, elapsedMs: ps.elapsedMs, notModelled: message };
  }
}

/** Runs a script, waiting for the programs it starts (install scripts). */
export async function runPowerShell(options: PowerShellRunOptions): Promise<PowerShellResult> {
  const out = { stdout: "", stderr: "" };
  const ps = createProcess(options, false, out);
  try {
    const block = parseScript(options.script, options.scriptPath ?? "-Command");
    const run = execute(ps, block, options);
    let step = run.next();
    while (!step.done) {
      let value: unknown;
      try {
        value = await step.value;
      } catch (error) {
        step = run.throw(error);
        continue;
      }
      step = run.next(value);
    }
    return { exitCode: step.value, ...out, elapsedMs: ps.elapsedMs, notModelled: undefined };
  } catch (error) {
    const message = notModelled(error, options);
    if (message === undefined) throw error;
    return { exitCode: 1, ...out, elapsedMs: ps.elapsedMs, notModelled: message };
  }
}
