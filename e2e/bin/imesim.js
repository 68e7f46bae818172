#!/usr/bin/env node
// Plain JS entry so the bin works through npm's symlinks; the CLI itself is TypeScript run by Node's type stripping.
// The version gate comes first and the CLI is imported only after it: a static import of a .ts file would fail on
// an old Node before any check could run.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
require("./node-version.cjs").requireSupportedNode();
require("./compile-cache.cjs").useCompileCache();

// `imesim test` and `imesim run` run with their own young generation (memory-flags.cjs): start again once with it.
const { nodeFlagsFor, needsNodeFlags } = require("./memory-flags.cjs");
if (needsNodeFlags(process.argv, process.execArgv)) {
  const { spawn } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const { constants } = await import("node:os");
  const args = [
    ...process.execArgv,
    ...nodeFlagsFor(process.argv),
    fileURLToPath(import.meta.url),
    ...process.argv.slice(2),
  ];
  const child = spawn(process.execPath, args, { stdio: "inherit" });
  // This process only waits: a stop meant for it is passed on, so `kill`, `docker stop` or a test harness stops the
  // run itself, never just this wrapper (which left the run going on its own). Ctrl-C in a terminal already reaches
  // both through the terminal's process group; passing it on too would be a second Ctrl-C, so it is not.
  for (const signal of ["SIGTERM", "SIGHUP", "SIGINT"])
    process.on(signal, () => {
      if (signal !== "SIGINT" || !process.stdin.isTTY) child.kill(signal);
    });
  const [status, signal] = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, killedBy) => resolve([code, killedBy]));
  });
  // A child killed by a signal exits as a shell reports it: 128 + the signal's number.
  process.exit(status ?? 128 + (constants.signals[signal] ?? 0));
}
const { main } = await import("../src/cli/main.ts");

// `imesim explain … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv);
