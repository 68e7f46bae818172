import type { Command } from "commander";
import { registerAgent } from "./agent.ts";
import { registerExplain } from "./explain.ts";
import { registerInspect } from "./inspect.ts";
import { registerPack } from "./pack.ts";
import { registerRun } from "./run.ts";
import { registerRunner } from "./runner.ts";
import { registerServe } from "./serve.ts";
import { registerTest } from "./test.ts";
import { registerUi } from "./ui.ts";
import { registerUnpack } from "./unpack.ts";

/**
 * Adds every imesim sub-command to the program; each lives in its own module beside this one. Registering
 * is light: a command loads its machinery (the service, the agent, the scenario loader) in its action, so
 * `pack`, `unpack`, `inspect` and `--help` start quickly and stay small (the codec's memory goal, issue 3).
 */
export function registerCommands(program: Command): void {
  registerServe(program);
  registerPack(program);
  registerUnpack(program);
  registerInspect(program);
  registerTest(program);
  registerRun(program);
  registerExplain(program);
  registerAgent(program);
  registerRunner(program);
  registerUi(program);
}
