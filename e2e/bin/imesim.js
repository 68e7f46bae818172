#!/usr/bin/env node
// Plain JS entry so the bin works through npm's symlinks; the CLI itself is TypeScript run by Node's type stripping.
// The version gate comes first and the CLI is imported only after it: a static import of a .ts file would fail on
// an old Node before any check could run.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
require("./node-version.cjs").requireSupportedNode();

// `imesim test` and `imesim run` run with their own young generation (memory-flags.cjs): start again once with it.
const { nodeFlagsFor, needsNodeFlags } = require("./memory-flags.cjs");
if (needsNodeFlags(process.argv, process.execArgv)) {
  const { spawnSync } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const { constants } = await import("node:os");
  const args = [
    ...process.execArgv,
    ...nodeFlagsFor(process.argv),
    fileURLToPath(import.meta.url),
    ...process.argv.slice(2),
  ];
  const child = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (child.error !== undefined) throw child.error;
  // A child killed by a signal exits as a shell reports it: 128 + the signal's number.
  process.exit(child.status ?? 128 + (constants.signals[child.signal] ?? 0));
}
const { main } = await import("../src/cli/main.ts");

// `imesim explain … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv);
