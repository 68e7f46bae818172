import { isImesimError } from "@imesim/contracts/errors";
import { IntunewinErrorCode, unpackPackage } from "@imesim/contracts/intunewin";
import type { Command } from "commander";
import { CodecExit, progressReporter, reportCodecError } from "./pack.ts";

interface UnpackCommandOptions {
  output: string;
  force?: boolean;
}

// A shell reports a process ended by a signal as 128 + the signal's number; a stopped unpack exits the same way.
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;

/** `imesim unpack <package> -o <folder>`: verifies everything, then extracts; the folder is untouched on failure. */
export function registerUnpack(program: Command): void {
  program
    .command("unpack")
    .description("Verify a .intunewin (MAC, IV, digest, sizes, CRCs) and extract its content")
    .argument("<package>", "the .intunewin package")
    .requiredOption("-o, --output <folder>", "folder to extract into (must not exist or be empty)")
    .option("-f, --force", "replace the output folder if it has content")
    .action(async (packagePath: string, options: UnpackCommandOptions) => {
      const progress = progressReporter("verifying and extracting");
      // Ctrl-C or a stop request aborts the unpack, which removes its staging folder before the process ends.
      const controller = new AbortController();
      let stoppedBy: StopSignal | undefined;
      const stop = (signal: StopSignal): void => {
        stoppedBy ??= signal;
        controller.abort(new Error(`stopped by ${signal}`));
      };
      const onInterrupt = (): void => stop("SIGINT");
      const onTerminate = (): void => stop("SIGTERM");
      process.on("SIGINT", onInterrupt);
      process.on("SIGTERM", onTerminate);
      try {
        const result = await unpackPackage(packagePath, options.output, {
          overwrite: options.force === true,
          onProgress: progress.update,
          signal: controller.signal,
        });
        progress.stop();
        for (const entry of result.entries)
          process.stdout.write(`${entry.path}${entry.isDirectory ? "/" : ""}\n`);
        process.exitCode = CodecExit.ok;
      } catch (error) {
        progress.stop();
        if (stoppedBy !== undefined && isImesimError(error, IntunewinErrorCode.aborted)) {
          process.stderr.write(
            `imesim unpack: stopped by ${stoppedBy}; ${options.output} was not changed [${error.code}]\n`,
          );
          process.exitCode = SIGNAL_EXIT[stoppedBy];
        } else {
          reportCodecError("unpack", error);
        }
      } finally {
        process.off("SIGINT", onInterrupt);
        process.off("SIGTERM", onTerminate);
      }
    });
}
