import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.ts";

const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** Builds the `imesim` command tree; exported so tests can drive it without a child process. */
export function buildProgram(): Command {
  const program = new Command("imesim")
    .description(
      "Simulate the Microsoft Intune Management Extension (IME) and the Intune service it talks to.\n" +
        "Pack and check .intunewin packages, run scenarios on virtual Windows devices, watch every step.",
    )
    .version(packageJson.version, "-V, --version", "print the imesim version")
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI with process-style argv and returns the exit code instead of exiting. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0; usage errors with 1 → 2 (bad input).
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
}
