// The device-side parts a scenario plugs into the agent: the script runner (detection and requirement
// scripts answered as the scenario declares) and the installer (the scenario's scripted behaviours, then
// the agent's command-line model: cmd interpreting the package's scripts, msiexec reading the real .msi).
import { createCommandLineInstaller, createScriptedInstaller } from "@imesim/agent";
import { createInterpretingScriptRunner, createScriptedRunner, type ScriptRunner } from "@imesim/agent/host";
import type { Installer, InstallOutcome, InstallRequest } from "@imesim/agent/host/installer";
import { ImesimError } from "@imesim/contracts/errors";
import type { LoadedScenario } from "../scenario/index.ts";
import { installerBehaviours, scriptedScripts } from "./behaviours.ts";
import { outsideWorldOf } from "./outside-world.ts";
import { programResolverOf } from "./program-behaviours.ts";

/**
 * The scenario's script runner: declared results first; any other script runs on imesim's PowerShell. A
 * script using something imesim does not model answers exit 1 (not detected / not met) and is reported to
 * `onProgramStart` by what stopped it, so `imesim test` calls the run inconclusive rather than guess.
 */
export function scenarioScripts(
  scenario: LoadedScenario | undefined,
  onProgramStart?: (name: string) => void,
  clock?: { now(): number },
): ScriptRunner {
  const resolve = scenario === undefined ? () => undefined : programResolverOf(scenario);
  const interpreter = createInterpretingScriptRunner({
    resolver: (invocation, host) => {
      onProgramStart?.(invocation.name);
      return resolve(invocation, host);
    },
    ...(clock === undefined ? {} : { clock }),
  });
  return createScriptedRunner(scenario === undefined ? [] : scriptedScripts(scenario), (request, host) => {
    try {
      return interpreter.run(request, host);
    } catch (error) {
      if (!(error instanceof ImesimError) || error.code !== "PS_NOT_MODELLED") throw error;
      onProgramStart?.(/`([^`]+)`/.exec(error.message)?.[1] ?? "powershell");
      return { exitCode: 1, stdout: "", stderr: "" };
    }
  });
}

/**
 * The scenario's installer: a command line one of its behaviours matches plays that behaviour; any other
 * runs through the cmd/msiexec model, where programs it does not model get the scenario's `programs`.
 */
export function scenarioInstaller(
  scenario: LoadedScenario,
  /** Told every program start; `detail` is its arguments (a not-modelled message names the line). */
  onProgramStart?: (name: string, detail?: string) => void,
  clock?: { now(): number },
): ReturnType<typeof createScriptedInstaller> {
  const resolve = programResolverOf(scenario);
  const fallback = createCommandLineInstaller({
    programs: (invocation, host) => {
      onProgramStart?.(invocation.name, invocation.args);
      return resolve(invocation, host);
    },
    ...(clock === undefined ? {} : { clock }),
    // Downloads and package managers answer from the scenario's web: and packages: (issue 15).
    world: outsideWorldOf(scenario),
  });
  return createScriptedInstaller(installerBehaviours(scenario), { fallback });
}

/** Told each install or uninstall command line as it ends, with its exit code and console output. */
export type InstallObserver = (request: InstallRequest, outcome: InstallOutcome) => void;

/** The installer unchanged, with `observer` told every command line it ran (none: the installer itself). */
export function observedInstaller(installer: Installer, observer: InstallObserver | undefined): Installer {
  if (observer === undefined) return installer;
  return {
    async run(request, host) {
      const outcome = await installer.run(request, host);
      observer(request, outcome);
      return outcome;
    },
  };
}
