// How the codec's CLI tests run `imesim`: the real bin in a child process, as a user runs it.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The `imesim` entry point. */
export const bin = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));

/** What a finished `imesim` run printed and how it ended. */
export interface ImesimRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `imesim <args>` to its end; a run that hangs is killed after 60 s (status null) rather than stall the suite. */
export function imesim(...args: string[]): ImesimRun {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
