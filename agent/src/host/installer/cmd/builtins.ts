// cmd's internal commands by name. Anything else is a program (external.ts).
import { dirCommand } from "./builtin-dir.ts";
import { setCommand } from "./builtin-set.ts";
import {
  cdCommand,
  copyCommand,
  delCommand,
  mdCommand,
  moveCommand,
  popdCommand,
  pushdCommand,
  rdCommand,
  renCommand,
} from "./builtins-files.ts";
import {
  callCommand,
  endlocalCommand,
  exitCommand,
  gotoCommand,
  setlocalCommand,
  shiftCommand,
} from "./builtins-flow.ts";
import { clsCommand, echoCommand, pauseCommand, quietCommand, typeCommand } from "./builtins-output.ts";
import type { BuiltinCommand } from "./cmd-process.ts";
import { startCommand } from "./start-command.ts";

export const builtinCommands: ReadonlyMap<string, BuiltinCommand> = new Map<string, BuiltinCommand>([
  ["echo", echoCommand],
  ["set", setCommand],
  ["setlocal", setlocalCommand],
  ["endlocal", endlocalCommand],
  ["goto", gotoCommand],
  ["call", callCommand],
  ["exit", exitCommand],
  ["shift", shiftCommand],
  ["cd", cdCommand],
  ["chdir", cdCommand],
  ["pushd", pushdCommand],
  ["popd", popdCommand],
  ["md", mdCommand],
  ["mkdir", mdCommand],
  ["rd", rdCommand],
  ["rmdir", rdCommand],
  ["del", delCommand],
  ["erase", delCommand],
  ["copy", copyCommand],
  ["move", moveCommand],
  ["ren", renCommand],
  ["rename", renCommand],
  ["type", typeCommand],
  ["dir", dirCommand],
  ["start", startCommand],
  ["pause", pauseCommand],
  ["cls", clsCommand],
  ["title", quietCommand],
]);
