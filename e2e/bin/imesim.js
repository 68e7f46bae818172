#!/usr/bin/env node
// Plain JS entry so the bin works through npm's symlinks; the CLI itself is TypeScript run by Node's type stripping.
import { main } from "../src/cli/main.ts";

// `imesim explain … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv);
