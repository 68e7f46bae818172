// How the run tests start `imesim` when the test's own process serves the mock: the real bin as a child
// process, awaited without blocking this event loop (which keeps answering the child's requests).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The `imesim` entry point. */
export const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));

/** Runs `imesim <args>` to its end and returns how it ended and what it printed. */
export function spawnImesim(
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
