// The contract between the IME's enforcement flow (agent/src/machines) and whatever runs an install
// or uninstall command line on the virtual device: scripted effects, the msiexec model, the cmd interpreter.
import type { Host, ProcessContext } from "../types.ts";

/** One install or uninstall command the IME starts (ime.md §1.3.8; the 32-bit process of windows-formats.md). */
export interface InstallRequest {
  readonly appId: string;
  readonly intent: "install" | "uninstall";
  readonly commandLine: string;
  /** The IMECache folder the package was unzipped to; relative paths resolve here. */
  readonly workingDirectory: string;
  readonly context: ProcessContext;
  /** 1 for the first try within one enforcement, 2 for the first retry, … */
  readonly attempt: number;
  /** MaxRunTimeInMinutes from InstallEx, in ms. */
  readonly timeoutMs: number;
}

export interface InstallOutcome {
  /** The process exit code; undefined when it was still running at the timeout and was abandoned. */
  readonly exitCode: number | undefined;
  /** How long the process ran, in simulated ms (capped at the timeout). */
  readonly durationMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command line against the host. The flow advances its clock by `durationMs` afterwards. */
export interface Installer {
  run(request: InstallRequest, host: Host): Promise<InstallOutcome>;
}
