// What every program on the virtual device shares: how it is started (ProgramInvocation), what it leaves
// (ProgramResult), the scenario's declared behaviour (ProgramResolver), and the view of the process that
// started it (CallerProcess). Interpreters and modelled programs meet only through these types and the
// launcher's table (launcher.ts), so none imports another.
import type { FileStat, Host, ProcessContext } from "../types.ts";
import type { Environment } from "./environment.ts";
import type { OutsideWorld } from "./outside-world.ts";

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

/** Where a stream's text goes: the captured output, a file on the device, or nowhere. */
export interface Sink {
  write(text: string): void;
}

/** The process that starts a program, as the program sees it: cmd.exe, powershell.exe, or the IME itself. */
export interface CallerProcess {
  readonly host: Host;
  readonly context: ProcessContext;
  readonly cwd: string;
  readonly environment: Environment;
  /** What the caller pipes into the program (`type x | find "y"`, a PowerShell pipeline). */
  readonly stdin: string;
  readonly resolver: ProgramResolver | undefined;
  /** The modelled internet and package catalogue; undefined = nothing outside is modelled (downloads stop the run). */
  readonly world?: OutsideWorld | undefined;
  /** The launcher's table: how this process starts further programs. */
  readonly programs: ProgramTable;
  readonly stdout: Sink;
  readonly stderr: Sink;
  /** The simulated time now. */
  now(): number;
  /** The full path a name refers to from the caller's working folder (no WOW64 redirection). */
  fullPath(path: string): string;
  /** The path the device really opens for the caller (System32 → SysWOW64 for 32-bit, Sysnative). */
  devicePath(path: string): string;
  stat(path: string): FileStat | undefined;
  /** A text file's contents through the caller's view of the device; undefined when it cannot be read. */
  readText(path: string): string | undefined;
}

/** A modelled program: it applies its effects and reports what a real run would. */
export type ModelledProgram = (
  invocation: ProgramInvocation,
  caller: CallerProcess,
) => ProgramResult | Promise<ProgramResult>;

/** The programs imesim models, by lower-case file name (`msiexec.exe`). */
export type ProgramTable = ReadonlyMap<string, ModelledProgram>;
