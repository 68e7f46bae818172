// Detection and requirement scripts interpreted on the virtual device, as AgentExecutor runs them
// (ime.md §7.5, §11b): `powershell.exe -NoProfile -executionPolicy bypass -file` from the IME's folder,
// 64-bit unless RunAs32Bit, as SYSTEM or the user; an unsigned script with EnforceSignatureCheck never runs
// (exit 1, no output). A construct imesim does not model stops the evaluation with PS_NOT_MODELLED naming
// its line, so a verdict never rests on a guess.
import { ImesimError } from "@imesim/contracts/errors";
import { processEnvironment } from "../../process/process-environment.ts";
import type { ProgramResolver, ProgramTable } from "../../process/program.ts";
import type { ScriptRunner } from "../../scripts/script-runner.ts";
import { runPowerShellSync } from "./powershell.ts";

const IME_FOLDER = "C:\\Program Files (x86)\\Microsoft Intune Management Extension";

export interface PowerShellScriptRunnerOptions {
  readonly programs: ProgramTable;
  readonly resolver?: ProgramResolver;
  /** The agent's clock (virtual time in simulations) for Get-Date; the wall clock when absent. */
  readonly clock?: { now(): number };
}

/** A ScriptRunner that interprets the script with imesim's PowerShell. */
export function createPowerShellScriptRunner(options: PowerShellScriptRunnerOptions): ScriptRunner {
  return {
    run(request, host) {
      // A signature block we cannot verify counts as trusted (our choice); no block at all is refused.
      if (request.enforceSignatureCheck && !/# SIG # Begin signature block/.test(request.script)) {
        return { exitCode: 1, stdout: "", stderr: "" };
      }
      const folder = request.purpose === "detection" ? "DetectionScripts" : "RequirementScripts";
      const result = runPowerShellSync({
        host,
        context: request.context,
        environment: processEnvironment(host, request.context),
        cwd: IME_FOLDER,
        script: request.script,
        scriptPath:
          request.scriptPath ?? `${IME_FOLDER}\\Content\\${folder}\\${request.appId ?? "script"}_1.ps1`,
        mode: "file",
        resolver: options.resolver,
        programs: options.programs,
        startedAtMs: options.clock?.now() ?? Date.now(),
      });
      if (result.notModelled !== undefined) {
        throw new ImesimError(
          "PS_NOT_MODELLED",
          `the ${request.purpose} script of app ${request.appId ?? "(none)"}: ${result.notModelled}`,
        );
      }
      if (result.elapsedMs > request.timeoutMs) return { exitCode: -1, stdout: "", stderr: "" };
      return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    },
  };
}
