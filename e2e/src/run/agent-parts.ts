// The device-side parts a scenario plugs into the agent: the script runner (detection and requirement
// scripts answered as the scenario declares) and the installer (the scenario's scripted behaviours).
import { createScriptedInstaller } from "@imesim/agent";
import { createScriptedRunner, type ScriptRunner } from "@imesim/agent/host";
import type { LoadedScenario } from "../scenario/index.ts";
import { installerBehaviours, scriptedScripts } from "./behaviours.ts";

/** The scenario's script runner: declared results; an undeclared script exits 1 with no output (not detected / not met). */
export function scenarioScripts(scenario: LoadedScenario): ScriptRunner {
  return createScriptedRunner(scriptedScripts(scenario), { exitCode: 1, stdout: "", stderr: "" });
}

/** The scenario's installer: its scripted behaviours; a command none matches fails as cmd would (9009). */
export function scenarioInstaller(scenario: LoadedScenario): ReturnType<typeof createScriptedInstaller> {
  return createScriptedInstaller(installerBehaviours(scenario));
}
