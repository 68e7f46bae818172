// The Installer that runs an app's real install or uninstall command line on the device. The IME starts it
// from its 32-bit service in the IMECache folder (ime.md §1.5); we run it as that process's cmd would
// (`SysWOW64\cmd.exe /c <command line>`, issue 7), so msiexec, scripts, reg and unknown programs all behave
// as on Windows, with the scenario's declared programs supplied through a ProgramResolver.

import { runCmdLine } from "../process/launcher.ts";
import type { OutsideWorld } from "../process/outside-world.ts";
import type { ProgramResolver } from "../process/program.ts";
import type { Host } from "../types.ts";
import type { Installer, InstallOutcome, InstallRequest } from "./types.ts";

export interface CommandLineInstallerOptions {
  /** The scenario's declared behaviour for programs imesim does not model (vendor setup.exe, powershell, …). */
  readonly programs?: ProgramResolver;
  /** The agent's clock (virtual time in simulations), for %DATE% and %TIME%; the wall clock when absent. */
  readonly clock?: { now(): number };
  /** The modelled internet and package catalogue; absent: a download stops the install as not modelled. */
  readonly world?: OutsideWorld;
}

/** An Installer that interprets the command line with the cmd interpreter and the msiexec model. */
export function createCommandLineInstaller(options: CommandLineInstallerOptions = {}): Installer {
  return {
    run(request: InstallRequest, host: Host): Promise<InstallOutcome> {
      return runInstallCommand(request, host, options);
    },
  };
}

/** Runs one install/uninstall command and reports it as the IME sees it. */
export async function runInstallCommand(
  request: InstallRequest,
  host: Host,
  options: CommandLineInstallerOptions = {},
): Promise<InstallOutcome> {
  const result = await runCmdLine(request.commandLine, {
    host,
    context: request.context,
    cwd: request.workingDirectory,
    deadlineMs: request.timeoutMs,
    ...(options.programs === undefined ? {} : { resolver: options.programs }),
    ...(options.world === undefined ? {} : { world: options.world }),
    ...(options.clock === undefined ? {} : { startedAtMs: options.clock.now() }),
  });
  if (result.timedOut || result.elapsedMs > request.timeoutMs) {
    // Still running at MaxRunTimeInMinutes: the IME abandons the process (ime.md §1.3.8 timeout variant).
    return {
      exitCode: undefined,
      durationMs: request.timeoutMs,
      stdout: result.stdout,
      stderr: result.stderr,
    };
  }
  // The process exit code is unsigned (lpExitCode 3221225794 in ime.md §1.3.8); cmd keeps it signed.
  return {
    exitCode: result.exitCode >>> 0,
    durationMs: result.elapsedMs,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}
