// Running detection and requirement scripts (ime.md §7.5, §7.6). By default a script's outcome is scripted by
// the scenario (exit code, stdout, stderr, or a function of the device); a real pwsh can run it instead when
// one is installed and the scenario allows it.
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ImesimError } from "@imesim/contracts/errors";
import type { Host, ProcessContext } from "../types.ts";

/** One script the IME runs through AgentExecutor. */
export interface ScriptRequest {
  /** Win32 rules, or (issue 16) a platform script, a remediation's detection or its remediation script. */
  readonly purpose: "detection" | "requirement" | "platformScript" | "remediationDetection" | "remediation";
  /** The app's id, or the script policy's id for platform scripts and remediations. */
  readonly appId?: string;
  /** Where the IME wrote the script, when the caller knows (platform scripts, remediations; ime.md §11b). */
  readonly scriptPath?: string;
  /** The script text, decoded from the policy's base64 `ScriptBody` (BOM removed). */
  readonly script: string;
  /** SYSTEM or the user; 32-bit when `RunAs32Bit` (SysWOW64 PowerShell). */
  readonly context: ProcessContext;
  readonly enforceSignatureCheck: boolean;
  /** 3600000 for the IME's detection scripts (ime.md §7.5). */
  readonly timeoutMs: number;
}

/** What the PowerShell process left behind. */
export interface ScriptResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /**
   * How long the script runs on the device's clock, when a scripted result says so (a hung script); the
   * platform-script and remediation runners use it to time the process and kill it at its timeout.
   */
  readonly durationMs?: number;
}

/**
 * Runs scripts synchronously: rules stay plain functions, and scripted results need no waiting. (A real pwsh
 * blocks the process while it runs; it is meant for testing one package, not for fleets.)
 */
export interface ScriptRunner {
  run(request: ScriptRequest, host: Host): ScriptResult;
}

/** A scripted outcome: fixed fields (missing ones: exit 0, no output), or computed from the device. */
export type ScriptedResult = Partial<ScriptResult> | ((request: ScriptRequest, host: Host) => ScriptResult);

/** Which scripts a scripted result answers: every condition given must hold. */
export interface ScriptedScript {
  /** The script text contains this (case-sensitive), e.g. a path or a marker comment. */
  readonly contains?: string;
  readonly appId?: string;
  readonly purpose?: ScriptRequest["purpose"];
  readonly result: ScriptedResult;
}

function answer(result: ScriptedResult, request: ScriptRequest, host: Host): ScriptResult {
  if (typeof result === "function") return result(request, host);
  return {
    exitCode: result.exitCode ?? 0,
    stdout: result.stdout ?? "",
    stderr: result.stderr ?? "",
    ...(result.durationMs === undefined ? {} : { durationMs: result.durationMs }),
  };
}

/**
 * A runner that answers each script with the first matching scripted result, then `fallback`; a script that
 * nothing answers throws SCRIPT_NOT_SCRIPTED, naming it, so a scenario never passes by accident.
 */
export function createScriptedRunner(
  scripts: readonly ScriptedScript[],
  fallback?: ScriptedResult,
): ScriptRunner {
  return {
    run(request, host) {
      const match = scripts.find(
        (s) =>
          (s.contains === undefined || request.script.includes(s.contains)) &&
          (s.appId === undefined || s.appId.toLowerCase() === request.appId?.toLowerCase()) &&
          (s.purpose === undefined || s.purpose === request.purpose),
      );
      const result = match?.result ?? fallback;
      if (result === undefined) {
        const firstLine = request.script.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
        throw new ImesimError(
          "SCRIPT_NOT_SCRIPTED",
          `no scripted result for the ${request.purpose} script of app ${request.appId ?? "(none)"} starting "${firstLine.slice(0, 80)}"`,
        );
      }
      return answer(result, request, host);
    },
  };
}

export interface PwshRunnerOptions {
  /** The pwsh executable (a path, or a name found on PATH). */
  readonly pwshPath: string;
}

/**
 * A runner that runs scripts with a real PowerShell on this machine. The script sees this machine, not the
 * virtual device: use it for scripts that compute their answer, not ones that probe the device.
 */
export function createPwshScriptRunner(options: PwshRunnerOptions): ScriptRunner {
  return {
    run(request) {
      const folder = mkdtempSync(join(tmpdir(), "imesim-script-"));
      try {
        const file = join(folder, `${request.appId ?? "script"}_1.ps1`);
        writeFileSync(file, request.script);
        const child = spawnSync(
          options.pwshPath,
          ["-NoLogo", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File", file],
          { encoding: "utf8", timeout: request.timeoutMs, windowsHide: true },
        );
        if (child.error !== undefined && (child.error as NodeJS.ErrnoException).code === "ENOENT") {
          throw new ImesimError("SCRIPT_RUNNER_UNAVAILABLE", `pwsh not found at "${options.pwshPath}"`, {
            cause: child.error,
          });
        }
        // Killed at the timeout, or crashed: no exit code of its own; the IME then sees -1 (ime.md §7.5).
        return { exitCode: child.status ?? -1, stdout: child.stdout ?? "", stderr: child.stderr ?? "" };
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}

/** The path of a `pwsh` on this machine's PATH (or `pathVariable`), or undefined when none is installed. */
export function locatePwsh(pathVariable: string = process.env.PATH ?? ""): string | undefined {
  for (const folder of pathVariable.split(delimiter)) {
    if (folder === "") continue;
    for (const name of process.platform === "win32" ? ["pwsh.exe"] : ["pwsh"]) {
      const candidate = join(folder, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not in this folder; keep looking.
      }
    }
  }
  return undefined;
}
