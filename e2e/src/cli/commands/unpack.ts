import { isImesimError } from "@imesim/contracts/errors";
import { IntunewinErrorCode, unpackPackage } from "@imesim/contracts/intunewin";
import type { Command } from "commander";
import { CodecExit, progressReporter, reportCodecError } from "./pack.ts";
import { listenForStop, stopExitCode } from "./stop-signals.ts";

interface UnpackCommandOptions {
  output: string;
  force?: boolean;
}

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
      const stop = listenForStop();
      try {
        const result = await unpackPackage(packagePath, options.output, {
          overwrite: options.force === true,
          onProgress: progress.update,
          signal: stop.signal,
        });
        progress.stop();
        for (const entry of result.entries)
          process.stdout.write(`${entry.path}${entry.isDirectory ? "/" : ""}\n`);
        process.exitCode = CodecExit.ok;
      } catch (error) {
        progress.stop();
        const stoppedBy = stop.stoppedBy();
        if (stoppedBy !== undefined && isImesimError(error, IntunewinErrorCode.aborted)) {
          process.stderr.write(
            `imesim unpack: stopped by ${stoppedBy}; ${options.output} was not changed [${error.code}]\n`,
          );
          process.exitCode = stopExitCode(stoppedBy);
        } else {
          reportCodecError("unpack", error);
        }
      } finally {
        stop.release();
      }
    });
}
