import { isImesimError } from "@imesim/contracts/errors";
import type { Command } from "commander";

interface TestOptions {
  app: string;
  setup?: string;
  json?: boolean;
  strict?: boolean;
  web: string[];
  offline?: boolean;
  catalogue?: string;
}

/**
 * `imesim test`: check a package and its app definition before uploading; exit 0 pass (or inconclusive),
 * 1 would fail in Intune (or inconclusive with --strict), 2 bad input.
 */
export function registerTest(program: Command): void {
  program
    .command("test")
    .description(
      "Test a Win32 package before upload: package checks, a lint of the app definition, what every return code does, and a verdict.\n" +
        "Verdict PASS, FAIL, or INCONCLUSIVE when the simulated install runs programs imesim does not model (JSON: verdict.conclusive false).\n" +
        "Exit code 0 for PASS and for INCONCLUSIVE (1 with --strict), 1 when it would fail in Intune, 2 when the input is invalid.",
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
    .option("--strict", "exit 1 on an INCONCLUSIVE verdict as well, not only on FAIL")
    .option(
      "--web <url=file>",
      "serve <file> for <url> on the device's modelled internet (repeatable); nothing touches the real network",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option("--offline", "every download fails as on a device without network (a conclusive verdict)")
    .option(
      "--catalogue <file>",
      "YAML/JSON list of packages choco/winget can install (an id not listed: no package found)",
    )
    .action(async (packagePath: string, options: TestOptions) => {
      // The simulated device loads when the command runs (see commands/index.ts).
      const { formatPackagingReport, runPackagingTest } = await import("../../package-test/index.ts");
      try {
        const report = await runPackagingTest({
          packagePath,
          appPath: options.app,
          ...(options.setup === undefined ? {} : { setupFile: options.setup }),
          world: {
            web: options.web,
            ...(options.offline === true ? { offline: true } : {}),
            ...(options.catalogue === undefined ? {} : { catalogue: options.catalogue }),
          },
        });
        process.stdout.write(
          options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatPackagingReport(report),
        );
        const { outcome } = report.verdict;
        process.exitCode =
          outcome === "FAIL" || (outcome === "INCONCLUSIVE" && options.strict === true) ? 1 : 0;
      } catch (error) {
        if (!isImesimError(error)) throw error;
        process.stderr.write(`imesim test: ${error.message}\n`);
        process.exitCode = 2;
      }
    });
}
