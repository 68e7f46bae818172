import type { Command } from "commander";
import { registerServe } from "./serve.ts";

/** Adds every imesim sub-command to the program; each lives in its own module beside this one. */
export function registerCommands(program: Command): void {
  registerServe(program);
}
