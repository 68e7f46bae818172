// How the interpreter reaches programs that are not cmd built-ins: the scenario's declared behaviour first
// (a ProgramResolver), then the programs imesim models (reg, msiexec, xcopy, robocopy, timeout, cmd, ping).
import type { Host, ProcessContext } from "../../types.ts";

/** One start of an external program from a command line or script. */
export interface ProgramInvocation {
  /** The command token as typed, quotes removed (`setup.exe`, `C:\Tools\x.exe`). */
  readonly name: string;
  /** Where the program was found on the device (the path the process asked for); undefined when not found. */
  readonly path: string | undefined;
  /** The raw argument text after the name, as cmd passes it on. */
  readonly args: string;
  /** The arguments split the way the C runtime splits them. */
  readonly argv: readonly string[];
  readonly workingDirectory: string;
  /** The process the program runs as (bitness 64 when started through Sysnative). */
  readonly context: ProcessContext;
}

/** What a program did: its exit code, output and how long it ran in simulated time. */
export interface ProgramResult {
  readonly exitCode: number;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly durationMs?: number;
}

/**
 * The scenario's declared behaviour for programs: return a result (after applying any effects to `host`),
 * or undefined to let imesim's own models decide (and "not recognized", 9009, when there is none).
 */
export type ProgramResolver = (
  invocation: ProgramInvocation,
  host: Host,
) => ProgramResult | undefined | Promise<ProgramResult | undefined>;

/** Splits arguments as the Microsoft C runtime does: whitespace separates, quotes group, `\"` is a quote. */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let current = "";
  let inArg = false;
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === "\\") {
      let slashes = 0;
      while (text[i] === "\\") {
        slashes += 1;
        i += 1;
      }
      if (text[i] === '"') {
        current += "\\".repeat(Math.floor(slashes / 2));
        if (slashes % 2 === 1) current += '"';
        else quoted = !quoted;
      } else {
        current += "\\".repeat(slashes);
        i -= 1;
      }
      inArg = true;
    } else if (ch === '"') {
      // Inside quotes, "" is a literal quote (and stays inside the quotes).
      if (quoted && text[i + 1] === '"') {
        current += '"';
        i += 1;
      } else quoted = !quoted;
      inArg = true;
    } else if (!quoted && (ch === " " || ch === "\t")) {
      if (inArg) args.push(current);
      current = "";
      inArg = false;
    } else {
      current += ch;
      inArg = true;
    }
  }
  if (inArg) args.push(current);
  return args;
}

/** Splits arguments the way cmd's built-ins do: whitespace, `,`, `;` and `=` separate; quotes are kept. */
export function splitCmdArguments(text: string): string[] {
  const args: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === " " || ch === "\t" || ch === "," || ch === ";" || ch === "=")) {
      if (current !== "") args.push(current);
      current = "";
    } else current += ch;
  }
  if (current !== "") args.push(current);
  return args;
}
