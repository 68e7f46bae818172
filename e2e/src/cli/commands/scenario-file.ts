import { isImesimError } from "@imesim/contracts/errors";
import type { LoadedScenario, LoadOptions } from "../../scenario/index.ts";

/**
 * Loads a scenario file for a command. An invalid file is the user's input error: its message (with
 * `file:line:col` and the YAML path) goes to stderr, the exit code becomes 2, and the result is undefined.
 */
export async function loadScenarioOrExit(
  file: string,
  options: LoadOptions = {},
): Promise<LoadedScenario | undefined> {
  // The loader (schema compiler, YAML) loads on use, like the other heavy parts (commands/index.ts).
  const { loadScenarioFile } = await import("../../scenario/index.ts");
  try {
    return loadScenarioFile(file, undefined, options);
  } catch (error) {
    if (!isImesimError(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
    return undefined;
  }
}
