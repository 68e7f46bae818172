// The scripted-effects installer: what running a command line does, as a scenario declares it — per
// command-line match and per attempt, an exit code, a duration, and file and registry changes.
import { ImesimError } from "@imesim/contracts/errors";
import type { Host, ProcessContext, RegistryValue } from "../types.ts";
import type { Installer, InstallOutcome, InstallRequest } from "./types.ts";

/** Changes a finished process leaves on the device. Paths may use %ProgramFiles% etc. (expanded in the process context). */
export interface ScriptedEffects {
  readonly writeFiles?: ReadonlyArray<{
    readonly path: string;
    readonly content?: string;
    readonly version?: string;
  }>;
  readonly removeFiles?: readonly string[];
  readonly setValues?: ReadonlyArray<{
    readonly key: string;
    readonly name: string;
    readonly value: RegistryValue;
  }>;
  readonly removeKeys?: readonly string[];
}

/** One run of the command. */
export interface ScriptedAttempt {
  readonly exitCode: number;
  /** Simulated run time; above the request's timeout the process is abandoned (no exit code). Default 30 s. */
  readonly durationMs?: number;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly effects?: ScriptedEffects;
}

/** Which command lines a behaviour applies to and what each successive run does (the last one repeats). */
export interface ScriptedBehaviour {
  /** A case-insensitive substring of the command line, or a regular expression. */
  readonly match: string | RegExp;
  readonly intent?: "install" | "uninstall";
  readonly appId?: string;
  readonly attempts: readonly ScriptedAttempt[];
}

/** The default run time of a scripted process. */
export const DEFAULT_SCRIPTED_DURATION_MS = 30_000;
/** cmd.exe's exit code for a program it cannot find ("is not recognized as an internal or external command"). */
export const COMMAND_NOT_FOUND_EXIT_CODE = 9009;

function matches(behaviour: ScriptedBehaviour, request: InstallRequest): boolean {
  if (behaviour.intent !== undefined && behaviour.intent !== request.intent) return false;
  if (behaviour.appId !== undefined && behaviour.appId.toLowerCase() !== request.appId.toLowerCase())
    return false;
  if (typeof behaviour.match === "string") {
    return request.commandLine.toLowerCase().includes(behaviour.match.toLowerCase());
  }
  return behaviour.match.test(request.commandLine);
}

/** Applies `effects` in `context` atomically: all changes land or none. */
export function applyScriptedEffects(host: Host, context: ProcessContext, effects: ScriptedEffects): void {
  const expand = (text: string) => host.expandEnvironment(text, context);
  const access = {
    view: context.bitness,
    ...(context.userSid === undefined ? {} : { userSid: context.userSid }),
  };
  host.registry.transaction(() => {
    for (const file of effects.writeFiles ?? []) {
      host.fs.writeFile(
        expand(file.path),
        file.content ?? "",
        file.version === undefined ? undefined : { version: file.version },
      );
    }
    for (const path of effects.removeFiles ?? []) host.fs.remove(expand(path));
    for (const value of effects.setValues ?? [])
      host.registry.setValue(expand(value.key), value.name, value.value, access);
    for (const key of effects.removeKeys ?? []) host.registry.deleteKey(expand(key), access);
  });
}

/**
 * An Installer that plays scripted behaviours. Runs are counted per behaviour across enforcements, so
 * "fails with 1618 four times, then succeeds" spans the retries and the next GRS attempt. A command no
 * behaviour matches goes to `fallback`, or fails as cmd would.
 */
export function createScriptedInstaller(
  behaviours: readonly ScriptedBehaviour[],
  options: { fallback?: Installer } = {},
): Installer & { runsOf(index: number): number } {
  for (const [index, behaviour] of behaviours.entries()) {
    if (behaviour.attempts.length === 0) {
      throw new ImesimError("SCRIPTED_INSTALLER_NO_ATTEMPTS", `behaviour ${index} declares no attempts`, {
        path: `[${index}].attempts`,
      });
    }
  }
  const runs = behaviours.map(() => 0);
  return {
    runsOf: (index) => runs[index] ?? 0,
    async run(request, host): Promise<InstallOutcome> {
      const index = behaviours.findIndex((behaviour) => matches(behaviour, request));
      if (index < 0) {
        if (options.fallback !== undefined) return options.fallback.run(request, host);
        const program = request.commandLine.trim().split(/\s+/)[0] ?? "";
        return {
          exitCode: COMMAND_NOT_FOUND_EXIT_CODE,
          durationMs: 0,
          stdout: "",
          stderr: `'${program}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`,
        };
      }
      const behaviour = behaviours[index]!;
      const run = runs[index]!;
      runs[index] = run + 1;
      const attempt = behaviour.attempts[Math.min(run, behaviour.attempts.length - 1)]!;
      const durationMs = attempt.durationMs ?? DEFAULT_SCRIPTED_DURATION_MS;
      const timedOut = durationMs > request.timeoutMs;
      if (!timedOut && attempt.effects !== undefined)
        applyScriptedEffects(host, request.context, attempt.effects);
      return {
        exitCode: timedOut ? undefined : attempt.exitCode,
        durationMs: Math.min(durationMs, request.timeoutMs),
        stdout: attempt.stdout ?? "",
        stderr: attempt.stderr ?? "",
      };
    },
  };
}
