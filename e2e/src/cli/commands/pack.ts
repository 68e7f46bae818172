import { isImesimError } from "@imesim/contracts/errors";
import { IntunewinErrorCode, packFolder } from "@imesim/contracts/intunewin";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { listenForStop, stopExitCode } from "./stop-signals.ts";

/** Exit codes of the codec commands: 0 done, 1 the package failed verification, 2 unusable input. */
export const CodecExit = { ok: 0, failed: 1, invalidInput: 2 } as const;

// Errors that mean "what you gave me cannot be used" rather than "the package is bad".
const INVALID_INPUT_CODES = new Set<string>([
  IntunewinErrorCode.sourceFolderInvalid,
  IntunewinErrorCode.setupFileMissing,
  IntunewinErrorCode.outputExists,
  IntunewinErrorCode.outputFolderMissing,
  IntunewinErrorCode.notAZip,
  IntunewinErrorCode.encryptedFileGivenInsteadOfPackage,
  IntunewinErrorCode.ioFailed,
  IntunewinErrorCode.sourceNameInvalid,
  "MSI_INVALID",
  "MSI_UNREADABLE",
  "MSI_UNSUPPORTED_CODEPAGE",
]);

/** Prints an error the way every codec command does and sets the exit code it maps to. */
export function reportCodecError(command: string, error: unknown): void {
  if (!isImesimError(error)) throw error;
  process.stderr.write(`imesim ${command}: ${error.message} [${error.code}]\n`);
  process.exitCode = INVALID_INPUT_CODES.has(error.code) ? CodecExit.invalidInput : CodecExit.failed;
}

/** A progress bar on a terminal; nothing at all when stderr is not one (CI logs stay clean). */
export function progressReporter(label: string): { update(done: number, total: number): void; stop(): void } {
  if (process.stderr.isTTY !== true) return { update() {}, stop() {} };
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} MiB`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  return {
    update(done, total) {
      const mib = (bytes: number) => Math.round(bytes / 1048576);
      if (!started) {
        bar.start(Math.max(mib(total), 1), 0);
        started = true;
      }
      bar.update(mib(done));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

interface PackCommandOptions {
  content: string;
  setup: string;
  output: string;
  quiet?: boolean;
}

/** `imesim pack -c <folder> -s <setup file> -o <output folder> [-q]`: IntuneWinAppUtil's flags and output name. */
export function registerPack(program: Command): void {
  program
    .command("pack")
    .description("Pack a setup folder into <setup file base name>.intunewin, as IntuneWinAppUtil does")
    .requiredOption("-c, --content <folder>", "setup folder: everything in it goes into the package")
    .requiredOption("-s, --setup <file>", "setup file, relative to the setup folder (an .msi gets MsiInfo)")
    .requiredOption("-o, --output <folder>", "output folder")
    .option("-q, --quiet", "overwrite an existing package and create the output folder (IntuneWinAppUtil -q)")
    .action(async (options: PackCommandOptions) => {
      const progress = progressReporter("packing");
      // Ctrl-C or a stop request aborts the pack, which removes its temporary file before the process ends.
      const stop = listenForStop();
      try {
        const result = await packFolder({
          sourceFolder: options.content,
          setupFile: options.setup,
          outputFolder: options.output,
          overwrite: options.quiet === true,
          onProgress: progress.update,
          signal: stop.signal,
        });
        progress.stop();
        process.stdout.write(`${result.outputPath}\n`);
        process.exitCode = CodecExit.ok;
      } catch (error) {
        progress.stop();
        const stoppedBy = stop.stoppedBy();
        if (stoppedBy !== undefined && isImesimError(error, IntunewinErrorCode.aborted)) {
          process.stderr.write(
            `imesim pack: stopped by ${stoppedBy}; no package was written [${error.code}]\n`,
          );
          process.exitCode = stopExitCode(stoppedBy);
        } else {
          reportCodecError("pack", error);
        }
      } finally {
        stop.release();
      }
    });
}
