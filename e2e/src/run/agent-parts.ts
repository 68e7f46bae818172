// The device-side parts a scenario plugs into the agent: the script runner (detection and requirement
// scripts answered as the scenario declares) and the installer (the scenario's scripted behaviours, then
// the agent's command-line model: cmd interpreting the package's scripts, msiexec reading the real .msi).
import { createCommandLineInstaller, createScriptedInstaller } from "@imesim/agent";
import { createScriptedRunner, type ScriptRunner } from "@imesim/agent/host";
import type { LoadedScenario } from "../scenario/index.ts";
import { installerBehaviours, scriptedScripts } from "./behaviours.ts";
import { programResolverOf } from "./program-behaviours.ts";

/** The scenario's script runner: declared results; an undeclared script exits 1 with no output (not detected / not met). */
export function scenarioScripts(scenario: LoadedScenario | undefined): ScriptRunner {
  return createScriptedRunner(scenario === undefined ? [] : scriptedScripts(scenario), {
    exitCode: 1,
    stdout: "",
    stderr: "",
  });
}

/**
 * The scenario's installer: a command line one of its behaviours matches plays that behaviour; any other
 * runs through the cmd/msiexec model, where programs it does not model get the scenario's `programs`.
 */
export function scenarioInstaller(
  scenario: LoadedScenario,
  onProgramStart?: (name: string) => void,
  clock?: { now(): number },
): ReturnType<typeof createScriptedInstaller> {
  const resolve = programResolverOf(scenario);
  const fallback = createCommandLineInstaller({
    programs: (invocation, host) => {
      onProgramStart?.(invocation.name);
      return resolve(invocation, host);
    },
    ...(clock === undefined ? {} : { clock }),
  });
  return createScriptedInstaller(installerBehaviours(scenario), { fallback });
}
