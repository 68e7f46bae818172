import type { Command } from "commander";

/** Adds every imesim sub-command to the program; each lives in its own module beside this one. */
export function registerCommands(_program: Command): void {}
