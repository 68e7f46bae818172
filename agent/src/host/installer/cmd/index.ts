// The cmd interpreter: runs command lines and .cmd/.bat files against the virtual device (windows-formats.md §6).

export { Environment } from "../../process/environment.ts";
export { processEnvironment } from "../../process/process-environment.ts";
export {
  type ProgramInvocation,
  type ProgramResolver,
  type ProgramResult,
  splitArguments,
} from "../../process/program.ts";
export { redirectForBitness } from "../../process/wow64.ts";
export type { Command, Condition } from "./ast.ts";
export { CmdProcess, type Flow, type Sink } from "./cmd-process.ts";
export {
  type CmdRunOptions,
  type CmdRunResult,
  createCmdProcess,
  runCmdLine,
  runCmdScript,
} from "./interpreter.ts";
export { type ParseResult, parseStatement } from "./parser.ts";
export { type Redirection, type Token, tokenize } from "./tokenizer.ts";
