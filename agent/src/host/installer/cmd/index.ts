// The cmd interpreter: runs command lines and .cmd/.bat files against the virtual device (windows-formats.md §6).
export type { Command, Condition } from "./ast.ts";
export { CmdProcess, type Flow, type Sink } from "./cmd-process.ts";
export { Environment } from "./environment.ts";
export {
  type CmdRunOptions,
  type CmdRunResult,
  createCmdProcess,
  processEnvironment,
  runCmdLine,
  runCmdScript,
} from "./interpreter.ts";
export { type ParseResult, parseStatement } from "./parser.ts";
export {
  type ProgramInvocation,
  type ProgramResolver,
  type ProgramResult,
  splitArguments,
} from "./program.ts";
export { type Redirection, type Token, tokenize } from "./tokenizer.ts";
export { redirectForBitness } from "./wow64.ts";
