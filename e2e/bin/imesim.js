#!/usr/bin/env node
// Plain JS entry so the bin works through npm's symlinks; the CLI itself is TypeScript run by Node's type stripping.
import { main } from "../src/cli/main.ts";

process.exitCode = await main(process.argv);
