#!/usr/bin/env node
// Plain JS entry so the bin works through npm's symlinks; the CLI itself is TypeScript run by Node's type stripping.
// The version gate comes first and the CLI is imported only after it: a static import of a .ts file would fail on
// an old Node before any check could run.
import { createRequire } from "node:module";

createRequire(import.meta.url)("./node-version.cjs").requireSupportedNode();
const { main } = await import("../src/cli/main.ts");

// `imesim explain … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv);
