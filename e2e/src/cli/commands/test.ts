import { isImesimError } from "@imesim/contracts/errors";
import type { Command } from "commander";
import { formatPackagingReport, runPackagingTest } from "../../package-test/index.ts";

interface TestOptions {
  app: string;
  setup?: string;
  json?: boolean;
}

/** `imesim test`: check a package and its app definition before uploading; exit 0 pass, 1 would fail in Intune, 2 bad input. */
export function registerTest(program: Command): void {
  program
    .command("test")
    .description(
      "Test a Win32 package before upload: package checks, a lint of the app definition, what every return code does, and a verdict.\n" +
        "Exit code 0 when it would install, 1 when it would fail in Intune, 2 when the input is invalid.",
    )
    .argument("<package>", "the source folder or the .intunewin")
    .requiredOption(
      "--app <file>",
      "app definition: Graph win32LobApp JSON, an IME policy from a log, or the short form",
    )
    .option(
      "--setup <file>",
      "the setup file of a source folder (as IntuneWinAppUtil -s); a .intunewin names its own",
    )
    .option("--json", "print the report as JSON (for CI)")
    .action(async (packagePath: string, options: TestOptions) => {
      try {
        const report = await runPackagingTest({
          packagePath,
          appPath: options.app,
          ...(options.setup === undefined ? {} : { setupFile: options.setup }),
        });
        process.stdout.write(
          options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatPackagingReport(report),
        );
        process.exitCode = report.verdict.passed ? 0 : 1;
      } catch (error) {
        if (!isImesimError(error)) throw error;
        process.stderr.write(`imesim test: ${error.message}\n`);
        process.exitCode = 2;
      }
    });
}
