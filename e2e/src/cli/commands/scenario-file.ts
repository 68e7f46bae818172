import { isImesimError } from "@imesim/contracts/errors";
import { type LoadedScenario, loadScenarioFile } from "../../scenario/index.ts";

/**
 * Loads a scenario file for a command. An invalid file is the user's input error: its message (with
 * `file:line:col` and the YAML path) goes to stderr, the exit code becomes 2, and the result is undefined.
 */
export function loadScenarioOrExit(file: string): LoadedScenario | undefined {
  try {
    return loadScenarioFile(file);
  } catch (error) {
    if (!isImesimError(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
    return undefined;
  }
}
