// One cmd.exe process on the virtual device: its environment, working folder, ECHO and expansion state,
// ERRORLEVEL and return code (tracked apart, windows-formats.md §6.3), output streams, and the batch
// frames it runs. Executes parsed commands; built-ins and programs live in their own modules.
import { ImesimError } from "@imesim/contracts/errors";
import type { Environment } from "../../process/environment.ts";
import type { OutsideWorld } from "../../process/outside-world.ts";
import { devicePathFor, fullPathFor, statFor, windowsFolderOf } from "../../process/process-view.ts";
import type { CallerProcess, ProgramResolver, ProgramTable, Sink } from "../../process/program.ts";
import { matchesWildcard } from "../../process/windows-path.ts";
import { isWindows64 } from "../../process/wow64.ts";
import type { Host, ProcessContext } from "../../types.ts";
import { AppendBuffer, hostWithBuffer } from "./append-buffer.ts";
import { type Command, type Condition, mapCommandStrings } from "./ast.ts";
import { expandDelayed, expandPercent, type PercentSources, substituteForVariables } from "./expansion.ts";
import { parseStatement } from "./parser.ts";
import { applyPathModifiers } from "./path-modifiers.ts";
import type { Redirection } from "./tokenizer.ts";

// What cmd prints when Windows refuses a file operation, by the device's error code.
const DEVICE_ERROR_MESSAGES: Readonly<Record<string, string>> = {
  FS_INVALID_PATH: "The filename, directory name, or volume label syntax is incorrect.",
  FS_INVALID_NAME: "The filename, directory name, or volume label syntax is incorrect.",
  FS_DISK_FULL: "There is not enough space on the disk.",
  FS_ACCESS_DENIED: "Access is denied.",
  FS_FILE_NOT_FOUND: "The system cannot find the file specified.",
  FS_PATH_NOT_FOUND: "The system cannot find the path specified.",
  FS_ALREADY_EXISTS: "A duplicate file name exists, or the file\r\ncannot be found.",
};

/** How control leaves a command: normally, by GOTO, by leaving the batch file, or by ending the process. */
export type Flow =
  | undefined
  | { readonly kind: "goto"; readonly label: string }
  | { readonly kind: "exit-batch" }
  | { readonly kind: "exit-process"; readonly code: number };

export type { Sink };

/** A running batch file or `call :label` subroutine. */
export interface BatchFrame {
  readonly scriptPath: string;
  readonly lines: readonly string[];
  /** `.cmd` files clear ERRORLEVEL on a successful SET/PATH/…; `.bat` files do not (§6.3). */
  readonly isCmdFile: boolean;
  /** %0 … %9 and beyond; SHIFT moves the window. */
  args: string[];
  readonly allArguments: string;
  position: number;
  readonly setlocalBase: number;
}

interface SavedLocal {
  readonly environment: Environment;
  readonly cwd: string;
  readonly delayedExpansion: boolean;
  readonly extensions: boolean;
}

/** Runs a built-in command; it records its result through `process.complete…`. */
export type BuiltinCommand = (
  process: CmdProcess,
  args: string,
  frame: BatchFrame | undefined,
) => Flow | Promise<Flow>;

export interface CmdProcessOptions {
  readonly host: Host;
  readonly context: ProcessContext;
  readonly environment: Environment;
  readonly cwd: string;
  readonly builtins: ReadonlyMap<string, BuiltinCommand>;
  /** Runs a program that is not a built-in (resolution, models, "not recognized"). */
  readonly runExternal: (
    process: CmdProcess,
    name: string,
    args: string,
    frame: BatchFrame | undefined,
  ) => Promise<Flow>;
  /** The values a FOR loop iterates over (for-loop.ts). */
  readonly forValues: ForValueSource;
  readonly resolver: ProgramResolver | undefined;
  readonly world?: OutsideWorld | undefined;
  /** The launcher's table of modelled programs. */
  readonly programs: ProgramTable;
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly delayedExpansion?: boolean;
  /** Simulated ms after which the process is abandoned (the IME's install timeout). */
  readonly deadlineMs?: number;
  /** The time the process started, for %DATE% and %TIME% (simulated time then runs on with elapsedMs). */
  readonly startedAtMs?: number;
  /** What followed `cmd.exe /c` when the process started; `%CMDCMDLINE%` shows `<cmd.exe> /c <it>`. */
  readonly startedWith?: string;
}

// A script that loops without end would hang the simulation: after this many statements the process
// counts as still running at the timeout (our choice; real cmd would spin until the IME gives up).
const MAX_STATEMENTS = 200_000;
// cmd.exe aborts a batch whose CALLs nest deeper than its stack allows (windows-formats.md is silent; on a
// default stack that is somewhere over a thousand levels, and the count varies). Each level here costs many
// JavaScript frames, so imesim stops at 400 (our choice) with cmd's own message: a script nesting that deep
// recurses without end, and real cmd would abort it too.
const MAX_BATCH_FRAMES = 400;

export class CmdProcess implements CallerProcess {
  readonly host: Host;
  readonly context: ProcessContext;
  readonly builtins: ReadonlyMap<string, BuiltinCommand>;
  readonly world: OutsideWorld | undefined;
  readonly resolver: ProgramResolver | undefined;
  readonly programs: ProgramTable;
  /** Whether the device runs 64-bit Windows (WOW64 redirection exists only there). */
  readonly is64BitOs: boolean;
  environment: Environment;
  cwd: string;
  echoOn = true;
  delayedExpansion: boolean;
  extensions = true;
  errorLevel = 0;
  /** The last command's own result, which `&&`/`||` test (may differ from ERRORLEVEL). */
  returnCode = 0;
  stdout: Sink;
  stderr: Sink;
  stdin = "";
  elapsedMs = 0;
  timedOut = false;
  /** Set by CALL while it runs its command: a batch file started now returns to the caller. */
  pendingCall = false;
  readonly directoryStack: string[] = [];
  private readonly locals: SavedLocal[] = [];
  private readonly runExternalProgram: CmdProcessOptions["runExternal"];
  private readonly forValueSource: ForValueSource;
  private readonly deadlineMs: number;
  private statements = 0;
  private frames = 0;
  private readonly appendBuffer: AppendBuffer;
  private readonly unbufferedFs: Host["fs"];
  private readonly commandLine: string;
  private readonly startedAtMs: number;

  constructor(options: CmdProcessOptions) {
    this.appendBuffer = new AppendBuffer(options.host.fs);
    this.host = hostWithBuffer(options.host, this.appendBuffer);
    this.unbufferedFs = options.host.fs;
    this.context = options.context;
    this.environment = options.environment;
    this.is64BitOs = isWindows64((name) => options.environment.get(name));
    this.cwd = options.cwd;
    this.builtins = options.builtins;
    this.runExternalProgram = options.runExternal;
    this.forValueSource = options.forValues;
    this.resolver = options.resolver;
    this.world = options.world;
    this.programs = options.programs;
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.delayedExpansion = options.delayedExpansion ?? false;
    this.deadlineMs = options.deadlineMs ?? Number.POSITIVE_INFINITY;
    this.startedAtMs = options.startedAtMs ?? Date.now();
    // The quoting of the real %CMDCMDLINE% for an IME-started command is not in the reference (our choice).
    this.commandLine = `${this.cmdExePath()} /c ${options.startedWith ?? ""}`.trimEnd();
  }

  // ---- results ------------------------------------------------------------------------------------------

  /** A command that sets both its return code and ERRORLEVEL. */
  complete(code: number): void {
    this.returnCode = code;
    this.errorLevel = code;
  }

  /** A command that reports success or failure to `&&`/`||` but leaves ERRORLEVEL alone. */
  completeKeepingErrorLevel(code: number): void {
    this.returnCode = code;
  }

  writeOut(text: string): void {
    this.stdout.write(text);
  }

  writeErr(text: string): void {
    this.stderr.write(text);
  }

  /** Prints a line to stdout with the CRLF cmd ends lines with. */
  printLine(text: string): void {
    this.stdout.write(`${text}\r\n`);
  }

  printError(text: string): void {
    this.stderr.write(`${text}\r\n`);
  }

  // ---- paths --------------------------------------------------------------------------------------------

  /** The simulated time now: when the process started plus how long it has run. */
  now(): number {
    return this.startedAtMs + this.elapsedMs;
  }

  /** The cmd.exe this process is: SysWOW64's for a 32-bit process on 64-bit Windows (ime.md §1.5). */
  cmdExePath(): string {
    const folder = this.context.bitness === 32 && this.is64BitOs ? "SysWOW64" : "system32";
    return `${this.windowsFolder()}\\${folder}\\cmd.exe`;
  }

  windowsFolder(): string {
    return windowsFolderOf(this);
  }

  /** The full path a name refers to, as the process asked for it (no WOW64 redirection). */
  fullPath(path: string): string {
    return fullPathFor(this, path);
  }

  /** The path the device really opens for this process (System32 → SysWOW64 for 32-bit, Sysnative). */
  devicePath(path: string): string {
    return devicePathFor(this, path);
  }

  // ---- variables ----------------------------------------------------------------------------------------

  /** A variable as `%NAME%` sees it: the environment first, then cmd's dynamic variables (§6.1). */
  variable(name: string): string | undefined {
    const value = this.environment.get(name);
    if (value !== undefined) return value;
    switch (name.toUpperCase()) {
      case "ERRORLEVEL":
        return String(this.errorLevel);
      case "CD":
        return this.cwd;
      case "CMDEXTVERSION":
        return "2";
      case "RANDOM":
        return String(Math.floor(Math.random() * 32768));
      case "CMDCMDLINE":
        return this.commandLine;
      case "DATE":
        return formatCmdDate(this.now());
      case "TIME":
        return formatCmdTime(this.now());
      default:
        return undefined;
    }
  }

  /** Applies `%~` modifiers through this process's view of the device. */
  modify(value: string, modifiers: string): string {
    return applyPathModifiers(value, modifiers, {
      cwd: this.cwd,
      stat: (path) => this.stat(path),
      variable: (name) => this.variable(name),
    });
  }

  stat(path: string): ReturnType<Host["fs"]["stat"]> {
    return statFor(this, path);
  }

  percentSources(frame: BatchFrame | undefined): PercentSources {
    return {
      inBatch: frame !== undefined,
      variable: (name) => this.variable(name),
      argument: (index) => frame?.args[index],
      allArguments: () => frame?.allArguments ?? "",
      modifiedArgument: (modifiers, index) => {
        if (frame === undefined) return "";
        // %~f0 and friends name the running script itself, whatever it was called as.
        const value = index === 0 ? frame.scriptPath : (frame.args[index] ?? "");
        return this.modify(value, modifiers);
      },
    };
  }

  /** Delayed expansion when it is on, otherwise the text unchanged. */
  late(text: string): string {
    return this.delayedExpansion ? expandDelayed(text, (name) => this.variable(name)) : text;
  }

  // ---- SETLOCAL -----------------------------------------------------------------------------------------

  setlocal(delayed: boolean | undefined, extensions: boolean | undefined): void {
    this.locals.push({
      environment: this.environment.clone(),
      cwd: this.cwd,
      delayedExpansion: this.delayedExpansion,
      extensions: this.extensions,
    });
    if (delayed !== undefined) this.delayedExpansion = delayed;
    if (extensions !== undefined) this.extensions = extensions;
  }

  /** Pops one SETLOCAL opened inside `frame` (none outside a batch file). */
  endlocal(frame: BatchFrame | undefined): void {
    if (frame === undefined || this.locals.length <= frame.setlocalBase) return;
    const saved = this.locals.pop()!;
    this.environment = saved.environment;
    this.cwd = saved.cwd;
    this.delayedExpansion = saved.delayedExpansion;
    this.extensions = saved.extensions;
  }

  localDepth(): number {
    return this.locals.length;
  }

  // ---- running text ---------------------------------------------------------------------------------------

  /** Runs a command line as `cmd /c` does: percent expansion at the prompt, no labels. */
  async runLine(text: string): Promise<Flow> {
    const expanded = expandPercent(text, this.percentSources(undefined));
    const parsed = parseStatement(expanded);
    if (!parsed.complete) return undefined;
    for (const command of parsed.commands) {
      const flow = await this.execute(command, undefined);
      if (flow !== undefined) return flow;
    }
    return undefined;
  }

  /** Runs a batch frame from its current position until it ends, leaves, or the process ends. */
  async runFrame(frame: BatchFrame): Promise<Flow> {
    if (this.frames >= MAX_BATCH_FRAMES) {
      this.printError("******  B A T C H   R E C U R S I O N  exceeds STACK limits ******");
      this.printError(`Recursion Count=${this.frames}, Stack Usage=90 percent`);
      this.printError("******       B A T C H   PROCESSING IS   A B O R T E D      ******");
      return { kind: "exit-process", code: this.errorLevel };
    }
    this.frames += 1;
    try {
      while (frame.position < frame.lines.length) {
        if (this.overBudget()) return { kind: "exit-process", code: this.errorLevel };
        const start = frame.position;
        let line = frame.lines[start]!;
        frame.position += 1;
        if (/^\s*:/.test(line)) continue;
        // A caret at the end of a line joins the next line.
        while (endsWithEscapingCaret(line) && frame.position < frame.lines.length) {
          line = line.slice(0, -1) + frame.lines[frame.position]!;
          frame.position += 1;
        }
        let text = expandPercent(line, this.percentSources(frame));
        let parsed = parseStatement(text);
        while (!parsed.complete && frame.position < frame.lines.length) {
          text += `\n${expandPercent(frame.lines[frame.position]!, this.percentSources(frame))}`;
          frame.position += 1;
          parsed = parseStatement(text);
        }
        if (!parsed.complete) return { kind: "exit-batch" };
        if (this.echoOn) this.echoStatement(text, parsed.commands);
        for (const command of parsed.commands) {
          const flow = await this.execute(command, frame);
          if (flow === undefined) continue;
          if (flow.kind === "goto") {
            const target = findLabel(frame.lines, flow.label, frame.position);
            if (target === undefined) {
              this.printError(`The system cannot find the batch label specified - ${flow.label}`);
              this.complete(1);
              return { kind: "exit-batch" };
            }
            frame.position = target;
            break;
          }
          return flow;
        }
      }
      return undefined;
    } finally {
      this.frames -= 1;
      while (this.locals.length > frame.setlocalBase) this.endlocal(frame);
    }
  }

  private overBudget(): boolean {
    this.statements += 1;
    if (this.statements > MAX_STATEMENTS || this.elapsedMs >= this.deadlineMs) {
      this.timedOut = true;
      return true;
    }
    return false;
  }

  private echoStatement(text: string, commands: readonly Command[]): void {
    const first = commands[0];
    if (first === undefined || first.type === "empty") return;
    if (first.type === "simple" && first.quiet) return;
    const shown = text.trim().replace(/^@+/, "");
    this.writeOut(`\r\n${this.cwd}>${shown}\r\n`);
  }

  // ---- executing commands ---------------------------------------------------------------------------------

  /** Executes one parsed command in the given batch frame (undefined at the prompt). */
  async execute(command: Command, frame: BatchFrame | undefined): Promise<Flow> {
    switch (command.type) {
      case "empty":
        return undefined;
      case "error":
        // A syntax error ends every batch file this process runs; ERRORLEVEL 255 (§6.3 [W]).
        this.printError(command.message);
        this.complete(255);
        return frame === undefined ? undefined : { kind: "exit-process", code: 255 };
      case "simple":
        return this.withRedirections(this.lateRedirections(command.redirects), async () => {
          const name = this.late(command.name);
          if (name === "") {
            return undefined;
          }
          return this.runSimple(name, this.late(command.args), frame);
        });
      case "block":
        return this.withRedirections(this.lateRedirections(command.redirects), async () => {
          for (const inner of command.body) {
            const flow = await this.execute(inner, frame);
            if (flow !== undefined) return flow;
          }
          return undefined;
        });
      case "if": {
        const holds = this.evaluate(command.condition, command.ignoreCase);
        if (holds === undefined) {
          this.printError("The syntax of the command is incorrect.");
          this.complete(255);
          return frame === undefined ? undefined : { kind: "exit-process", code: 255 };
        }
        if (holds !== command.negate) return this.execute(command.whenTrue, frame);
        return command.otherwise === undefined ? undefined : this.execute(command.otherwise, frame);
      }
      case "for":
        return this.runFor(command, frame);
      case "chain": {
        if (command.op === "|") return this.runPipe(command.left, command.right, frame);
        const left = await this.execute(command.left, frame);
        if (left !== undefined) return left;
        if (command.op === "&&" && this.returnCode !== 0) return undefined;
        if (command.op === "||" && this.returnCode === 0) return undefined;
        return this.execute(command.right, frame);
      }
    }
  }

  private async runSimple(name: string, args: string, frame: BatchFrame | undefined): Promise<Flow> {
    try {
      return await this.dispatch(name, args, frame);
    } catch (error) {
      // The device refused an operation (bad path, full disk, access): the command fails as cmd reports it.
      if (!(error instanceof ImesimError)) throw error;
      this.printError(DEVICE_ERROR_MESSAGES[error.code] ?? error.message);
      this.complete(error.code === "FS_DISK_FULL" ? 112 : 1);
      return undefined;
    }
  }

  private dispatch(name: string, args: string, frame: BatchFrame | undefined): Flow | Promise<Flow> {
    const builtin = splitBuiltinName(name, args, this.builtins);
    if (builtin !== undefined) {
      // A built-in that succeeds counts as success for `&&`, even when it leaves ERRORLEVEL alone.
      this.returnCode = 0;
      return builtin.run(this, builtin.args, frame);
    }
    return this.runExternalProgram(this, name, args, frame);
  }

  private async runPipe(left: Command, right: Command, frame: BatchFrame | undefined): Promise<Flow> {
    // Both sides run to completion one after the other; the left side's output is the right side's stdin.
    const saved = this.stdout;
    let piped = "";
    this.stdout = { write: (text) => (piped += text) };
    try {
      await this.execute(left, frame);
    } finally {
      this.stdout = saved;
    }
    const savedIn = this.stdin;
    this.stdin = piped;
    try {
      await this.execute(right, frame);
    } finally {
      this.stdin = savedIn;
    }
    return undefined;
  }

  private evaluate(condition: Condition, ignoreCase: boolean): boolean | undefined {
    switch (condition.kind) {
      case "exist": {
        const path = this.late(condition.path);
        return this.pathExists(path);
      }
      case "defined":
        return this.variable(this.late(condition.name)) !== undefined;
      case "errorlevel": {
        const level = parseCmdNumber(this.late(condition.level));
        return level === undefined ? undefined : this.errorLevel >= level;
      }
      case "cmdextversion": {
        const level = parseCmdNumber(this.late(condition.level));
        return level === undefined ? undefined : 2 >= level;
      }
      case "compare":
        return compare(this.late(condition.left), condition.op, this.late(condition.right), ignoreCase);
    }
  }

  /** `if exist`: a file or folder, wildcards in the last name allowed, `folder\nul` style accepted. */
  pathExists(raw: string): boolean {
    const text = raw.replaceAll('"', "");
    if (text === "") return false;
    const lower = text.toLowerCase();
    if (lower.endsWith("\\nul") || lower === "nul") {
      const folder = text.slice(0, Math.max(0, text.length - 4)) || ".";
      return lower === "nul" || this.stat(folder)?.kind === "directory";
    }
    if (text.includes("*") || text.includes("?")) {
      return this.expandWildcard(text).length > 0;
    }
    return this.stat(text) !== undefined;
  }

  /** Full paths matching a pattern whose last name may hold wildcards (files and folders). */
  expandWildcard(pattern: string, kind?: "file" | "directory"): string[] {
    const full = this.fullPath(pattern);
    const slash = full.lastIndexOf("\\");
    const folder = slash <= 2 ? full.slice(0, 3) : full.slice(0, slash);
    const namePattern = full.slice(slash + 1);
    let names: string[];
    try {
      names = this.host.fs.list(this.devicePath(folder));
    } catch {
      return [];
    }
    const separator = folder.endsWith("\\") ? "" : "\\";
    return names
      .filter((name) => matchesWildcard(name, namePattern))
      .map((name) => `${folder}${separator}${name}`)
      .filter((path) => kind === undefined || this.stat(path)?.kind === kind);
  }

  private async runFor(
    command: Extract<Command, { type: "for" }>,
    frame: BatchFrame | undefined,
  ): Promise<Flow> {
    const set = this.late(command.set);
    const option = this.late(command.option);
    const values = await this.forValueSource(
      this,
      { mode: command.mode, option, set, variable: command.variable },
      frame,
    );
    for (const value of values) {
      // Each iteration counts as a statement, so `for /l` over a huge range cannot hang the simulation.
      if (this.overBudget()) return { kind: "exit-process", code: this.errorLevel };
      const bindings = typeof value === "string" ? new Map([[command.variable, value]]) : value;
      const body = substituteCommand(command.body, bindings, (v, m) => this.modify(v, m));
      const flow = await this.execute(body, frame);
      if (flow !== undefined) return flow;
    }
    return undefined;
  }

  // ---- redirection --------------------------------------------------------------------------------------

  private lateRedirections(redirects: readonly Redirection[]): Redirection[] {
    return redirects.map((r) => (r.mode === "duplicate" ? r : { ...r, target: this.late(r.target) }));
  }

  /** Runs `work` with the redirections applied left to right; a target that cannot be opened skips `work`. */
  async withRedirections(redirects: readonly Redirection[], work: () => Promise<Flow>): Promise<Flow> {
    if (redirects.length === 0) return await work();
    const saved = { stdout: this.stdout, stderr: this.stderr, stdin: this.stdin };
    try {
      for (const redirect of redirects) {
        if (!this.applyRedirection(redirect)) {
          this.completeKeepingErrorLevel(1);
          return undefined;
        }
      }
      return await work();
    } finally {
      this.stdout = saved.stdout;
      this.stderr = saved.stderr;
      this.stdin = saved.stdin;
    }
  }

  private applyRedirection(redirect: Redirection): boolean {
    if (redirect.mode === "duplicate") {
      const target =
        redirect.targetFd === 2 ? this.stderr : redirect.targetFd === 1 ? this.stdout : undefined;
      if (target === undefined) return true;
      if (redirect.fd === 1) this.stdout = target;
      else if (redirect.fd === 2) this.stderr = target;
      return true;
    }
    const targetText = redirect.target.replaceAll('"', "");
    if (isNulDevice(targetText)) {
      if (redirect.mode === "read") this.stdin = "";
      else this.setStream(redirect.fd, { write: () => {} });
      return true;
    }
    if (redirect.mode === "read") {
      const content = this.readText(targetText);
      if (content === undefined) {
        this.printError("The system cannot find the file specified.");
        return false;
      }
      this.stdin = content;
      return true;
    }
    const path = this.devicePath(targetText);
    try {
      // Queued appends never change whether a file exists or is a folder, so this check need not flush them
      // (which keeps `>>` in a loop linear).
      const existing = this.unbufferedFs.stat(path);
      if (existing?.kind === "directory") {
        this.printError("Access is denied.");
        return false;
      }
      // The target is created (or truncated) before the command runs, even if the command then fails (§6.6).
      if (redirect.mode === "write" || existing === undefined) {
        if (this.host.fs.stat(parentOf(path))?.kind !== "directory") {
          this.printError("The system cannot find the path specified.");
          return false;
        }
        this.host.fs.writeFile(path, new Uint8Array());
      }
    } catch {
      this.printError("The system cannot find the path specified.");
      return false;
    }
    this.setStream(redirect.fd, { write: (text) => this.appendText(path, text) });
    return true;
  }

  private setStream(fd: number, sink: Sink): void {
    if (fd === 1) this.stdout = sink;
    else if (fd === 2) this.stderr = sink;
  }

  /** A file's text as cmd reads it (single-byte, Latin-1 standing in for the OEM codepage), or undefined. */
  readText(path: string): string | undefined {
    try {
      const devicePath = this.devicePath(path);
      if (this.host.fs.stat(devicePath)?.kind !== "file") return undefined;
      return Buffer.from(this.host.fs.readFile(devicePath)).toString("latin1");
    } catch {
      return undefined;
    }
  }

  /** Appends text to a device file (by device path); the buffer writes it before the next file access. */
  appendText(devicePath: string, text: string): void {
    if (text !== "") this.appendBuffer.append(devicePath, Buffer.from(text, "latin1"));
  }

  /** Writes redirected output still held in the buffer; call when the process ends. */
  flushOutput(): void {
    this.appendBuffer.flush();
  }
}

/** The values one FOR loop iterates over: plain values, or one binding per variable for `for /f` tokens. */
export type ForValueSource = (
  process: CmdProcess,
  loop: {
    readonly mode: Extract<Command, { type: "for" }>["mode"];
    readonly option: string;
    readonly set: string;
    readonly variable: string;
  },
  frame: BatchFrame | undefined,
) => Promise<Iterable<string | Map<string, string>>>;

function substituteCommand(
  command: Command,
  bindings: ReadonlyMap<string, string>,
  modify: (value: string, modifiers: string) => string,
): Command {
  return mapCommandStrings(command, (text) => substituteForVariables(text, bindings, modify));
}

function parentOf(path: string): string {
  const index = path.lastIndexOf("\\");
  return index <= 2 ? path.slice(0, 3) : path.slice(0, index);
}

function isNulDevice(text: string): boolean {
  return /^nul(:)?$/i.test(text.trim());
}

function endsWithEscapingCaret(line: string): boolean {
  const match = /\^+$/.exec(line);
  return match !== null && match[0].length % 2 === 1;
}

/** The line after a label, searching forward from `from` then wrapping to the top, as GOTO does. */
export function findLabel(lines: readonly string[], label: string, from: number): number | undefined {
  const wanted = label.replace(/^:/, "").toLowerCase();
  const order = [...lines.keys()].slice(from).concat([...lines.keys()].slice(0, from));
  for (const index of order) {
    const match = /^\s*:([^\s+:&|<>]+)/.exec(lines[index]!);
    if (match && match[1]!.toLowerCase() === wanted) return index + 1;
  }
  return undefined;
}

const NAME_TERMINATORS = /^([A-Za-z]+)([.:(/\\+=,;[\]].*)$/s;

function splitBuiltinName(
  name: string,
  args: string,
  builtins: ReadonlyMap<string, BuiltinCommand>,
): { run: BuiltinCommand; args: string } | undefined {
  const direct = builtins.get(name.toLowerCase());
  if (direct !== undefined) return { run: direct, args };
  // `echo.`, `echo(`, `cd\`, `cd..`: the built-in's name ends at the first of these characters.
  const match = NAME_TERMINATORS.exec(name);
  if (!match) return undefined;
  const run = builtins.get(match[1]!.toLowerCase());
  return run === undefined ? undefined : { run, args: match[2]! + args };
}

/** Parses a cmd number: decimal, `0x` hex or leading-zero octal; undefined when it is not one. */
export function parseCmdNumber(text: string): number | undefined {
  const trimmed = text.trim();
  const match = /^([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.exec(trimmed);
  if (!match) return undefined;
  const body = match[2]!;
  const magnitude = body.toLowerCase().startsWith("0x")
    ? Number.parseInt(body.slice(2), 16)
    : body.length > 1 && body.startsWith("0")
      ? Number.parseInt(body.slice(1), 8)
      : Number.parseInt(body, 10);
  return match[1] === "-" ? -magnitude : magnitude;
}

function compare(left: string, op: string, right: string, ignoreCase: boolean): boolean {
  if (op === "==") return ignoreCase ? left.toLowerCase() === right.toLowerCase() : left === right;
  const a = parseCmdNumber(left);
  const b = parseCmdNumber(right);
  let order: number;
  if (a !== undefined && b !== undefined) order = Math.sign(a - b);
  else {
    const x = ignoreCase ? left.toLowerCase() : left;
    const y = ignoreCase ? right.toLowerCase() : right;
    order = x < y ? -1 : x > y ? 1 : 0;
  }
  switch (op) {
    case "EQU":
      return order === 0;
    case "NEQ":
      return order !== 0;
    case "LSS":
      return order < 0;
    case "LEQ":
      return order <= 0;
    case "GTR":
      return order > 0;
    default:
      return order >= 0;
  }
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const two = (n: number): string => String(n).padStart(2, "0");

/** %DATE% as en-US Windows shows it: `Tue 11/24/2026` (the device's clock is UTC). */
export function formatCmdDate(ms: number): string {
  const d = new Date(ms);
  return `${WEEKDAYS[d.getUTCDay()]} ${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()}`;
}

/** %TIME% as en-US Windows shows it: `13:05:09.42`, hours below 10 padded with a space. */
export function formatCmdTime(ms: number): string {
  const d = new Date(ms);
  const hundredths = two(Math.floor(d.getUTCMilliseconds() / 10));
  return `${String(d.getUTCHours()).padStart(2, " ")}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${hundredths}`;
}
