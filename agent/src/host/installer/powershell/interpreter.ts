// One powershell.exe process on the virtual device: scopes and variables, the evaluation of statements,
// expressions and pipelines, and the dispatch of commands to functions, cmdlets and programs (through the
// launcher's table). Evaluation is written as generators that yield only when a started program works
// asynchronously (msiexec reading a package): an install script is driven asynchronously, while detection
// and requirement scripts — which the IME's rules run synchronously — are driven synchronously and stop
// with a located message if they start such a program.
import { ImesimError } from "@imesim/contracts/errors";
import type { Environment } from "../../process/environment.ts";
import type { OutsideWorld } from "../../process/outside-world.ts";
import { devicePathFor, fullPathFor, statFor, windowsFolderOf } from "../../process/process-view.ts";
import type { CallerProcess, ProgramResolver, ProgramTable, Sink } from "../../process/program.ts";
import { isWindows64 } from "../../process/wow64.ts";
import type { FileStat, Host, ProcessContext } from "../../types.ts";
import type { CommandArg, Expr, PipeElement, ScriptBlockAst, Statement } from "./ast.ts";
import {
  builtinMethod,
  builtinProperty,
  castTo,
  type DotNetHost,
  isOfType,
  isSecurityProtocol,
  memberOfEach,
  staticMember,
} from "./dotnet.ts";
import {
  binaryOperator,
  dotnetRegExp,
  formatOperator,
  numberOf,
  valuesEqual,
  wildcardRegExp,
} from "./operators.ts";
import { parseScript } from "./parser.ts";
import { errorRecord, FlowSignal, TerminatingError } from "./signals.ts";
import {
  collapse,
  enumerate,
  PsHashtable,
  PsObject,
  PsScriptBlock,
  PsType,
  type PsValue,
  toBool,
  toText,
} from "./values.ts";

/** Evaluation that may wait for a started program: yields the promise, resumes with its value. */
export type Run<T> = Generator<Promise<unknown>, T, unknown>;

/** A cmdlet's bound call. */
export interface CmdletCall {
  readonly name: string;
  readonly line: number;
  readonly ps: PsProcess;
  /** Objects piped in from the previous command. */
  readonly input: readonly PsValue[];
  /** Whether a previous command feeds this one (even with no objects). */
  readonly piped: boolean;
  /** Named parameters by their full lower-case name; a switch is `true`. */
  readonly named: ReadonlyMap<string, PsValue>;
  /** Positional values not bound to a declared position. */
  readonly rest: readonly PsValue[];
  /** The raw argument text, for the scenario's behaviour of an unmodelled command. */
  readonly argsText: string;
}

/** A cmdlet (or PSADT function) modelled natively. */
export interface Cmdlet {
  /** Takes any named parameter as given (PSADT's session and dialog functions accept many we ignore). */
  readonly acceptsAny?: boolean;
  /** Parameters taking a value, by full name; positional ones in `positional` order. */
  readonly params?: readonly string[];
  readonly switches?: readonly string[];
  readonly positional?: readonly string[];
  /** Other names accepted for a parameter (`LiteralPath` → `Path`). */
  readonly aliases?: Readonly<Record<string, string>>;
  run(call: CmdletCall): CmdletResult;
}

/** A cmdlet's output: at once, after a started program finishes, or as evaluation of script blocks. */
export type CmdletResult = PsValue[] | Promise<PsValue[]> | Run<PsValue[]>;

function isRun(value: CmdletResult): value is Run<PsValue[]> {
  return !Array.isArray(value) && !(value instanceof Promise);
}

const COMMON_PARAMETERS = [
  "erroraction",
  "warningaction",
  "informationaction",
  "errorvariable",
  "outvariable",
  "warningvariable",
  "informationvariable",
  "outbuffer",
  "pipelinevariable",
];
const COMMON_SWITCHES = ["verbose", "debug", "whatif", "confirm"];

const COMMAND_ALIASES: Readonly<Record<string, string>> = {
  "%": "foreach-object",
  iwr: "invoke-webrequest",
  // Windows PowerShell 5.1 aliases both to Invoke-WebRequest (curl.exe is a separate program).
  wget: "invoke-webrequest",
  curl: "invoke-webrequest",
  irm: "invoke-restmethod",
  foreach: "foreach-object",
  "?": "where-object",
  where: "where-object",
  select: "select-object",
  sort: "sort-object",
  measure: "measure-object",
  gci: "get-childitem",
  ls: "get-childitem",
  dir: "get-childitem",
  gi: "get-item",
  gp: "get-itemproperty",
  gpv: "get-itempropertyvalue",
  ni: "new-item",
  md: "new-item",
  mkdir: "new-item",
  ri: "remove-item",
  rm: "remove-item",
  del: "remove-item",
  rd: "remove-item",
  rmdir: "remove-item",
  cp: "copy-item",
  copy: "copy-item",
  mv: "move-item",
  move: "move-item",
  ren: "rename-item",
  echo: "write-output",
  write: "write-output",
  cat: "get-content",
  gc: "get-content",
  type: "get-content",
  sc: "set-content",
  ac: "add-content",
  cd: "set-location",
  sl: "set-location",
  chdir: "set-location",
  pwd: "get-location",
  gl: "get-location",
  sleep: "start-sleep",
  start: "start-process",
  saps: "start-process",
  ps: "get-process",
  gps: "get-process",
  kill: "stop-process",
  spps: "stop-process",
  gsv: "get-service",
  sasv: "start-service",
  spsv: "stop-service",
  gwmi: "get-wmiobject",
  gcim: "get-ciminstance",
  ft: "format-table",
  fl: "format-list",
  gm: "get-member",
  iex: "invoke-expression",
  cls: "clear-host",
  clear: "clear-host",
  ipmo: "import-module",
};

class Scope {
  readonly vars = new Map<string, PsValue>();
  readonly parent: Scope | undefined;

  constructor(parent: Scope | undefined) {
    this.parent = parent;
  }

  find(name: string): Scope | undefined {
    let scope: Scope | undefined = this;
    while (scope !== undefined) {
      if (scope.vars.has(name)) return scope;
      scope = scope.parent;
    }
    return undefined;
  }
}

interface FunctionDef {
  readonly name: string;
  readonly block: ScriptBlockAst;
}

export interface PsProcessOptions {
  readonly host: Host;
  readonly context: ProcessContext;
  readonly environment: Environment;
  readonly cwd: string;
  readonly resolver: ProgramResolver | undefined;
  readonly world?: OutsideWorld | undefined;
  readonly programs: ProgramTable;
  readonly cmdlets: ReadonlyMap<string, Cmdlet>;
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly startedAtMs: number;
  /** The script file being run (for $PSScriptRoot, $PSCommandPath, error messages). */
  readonly scriptPath: string | undefined;
  /** When true, a started program that works asynchronously stops the script (detection and requirement scripts). */
  readonly synchronous: boolean;
}

/** A PowerShell process: evaluates one script against the device. */
export class PsProcess implements CallerProcess, DotNetHost {
  readonly host: Host;
  readonly context: ProcessContext;
  readonly environment: Environment;
  cwd: string;
  /** A registry location after `Set-Location HKLM:\…` (PowerShell's current location may be a key). */
  registryLocation: string | undefined;
  readonly stdin = "";
  readonly resolver: ProgramResolver | undefined;
  readonly world: OutsideWorld | undefined;
  readonly programs: ProgramTable;
  readonly cmdlets: ReadonlyMap<string, Cmdlet>;
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly synchronous: boolean;
  readonly scriptPath: string | undefined;
  readonly is64BitOs: boolean;
  elapsedMs = 0;
  /** Windows PowerShell 5.1 on .NET 4.x starts with Ssl3|Tls (48|192) unless the machine's .NET policy says otherwise. */
  securityProtocol = 240;
  private readonly startedAtMs: number;
  private readonly global = new Scope(undefined);
  private scope: Scope;
  private readonly scriptScope: Scope;
  private readonly functions = new Map<string, FunctionDef>();
  lastSuccess = true;
  lastExitCode: PsValue = null;
  readonly errors: PsValue[] = [];
  /** What the script wrote with Start-Transcript on; written to the file at Stop-Transcript. */
  transcript: { path: string; text: string } | undefined;
  /** Extra state cmdlets keep per process (PSADT's session, …), by name. */
  readonly state = new Map<string, unknown>();

  constructor(options: PsProcessOptions) {
    this.host = options.host;
    this.context = options.context;
    this.environment = options.environment;
    this.cwd = options.cwd;
    this.resolver = options.resolver;
    this.world = options.world;
    this.programs = options.programs;
    this.cmdlets = options.cmdlets;
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.synchronous = options.synchronous;
    this.scriptPath = options.scriptPath;
    this.startedAtMs = options.startedAtMs;
    this.is64BitOs = isWindows64((name) => options.environment.get(name));
    this.scriptScope = new Scope(this.global);
    this.scope = this.scriptScope;
    const root = options.scriptPath === undefined ? options.cwd : options.scriptPath.replace(/\\[^\\]*$/, "");
    const automatic: Record<string, PsValue> = {
      true: true,
      false: false,
      null: null,
      errorActionPreference: "Continue",
      verbosePreference: "SilentlyContinue",
      warningPreference: "Continue",
      progressPreference: "Continue",
      confirmPreference: "High",
      informationPreference: "SilentlyContinue",
      psScriptRoot: options.scriptPath === undefined ? "" : root,
      psCommandPath: options.scriptPath ?? "",
      home: options.environment.get("USERPROFILE") ?? "",
      pshome: `${this.windowsFolder()}\\${this.context.bitness === 32 && this.is64BitOs ? "SysWOW64" : "System32"}\\WindowsPowerShell\\v1.0`,
      pid: 4242,
      psVersionTable: this.versionTable(),
      ofs: " ",
      myInvocation: new PsObject(["System.Management.Automation.InvocationInfo"], {
        MyCommand: new PsObject(["System.Management.Automation.ExternalScriptInfo"], {
          Path: options.scriptPath ?? "",
          Definition: options.scriptPath ?? "",
          Name: options.scriptPath?.replace(/^.*\\/, "") ?? "",
        }),
        ScriptName: options.scriptPath ?? "",
        PSScriptRoot: root,
      }),
    };
    for (const [name, value] of Object.entries(automatic)) this.global.vars.set(name.toLowerCase(), value);
  }

  private versionTable(): PsHashtable {
    const table = new PsHashtable();
    table.set("PSVersion", castTo("version", "5.1.26100.2161", 0));
    table.set("PSEdition", "Desktop");
    table.set("CLRVersion", castTo("version", "4.0.30319.42000", 0));
    table.set("BuildVersion", castTo("version", "10.0.26100.2161", 0));
    return table;
  }

  // ---- the CallerProcess / DotNetHost surface ------------------------------------------------------------

  now(): number {
    return this.startedAtMs + this.elapsedMs;
  }

  windowsFolder(): string {
    return windowsFolderOf(this);
  }

  get is64BitProcess(): boolean {
    return this.context.bitness === 64 && this.is64BitOs;
  }

  get computerName(): string {
    return this.environment.get("COMPUTERNAME") ?? "DESKTOP-IMESIM";
  }

  environmentVariable(name: string): string | undefined {
    return this.environment.get(name);
  }

  fullPath(path: string): string {
    return fullPathFor(this, path);
  }

  devicePath(path: string): string {
    return devicePathFor(this, path);
  }

  stat(path: string): FileStat | undefined {
    return statFor(this, path);
  }

  readText(path: string): string | undefined {
    try {
      return decodeText(this.host.fs.readFile(this.devicePath(path)));
    } catch {
      return undefined;
    }
  }

  fileExists(path: string): boolean {
    return this.stat(path)?.kind === "file";
  }

  folderExists(path: string): boolean {
    return this.stat(path)?.kind === "directory";
  }

  writeText(path: string, text: string): void {
    this.host.fs.writeFile(this.devicePath(path), text);
  }

  createFolder(path: string): void {
    this.host.fs.mkdir(this.devicePath(path));
  }

  /** The registry access of this process (its view; HKCU through the user's SID). */
  registryAccess(): { view: 32 | 64; userSid?: string } {
    return {
      view: this.is64BitOs ? this.context.bitness : 64,
      ...(this.context.userSid === undefined ? {} : { userSid: this.context.userSid }),
    };
  }

  // ---- output ------------------------------------------------------------------------------------------

  /** Writes host text (Write-Host): the console, ending in a bare LF (ime.md §11b). */
  writeHost(text: string, newline = true): void {
    this.emit(this.stdout, newline ? `${text}\n` : text);
  }

  emit(sink: Sink, text: string): void {
    sink.write(text);
    if (this.transcript !== undefined) this.transcript.text += text;
  }

  /** Formats pipeline output the way the console shows it. */
  writeOutput(values: readonly PsValue[]): void {
    for (const value of values) {
      if (value === null) continue;
      this.emit(this.stdout, `${formatForConsole(value)}\r\n`);
    }
  }

  /** A non-terminating error: written, recorded in $Error, or raised, by the effective ErrorAction. */
  writeError(
    call: { line: number; named?: ReadonlyMap<string, PsValue>; name?: string },
    message: string,
    exceptionType = "System.Exception",
  ): void {
    const action = toText(
      call.named?.get("erroraction") ?? this.variable("ErrorActionPreference"),
    ).toLowerCase();
    const record = errorRecord(message, exceptionType, call.line);
    this.lastSuccess = false;
    if (action === "stop") throw new TerminatingError(record, call.line);
    if (action === "ignore") return;
    this.errors.unshift(record);
    if (action === "silentlycontinue") return;
    this.emit(
      this.stderr,
      `${call.name === undefined ? "" : `${call.name} : `}${message}\r\nAt ${this.scriptName()}:${call.line} char:1\r\n`,
    );
  }

  scriptName(): string {
    return this.scriptPath ?? "line";
  }

  // ---- variables ---------------------------------------------------------------------------------------

  /** A variable's value; undefined variables are $null, as in PowerShell (strict mode off). */
  variable(name: string): PsValue {
    const lower = name.toLowerCase();
    const colon = lower.indexOf(":");
    if (colon > 0) {
      const qualifier = lower.slice(0, colon);
      const rest = name.slice(colon + 1);
      if (qualifier === "env") return this.environment.get(rest) ?? null;
      if (qualifier === "script")
        return (
          this.scriptScope.find(rest.toLowerCase())?.vars.get(rest.toLowerCase()) ??
          this.global.vars.get(rest.toLowerCase()) ??
          null
        );
      if (qualifier === "global") return this.global.vars.get(rest.toLowerCase()) ?? null;
      if (qualifier === "local" || qualifier === "private") return this.variable(rest);
      if (qualifier === "variable") return this.variable(rest);
      throw new ImesimError("PS_NOT_MODELLED", `\`$${name}\` is not modelled`);
    }
    switch (lower) {
      case "?":
        return this.lastSuccess;
      case "lastexitcode":
        return this.lastExitCode;
      case "error":
        return this.errors;
      case "pwd":
        return new PsObject(["System.Management.Automation.PathInfo"], { Path: this.cwd }, this.cwd);
      case "psitem":
        return this.variable("_");
      default:
        return this.scope.find(lower)?.vars.get(lower) ?? null;
    }
  }

  setVariable(name: string, value: PsValue): void {
    const lower = name.toLowerCase();
    const colon = lower.indexOf(":");
    if (colon > 0) {
      const qualifier = lower.slice(0, colon);
      const rest = name.slice(colon + 1);
      if (qualifier === "env") {
        this.environment.set(rest, value === null ? undefined : toText(value));
        return;
      }
      if (qualifier === "script") return void this.scriptScope.vars.set(rest.toLowerCase(), value);
      if (qualifier === "global") return void this.global.vars.set(rest.toLowerCase(), value);
      if (qualifier === "local" || qualifier === "private")
        return void this.scope.vars.set(rest.toLowerCase(), value);
      throw new ImesimError("PS_NOT_MODELLED", `\`$${name}\` is not modelled`);
    }
    if (lower === "lastexitcode") {
      this.lastExitCode = value;
      return;
    }
    if (lower === "null") return;
    this.scope.vars.set(lower, value);
  }

  /** Runs `work` in a new child scope (a function or script block call). */
  *inScope<T>(work: () => Run<T>, dotSourced = false): Run<T> {
    if (dotSourced) return yield* work();
    const outer = this.scope;
    this.scope = new Scope(outer);
    try {
      return yield* work();
    } finally {
      this.scope = outer;
    }
  }

  // ---- scripts and blocks --------------------------------------------------------------------------------

  /** Binds a block's parameters from named and positional values in the current scope. */
  *bindParameters(
    block: ScriptBlockAst,
    named: ReadonlyMap<string, PsValue>,
    positional: readonly PsValue[],
    line: number,
    piped = false,
  ): Run<void> {
    const rest = [...positional];
    for (const param of block.params) {
      const key = param.name.toLowerCase();
      let value: PsValue;
      const isSwitch = /(^|\.)switch(parameter)?$/i.test(param.type ?? "");
      if (named.has(key)) value = named.get(key)!;
      else if (!isSwitch && rest.length > 0) value = rest.shift()!;
      else if (param.defaultValue !== undefined) value = yield* this.expr(param.defaultValue);
      else if (param.mandatory && !(piped && param.pipeline !== undefined))
        throw new ImesimError(
          "PS_NOT_MODELLED",
          `line ${line}: the mandatory parameter -${param.name} was not given (PowerShell would prompt)`,
        );
      else value = isSwitch ? false : null;
      if (param.type !== undefined && value !== null && !isSwitch)
        value = castTo(param.type, value, param.line);
      this.setVariable(param.name, value);
    }
    const unknown = [...named.keys()].filter(
      (name) => !block.params.some((p) => p.name.toLowerCase() === name),
    );
    if (unknown.length > 0 && block.params.length > 0) {
      throw new TerminatingError(
        errorRecord(
          `A parameter cannot be found that matches parameter name '${unknown[0]}'.`,
          "System.Management.Automation.ParameterBindingException",
          line,
        ),
        line,
      );
    }
    this.setVariable("args", rest);
  }

  /** Runs a script block's statements and returns their output. */
  *invokeBlock(
    block: ScriptBlockAst,
    options: {
      named?: ReadonlyMap<string, PsValue>;
      positional?: readonly PsValue[];
      dollarUnder?: PsValue;
      dotSourced?: boolean;
      /** The objects piped in (a function's process block runs once for each). */
      input?: readonly PsValue[];
      piped?: boolean;
      line: number;
    },
  ): Run<PsValue[]> {
    return yield* this.inScope(() => this.runBlockBody(block, options), options.dotSourced ?? false);
  }

  private *runBlockBody(
    block: ScriptBlockAst,
    options: {
      named?: ReadonlyMap<string, PsValue>;
      positional?: readonly PsValue[];
      dollarUnder?: PsValue;
      input?: readonly PsValue[];
      piped?: boolean;
      line: number;
    },
  ): Run<PsValue[]> {
    const piped = options.piped === true && (options.input?.length ?? 0) > 0;
    if (options.dollarUnder !== undefined) this.scope.vars.set("_", options.dollarUnder);
    const named = options.named ?? new Map<string, PsValue>();
    yield* this.bindParameters(block, named, options.positional ?? [], options.line, piped);
    if (block.named !== undefined)
      return yield* this.runNamedBlocks(block, named, options.input ?? [], piped);
    // A plain block is an end block: `$input` holds everything piped in.
    this.scope.vars.set("input", [...(options.input ?? [])]);
    const out: PsValue[] = [];
    try {
      yield* this.statements(block.body, out);
    } catch (signal) {
      if (signal instanceof FlowSignal && signal.kind === "return") {
        out.push(...enumerate(signal.value));
        return out;
      }
      // `exit` inside a function ends the script; what the function wrote so far has reached the console.
      if (signal instanceof FlowSignal && signal.kind === "exit") this.writeOutput(out);
      throw signal;
    }
    return out;
  }

  /**
   * begin once, process once per piped object (`$_`, `$input` and the ValueFromPipeline parameters bound to
   * it; once with nothing when nothing is piped), end once. `return` leaves only the block it is in, as in
   * PowerShell, where a return in process moves on to the next object.
   */
  private *runNamedBlocks(
    block: ScriptBlockAst,
    named: ReadonlyMap<string, PsValue>,
    input: readonly PsValue[],
    piped: boolean,
  ): Run<PsValue[]> {
    const out: PsValue[] = [];
    const run = function* (this: PsProcess, statements: readonly Statement[] | undefined): Run<void> {
      if (statements === undefined) return;
      try {
        yield* this.statements(statements, out);
      } catch (signal) {
        if (signal instanceof FlowSignal && signal.kind === "return") {
          out.push(...enumerate(signal.value));
          return;
        }
        if (signal instanceof FlowSignal && signal.kind === "exit") this.writeOutput(out);
        throw signal;
      }
    }.bind(this);
    const blocks = block.named!;
    this.scope.vars.set("input", []);
    yield* run(blocks.begin);
    for (const item of piped ? input : [null]) {
      if (blocks.process === undefined) break;
      if (piped) {
        this.scope.vars.set("_", item);
        this.scope.vars.set("input", [item]);
        for (const param of block.params) {
          if (param.pipeline === undefined || named.has(param.name.toLowerCase())) continue;
          const value =
            param.pipeline === "value"
              ? item
              : item instanceof PsObject
                ? (item.get(param.name) ?? null)
                : null;
          this.setVariable(
            param.name,
            param.type !== undefined && value !== null ? castTo(param.type, value, param.line) : value,
          );
        }
      }
      yield* run(blocks.process);
    }
    // Without a process block the end block reads the whole input; after one, the input is used up.
    this.scope.vars.set("input", blocks.process === undefined ? [...input] : []);
    yield* run(blocks.end);
    return out;
  }

  /** `& script.ps1 args` (a child scope) or `. script.ps1` (the caller's scope); `exit` ends only that script. */
  *runScriptFile(path: string, argv: readonly string[], dotSourced: boolean, line: number): Run<PsValue[]> {
    // A toolkit imesim models natively is recognised by its file name and never interpreted.
    const native = this.cmdlets.get(`&${path.replace(/^.*\\/, "").toLowerCase()}`);
    if (native !== undefined) {
      const call = {
        name: path,
        line,
        ps: this,
        input: [],
        piped: false,
        named: new Map(),
        rest: [],
        argsText: "",
      };
      return yield* this.complete(native.run(call));
    }
    const text = this.readText(path);
    if (text === undefined)
      throw new TerminatingError(
        errorRecord(
          `Cannot find path '${path}' because it does not exist.`,
          "System.Management.Automation.ItemNotFoundException",
          line,
        ),
        line,
      );
    const block = parseScript(text, path);
    return yield* this.inScope(
      function* (this: PsProcess): Run<PsValue[]> {
        if (!dotSourced) {
          this.scope.vars.set("psscriptroot", path.replace(/\\[^\\]*$/, ""));
          this.scope.vars.set("pscommandpath", path);
        }
        try {
          return yield* this.runBlockBody(block, { positional: argv, line });
        } catch (signal) {
          if (signal instanceof FlowSignal && signal.kind === "exit") {
            this.lastExitCode = signal.value;
            this.lastSuccess = signal.value === 0;
            return [];
          }
          throw signal;
        }
      }.bind(this),
      dotSourced,
    );
  }

  /** Invoke-Expression: parses and runs text in the current scope. */
  *runText(text: string, line: number): Run<PsValue[]> {
    const block = parseScript(text, `line ${line} (Invoke-Expression)`);
    const out: PsValue[] = [];
    yield* this.statements(block.body, out);
    return out;
  }

  /** Runs the top-level script: output is written to the console as it is produced. */
  *runScript(
    block: ScriptBlockAst,
    positional: readonly PsValue[],
    named: ReadonlyMap<string, PsValue>,
  ): Run<void> {
    yield* this.bindParameters(block, named, positional, block.line);
    const statements =
      block.named === undefined
        ? block.body
        : [...(block.named.begin ?? []), ...(block.named.process ?? []), ...(block.named.end ?? [])];
    for (const statement of statements) {
      const out: PsValue[] = [];
      try {
        yield* this.statement(statement, out);
      } catch (signal) {
        if (signal instanceof FlowSignal && signal.kind === "return") out.push(...enumerate(signal.value));
        if (signal instanceof FlowSignal && signal.kind === "return") return;
        throw signal;
      } finally {
        // The console shows output as it is produced, so what came before an `exit` or an error is kept.
        this.writeOutput(out);
      }
    }
  }

  // ---- statements ----------------------------------------------------------------------------------------

  *statements(list: readonly Statement[], out: PsValue[]): Run<void> {
    for (const statement of list) yield* this.statement(statement, out);
  }

  *statement(node: Statement, out: PsValue[]): Run<void> {
    try {
      yield* this.statementInner(node, out);
    } catch (error) {
      if (error instanceof ImesimError && error.code === "PS_RUNTIME_ERROR") {
        // Runtime failures (a bad cast, a null method call) are terminating errors PowerShell scripts can catch.
        throw new TerminatingError(
          errorRecord(
            error.message.replace(/^line \d+: /, ""),
            "System.Management.Automation.RuntimeException",
            node.line,
          ),
          node.line,
        );
      }
      throw error;
    }
  }

  private *statementInner(node: Statement, out: PsValue[]): Run<void> {
    switch (node.k) {
      case "pipeline":
        out.push(...(yield* this.pipeline(node.elements)));
        return;
      case "assign":
        yield* this.assign(node);
        return;
      case "if": {
        for (const clause of node.clauses) {
          if (toBool(collapse(yield* this.statementValue(clause.condition)))) {
            yield* this.statements(clause.body, out);
            return;
          }
        }
        if (node.otherwise !== undefined) yield* this.statements(node.otherwise, out);
        return;
      }
      case "foreach": {
        const items = enumerate(collapse(yield* this.statementValue(node.source)));
        for (const item of items) {
          this.setVariable(node.variable, item);
          if (yield* this.loopBody(node.body, out)) break;
        }
        return;
      }
      case "for": {
        if (node.init !== undefined) yield* this.statement(node.init, []);
        for (let guard = 0; ; guard += 1) {
          this.checkBudget(guard, node.line);
          if (node.condition !== undefined && !toBool(collapse(yield* this.statementValue(node.condition))))
            break;
          if (yield* this.loopBody(node.body, out)) break;
          if (node.step !== undefined) yield* this.statement(node.step, []);
        }
        return;
      }
      case "while": {
        for (let guard = 0; ; guard += 1) {
          this.checkBudget(guard, node.line);
          if (node.doLoop === undefined && !toBool(collapse(yield* this.statementValue(node.condition))))
            break;
          if (yield* this.loopBody(node.body, out)) break;
          if (node.doLoop !== undefined) {
            const holds = toBool(collapse(yield* this.statementValue(node.condition)));
            if (node.doLoop === "while" ? !holds : holds) break;
          }
        }
        return;
      }
      case "switch":
        yield* this.switchStatement(node, out);
        return;
      case "try":
        yield* this.tryStatement(node, out);
        return;
      case "function":
        this.functions.set(node.name.toLowerCase(), { name: node.name, block: node.block });
        return;
      case "flow":
        yield* this.flow(node);
        return;
    }
  }

  private checkBudget(iterations: number, line: number): void {
    // A loop that never ends would hang the simulation; the install then counts as still running (our choice).
    if (iterations > 1_000_000)
      throw new ImesimError(
        "PS_LOOP_LIMIT",
        `line ${line}: the loop ran more than 1,000,000 times; imesim stops it`,
      );
  }

  /** Runs a loop body; true when `break` ended the loop. */
  private *loopBody(body: readonly Statement[], out: PsValue[]): Run<boolean> {
    try {
      yield* this.statements(body, out);
    } catch (signal) {
      if (signal instanceof FlowSignal && signal.kind === "break") return true;
      if (signal instanceof FlowSignal && signal.kind === "continue") return false;
      throw signal;
    }
    return false;
  }

  private *flow(node: Extract<Statement, { k: "flow" }>): Run<void> {
    const value = node.value === undefined ? null : collapse(yield* this.statementValue(node.value));
    switch (node.kind) {
      case "throw": {
        if (value instanceof PsObject && value.typeNames.includes("System.Management.Automation.ErrorRecord"))
          throw new TerminatingError(value, node.line);
        const message = value === null ? "ScriptHalted" : toText(value);
        throw new TerminatingError(
          errorRecord(message, "System.Management.Automation.RuntimeException", node.line, value),
          node.line,
        );
      }
      case "exit": {
        const code = value === null ? 0 : numberOf(value, node.line);
        throw new FlowSignal("exit", code);
      }
      default:
        throw new FlowSignal(node.kind, value);
    }
  }

  private *switchStatement(node: Extract<Statement, { k: "switch" }>, out: PsValue[]): Run<void> {
    const subject = collapse(yield* this.statementValue(node.subject));
    const caseSensitive = node.flags.has("casesensitive");
    for (const item of enumerate(subject).length === 0 ? [null] : enumerate(subject)) {
      let matched = false;
      let stop = false;
      for (const clause of node.clauses) {
        if (clause.pattern === "default") continue;
        let hit: boolean;
        if (clause.pattern.k === "scriptblock") {
          hit = toBool(
            collapse(yield* this.invokeBlock(clause.pattern.block, { dollarUnder: item, line: node.line })),
          );
        } else {
          const pattern = yield* this.expr(clause.pattern);
          if (node.flags.has("wildcard"))
            hit = wildcardRegExp(toText(pattern), caseSensitive).test(toText(item));
          else if (node.flags.has("regex")) {
            const m = dotnetRegExp(toText(pattern), caseSensitive, node.line).exec(toText(item));
            hit = m !== null;
            if (m !== null)
              binaryOperator("match", item, pattern, node.line, (t) => this.setVariable("Matches", t));
          } else
            hit =
              valuesEqual(item, pattern, caseSensitive) ||
              (typeof item !== "string" && valuesEqual(toText(item), toText(pattern), caseSensitive));
        }
        if (!hit) continue;
        matched = true;
        this.scope.vars.set("_", item);
        if (yield* this.loopBody(clause.body, out)) {
          stop = true;
          break;
        }
      }
      if (!matched) {
        const fallback = node.clauses.find((c) => c.pattern === "default");
        if (fallback !== undefined) {
          this.scope.vars.set("_", item);
          if (yield* this.loopBody(fallback.body, out)) stop = true;
        }
      }
      if (stop) break;
    }
  }

  private *tryStatement(node: Extract<Statement, { k: "try" }>, out: PsValue[]): Run<void> {
    try {
      yield* this.statements(node.body, out);
    } catch (error) {
      if (!(error instanceof TerminatingError)) throw error;
      const handler = node.catches.find(
        (c) =>
          c.types.length === 0 ||
          c.types.some((t) => {
            const wanted = t.toLowerCase().replace(/^system\./, "");
            return error.exceptionTypes.some((e) => e.toLowerCase().replace(/^system\./, "") === wanted);
          }),
      );
      if (handler === undefined) throw error;
      this.errors.unshift(error.record);
      const saved = this.scope.vars.get("_");
      this.scope.vars.set("_", error.record);
      try {
        yield* this.statements(handler.body, out);
      } finally {
        if (saved === undefined) this.scope.vars.delete("_");
        else this.scope.vars.set("_", saved);
      }
    } finally {
      if (node.finally !== undefined) yield* this.statements(node.finally, out);
    }
  }

  /** A statement used as a value (a condition, an assignment's right side). */
  *statementValue(node: Statement): Run<PsValue[]> {
    const out: PsValue[] = [];
    yield* this.statement(node, out);
    return out;
  }

  private *assign(node: Extract<Statement, { k: "assign" }>): Run<void> {
    let value: PsValue;
    if (
      node.value.k === "pipeline" &&
      node.value.elements.length === 1 &&
      node.value.elements[0]!.k === "expr"
    ) {
      // `$a = 1, 2` keeps the array; `$a = Get-Thing` collapses the pipeline's output.
      value = yield* this.expr(node.value.elements[0]!.expr);
    } else value = collapse(yield* this.statementValue(node.value));
    let target = node.target;
    if (target.k === "cast") {
      value = castTo(target.type, value, node.line);
      target = target.operand;
    }
    if (node.op !== "=") {
      const current = yield* this.expr(target);
      value = binaryOperator(node.op.slice(0, 1), current, value, node.line, () => undefined);
    }
    yield* this.store(target, value, node.line);
  }

  private *store(target: Expr, value: PsValue, line: number): Run<void> {
    if (target.k === "variable") {
      this.setVariable(target.name, value);
      return;
    }
    if (target.k === "member" && target.isStatic && target.target.k === "type") {
      const name = typeof target.name === "string" ? target.name : toText(yield* this.expr(target.name));
      // The only static property install scripts set: the TLS versions for the downloads that follow.
      if (isSecurityProtocol(target.target.name, name)) {
        this.securityProtocol = numberOf(value, line);
        return;
      }
      throw new ImesimError(
        "PS_NOT_MODELLED",
        `line ${line}: \`[${target.target.name}]::${name} =\` is not modelled`,
      );
    }
    if (target.k === "member") {
      const object = yield* this.expr(target.target);
      const name = typeof target.name === "string" ? target.name : toText(yield* this.expr(target.name));
      if (object instanceof PsHashtable) object.set(name, value);
      else if (object instanceof PsObject) object.set(name, value);
      else
        throw new ImesimError(
          "PS_RUNTIME_ERROR",
          `line ${line}: The property '${name}' cannot be found on this object.`,
        );
      return;
    }
    if (target.k === "index") {
      const object = yield* this.expr(target.target);
      const index = yield* this.expr(target.index);
      if (object instanceof PsHashtable) object.set(index, value);
      else if (Array.isArray(object)) {
        const i = numberOf(index, line);
        if (i >= object.length)
          throw new ImesimError(
            "PS_RUNTIME_ERROR",
            `line ${line}: Index was outside the bounds of the array.`,
          );
        object[i < 0 ? object.length + i : i] = value;
      } else
        throw new ImesimError(
          "PS_RUNTIME_ERROR",
          `line ${line}: Cannot index into a ${object === null ? "null array" : "value"}.`,
        );
      return;
    }
    throw new ImesimError("PS_RUNTIME_ERROR", `line ${line}: The assignment expression is not valid.`);
  }

  // ---- pipelines and commands ----------------------------------------------------------------------------

  *pipeline(elements: readonly PipeElement[]): Run<PsValue[]> {
    let input: PsValue[] = [];
    let piped = false;
    for (const element of elements) {
      if (element.k === "expr") {
        const value = yield* this.expr(element.expr);
        input =
          element.expr.k === "paren" ||
          element.expr.k === "subexpression" ||
          element.expr.k === "arrayexpression"
            ? enumerate(value)
            : Array.isArray(value)
              ? value
              : [value];
        if (value === null && element.expr.k !== "paren") input = [null];
        this.lastSuccess = true;
      } else input = yield* this.command(element, input, piped);
      input = yield* this.redirect(element.redirections, input);
      piped = true;
    }
    return input;
  }

  private *redirect(redirections: PipeElement["redirections"], output: PsValue[]): Run<PsValue[]> {
    let result = output;
    for (const r of redirections) {
      if (r.target === "&1") continue;
      const target = toText(yield* this.expr(r.target));
      if (r.stream === 2) continue;
      if (target.toLowerCase() === "$null" || target === "") {
        result = [];
        continue;
      }
      const text = result.map((v) => `${formatForConsole(v)}\r\n`).join("");
      const path = this.devicePath(target);
      const existing = r.append ? (this.readText(target) ?? "") : "";
      this.host.fs.writeFile(path, encodeUtf16(existing + text));
      result = [];
    }
    return result;
  }

  private *command(
    element: Extract<PipeElement, { k: "command" }>,
    input: PsValue[],
    piped: boolean,
  ): Run<PsValue[]> {
    let name: string;
    let block: PsScriptBlock | undefined;
    if (typeof element.name === "string") name = element.name;
    else {
      const value = yield* this.expr(element.name);
      if (value instanceof PsScriptBlock) block = value;
      name = toText(value);
    }
    const { named, positional, text } = yield* this.evaluateArgs(element.args, element.line);
    if (block !== undefined) {
      return yield* this.invokeBlock(block.block, {
        named,
        positional,
        line: element.line,
        dotSourced: element.invocation === ".",
        dollarUnder: input[0] ?? null,
        input,
        piped,
      });
    }
    const lower = name.toLowerCase();
    const fn = this.functions.get(lower);
    if (fn !== undefined) {
      const switches = new Set(
        fn.block.params.filter((p) => p.type?.toLowerCase() === "switch").map((p) => p.name.toLowerCase()),
      );
      const bound = new Map<string, PsValue>();
      const leading: PsValue[] = [];
      for (const [key, value] of named) {
        const param =
          fn.block.params.find((p) => p.name.toLowerCase() === key) ??
          fn.block.params.filter((p) => p.name.toLowerCase().startsWith(key)).at(0);
        const full = param?.name.toLowerCase() ?? key;
        if (value instanceof PendingSwitch) {
          if (switches.has(full)) {
            bound.set(full, true);
            leading.push(value.value);
          } else bound.set(full, value.value);
        } else bound.set(full, value);
      }
      const out = yield* this.invokeBlock(fn.block, {
        named: bound,
        positional: [...leading, ...positional],
        line: element.line,
        dollarUnder: input.length > 0 ? input[0]! : undefined,
        dotSourced: false,
        input,
        piped,
      });
      this.lastSuccess = true;
      return out;
    }
    const cmdletName = COMMAND_ALIASES[lower] ?? lower;
    const cmdlet =
      this.cmdlets.get(cmdletName) ??
      this.cmdlets.get(cmdletName.replace(/^microsoft\.powershell\.\w+\\/, ""));
    if (cmdlet !== undefined && !/\.(exe|cmd|bat|com|ps1)$/i.test(lower) && !/[\\/]/.test(lower)) {
      if (lower === "mkdir" || lower === "md") named.set("itemtype", "Directory");
      const call = this.bind(cmdlet, cmdletName, named, positional, input, piped, element.line, text);
      this.lastSuccess = true;
      const out = yield* this.complete(cmdlet.run(call));
      const outVariable = named.get("outvariable");
      if (outVariable !== undefined && outVariable !== null)
        this.setVariable(toText(outVariable), collapse(out));
      return out;
    }
    return yield* this.external(name, element, positional, text, piped, input);
  }

  /** A program (or script file) started by name: through the launcher, as PowerShell's native commands run. */
  private *external(
    name: string,
    element: Extract<PipeElement, { k: "command" }>,
    positional: PsValue[],
    text: string,
    piped: boolean,
    input: PsValue[],
  ): Run<PsValue[]> {
    const starter = this.cmdlets.get("&external");
    if (starter === undefined)
      throw new ImesimError("PS_NOT_MODELLED", `line ${element.line}: \`${name}\` is not modelled`);
    const named = new Map<string, PsValue>([
      ["filepath", name],
      ["argv", positional.flatMap((p) => enumerate(p).map(toText))],
      ["dot", element.invocation === "."],
    ]);
    const call: CmdletCall = {
      name,
      line: element.line,
      ps: this,
      input,
      piped,
      named,
      rest: [],
      argsText: text,
    };
    return yield* this.complete(starter.run(call));
  }

  /** Waits for a cmdlet's output however it comes. */
  *complete(result: CmdletResult): Run<PsValue[]> {
    if (isRun(result)) return yield* result;
    if (result instanceof Promise) return (yield result) as PsValue[];
    return result;
  }

  private *evaluateArgs(
    args: readonly CommandArg[],
    line: number,
  ): Run<{ named: Map<string, PsValue>; positional: PsValue[]; text: string }> {
    const named = new Map<string, PsValue>();
    const positional: PsValue[] = [];
    const texts: string[] = [];
    for (let i = 0; i < args.length; i += 1) {
      const arg = args[i]!;
      texts.push(arg.text);
      if (arg.k === "splat") {
        const value = this.variable(arg.variable);
        if (value instanceof PsHashtable) {
          for (const { key, value: v } of value.entries.values()) named.set(toText(key).toLowerCase(), v);
        } else positional.push(...enumerate(value));
        continue;
      }
      if (arg.k === "value") {
        positional.push(yield* this.expr(arg.value));
        continue;
      }
      // `-Name value`: a following value binds unless it is another parameter; switches are resolved at binding.
      const name = arg.name.toLowerCase();
      if (arg.value !== undefined) named.set(name, yield* this.expr(arg.value));
      else {
        const next = args[i + 1];
        if (next !== undefined && next.k === "value") {
          named.set(name, new PendingSwitch(yield* this.expr(next.value)) as unknown as PsValue);
          texts.push(next.text);
          i += 1;
        } else named.set(name, true);
      }
    }
    void line;
    return { named, positional, text: texts.join(" ") };
  }

  /** Binds evaluated arguments to a cmdlet's parameters (unique prefixes, switches, positions). */
  bind(
    cmdlet: Cmdlet,
    name: string,
    given: Map<string, PsValue>,
    positional: PsValue[],
    input: PsValue[],
    piped: boolean,
    line: number,
    argsText: string,
  ): CmdletCall {
    const { switches, aliases, known, positions } = parameterTable(cmdlet);
    const named = new Map<string, PsValue>();
    const rest: PsValue[] = [];
    for (const [rawName, rawValue] of given) {
      if (cmdlet.acceptsAny === true) {
        named.set(rawName, rawValue instanceof PendingSwitch ? rawValue.value : rawValue);
        continue;
      }
      const full = resolveParameter(rawName, known, name, line);
      const canonical = aliases[full] ?? full;
      const pending = rawValue instanceof PendingSwitch ? rawValue : undefined;
      if (switches.includes(canonical)) {
        named.set(canonical, pending === undefined ? toBool(rawValue) : true);
        // The value after a switch is a positional argument, not the switch's value.
        if (pending !== undefined) rest.push(pending.value);
      } else named.set(canonical, pending === undefined ? rawValue : pending.value);
    }
    const queue = [...rest, ...positional];
    const unbound: PsValue[] = [];
    let position = 0;
    for (const value of queue) {
      while (position < positions.length && named.has(positions[position]!)) position += 1;
      if (position < positions.length) named.set(positions[position++]!, value);
      else unbound.push(value);
    }
    return { name, line, ps: this, input, piped, named, rest: unbound, argsText };
  }

  // ---- expressions ---------------------------------------------------------------------------------------

  *expr(node: Expr): Run<PsValue> {
    switch (node.k) {
      case "number":
        return node.value;
      case "string":
        return node.value;
      case "expandable": {
        let text = "";
        for (const part of node.parts)
          text += typeof part === "string" ? part : toText(yield* this.expr(part));
        return text;
      }
      case "variable":
        return this.variable(node.name);
      case "array": {
        const items: PsValue[] = [];
        for (const item of node.items) items.push(yield* this.expr(item));
        return items;
      }
      case "subexpression": {
        const out: PsValue[] = [];
        yield* this.statements(node.body, out);
        return collapse(out);
      }
      case "arrayexpression": {
        const out: PsValue[] = [];
        yield* this.statements(node.body, out);
        return out;
      }
      case "paren": {
        if (
          node.statement.k === "pipeline" &&
          node.statement.elements.length === 1 &&
          node.statement.elements[0]!.k === "expr"
        )
          return yield* this.expr(node.statement.elements[0]!.expr);
        if (node.statement.k === "assign") {
          yield* this.statement(node.statement, []);
          return yield* this.expr(node.statement.target);
        }
        return collapse(yield* this.statementValue(node.statement));
      }
      case "hashtable": {
        const table = new PsHashtable();
        for (const entry of node.entries) {
          const key = yield* this.expr(entry.key);
          const value =
            entry.value.k === "pipeline" &&
            entry.value.elements.length === 1 &&
            entry.value.elements[0]!.k === "expr"
              ? yield* this.expr(entry.value.elements[0]!.expr)
              : collapse(yield* this.statementValue(entry.value));
          table.set(key, value);
        }
        return table;
      }
      case "scriptblock":
        return new PsScriptBlock(node.block);
      case "binary":
        return yield* this.binary(node);
      case "unary": {
        const value = yield* this.expr(node.operand);
        switch (node.op) {
          case "not":
            return !toBool(value);
          case "-":
            return -numberOf(value, node.line);
          case "+":
            return numberOf(value, node.line);
          case "bnot":
            return ~numberOf(value, node.line);
          case "split":
            return enumerate(value).flatMap((v) => toText(v).trim().split(/\s+/));
          default:
            return enumerate(value).map(toText).join("");
        }
      }
      case "cast":
        return castTo(node.type, yield* this.expr(node.operand), node.line);
      case "type":
        return new PsType(node.name);
      case "member":
        return yield* this.member(node);
      case "invoke":
        return yield* this.invoke(node);
      case "index":
        return yield* this.index(node);
      case "increment": {
        const current = yield* this.expr(node.target);
        const next = numberOf(current, node.line) + node.delta;
        yield* this.store(node.target, next, node.line);
        return node.prefix ? next : null;
      }
    }
  }

  private *binary(node: Extract<Expr, { k: "binary" }>): Run<PsValue> {
    const op = node.op;
    if (op === "and" || op === "or") {
      const left = toBool(yield* this.expr(node.left));
      if (op === "and" && !left) return false;
      if (op === "or" && left) return true;
      return toBool(yield* this.expr(node.right));
    }
    const left = yield* this.expr(node.left);
    if (op === "is" || op === "isnot") {
      const type = node.right.k === "type" ? node.right.name : toText(yield* this.expr(node.right));
      return isOfType(left, type) === (op === "is");
    }
    if (op === "as") {
      const type = node.right.k === "type" ? node.right.name : toText(yield* this.expr(node.right));
      try {
        return castTo(type, left, node.line);
      } catch (error) {
        if (error instanceof ImesimError && error.code === "PS_RUNTIME_ERROR") return null;
        throw error;
      }
    }
    const right = yield* this.expr(node.right);
    if (op === "..") {
      const a = numberOf(left, node.line);
      const b = numberOf(right, node.line);
      const out: number[] = [];
      for (let i = a; a <= b ? i <= b : i >= b; i += a <= b ? 1 : -1) out.push(i);
      return out;
    }
    if (op === "f") return formatOperator(toText(left), enumerate(right));
    return binaryOperator(op, left, right, node.line, (table) => this.setVariable("Matches", table));
  }

  private *member(node: Extract<Expr, { k: "member" }>): Run<PsValue> {
    const name = typeof node.name === "string" ? node.name : toText(yield* this.expr(node.name));
    if (node.isStatic) {
      if (node.target.k !== "type")
        throw new ImesimError(
          "PS_NOT_MODELLED",
          `line ${node.line}: \`::${name}\` on a value is not modelled`,
        );
      return staticMember(node.target.name, name, undefined, this, node.line);
    }
    const target = yield* this.expr(node.target);
    return propertyOf(target, name);
  }

  private *invoke(node: Extract<Expr, { k: "invoke" }>): Run<PsValue> {
    const args: PsValue[] = [];
    for (const arg of node.args) args.push(yield* this.expr(arg));
    if (node.isStatic) {
      if (node.target.k !== "type")
        throw new ImesimError(
          "PS_NOT_MODELLED",
          `line ${node.line}: \`::${node.name}()\` on a value is not modelled`,
        );
      return staticMember(node.target.name, node.name, args, this, node.line);
    }
    const target = yield* this.expr(node.target);
    if (target instanceof PsScriptBlock && /^invoke(returnasis)?$/i.test(node.name)) {
      return collapse(yield* this.invokeBlock(target.block, { positional: args, line: node.line }));
    }
    if (target === null)
      throw new ImesimError(
        "PS_RUNTIME_ERROR",
        `line ${node.line}: You cannot call a method on a null-valued expression.`,
      );
    const result = builtinMethod(target, node.name, args);
    if (result !== undefined) return result;
    if (Array.isArray(target)) {
      // Method calls enumerate over a collection's items (PowerShell 3+).
      return target.map((item) => builtinMethod(item, node.name, args) ?? null);
    }
    throw new ImesimError(
      "PS_NOT_MODELLED",
      `line ${node.line}: the method \`.${node.name}()\` of ${target instanceof PsObject ? (target.typeNames[0] ?? "this object") : "this value"} is not modelled`,
    );
  }

  private *index(node: Extract<Expr, { k: "index" }>): Run<PsValue> {
    const target = yield* this.expr(node.target);
    const index = yield* this.expr(node.index);
    if (target === null) return null;
    if (target instanceof PsHashtable)
      return Array.isArray(index) ? index.map((k) => target.get(k)) : target.get(index);
    const numeric = typeof index === "number";
    if (target instanceof PsObject && (!numeric || target.get(toText(index)) !== undefined))
      return target.get(toText(index)) ?? null;
    // A single object indexes as a one-item collection: `(Resolve-Path x)[-1]` is the object itself.
    const items =
      typeof target === "string" ? [...target] : target instanceof PsObject ? [target] : enumerate(target);
    const at = (i: PsValue) => {
      const n = numberOf(i, node.line);
      return items[n < 0 ? items.length + n : n] ?? null;
    };
    return Array.isArray(index) ? index.map(at) : at(index);
  }
}

interface ParameterTable {
  readonly switches: readonly string[];
  readonly aliases: Readonly<Record<string, string>>;
  readonly known: readonly string[];
  readonly positions: readonly string[];
}

const PARAMETER_TABLES = new WeakMap<Cmdlet, ParameterTable>();

/** A cmdlet's parameter names, lower-cased once (binding runs for every command of every script). */
function parameterTable(cmdlet: Cmdlet): ParameterTable {
  const cached = PARAMETER_TABLES.get(cmdlet);
  if (cached !== undefined) return cached;
  const params = [...(cmdlet.params ?? []).map((p) => p.toLowerCase()), ...COMMON_PARAMETERS];
  const switches = [...(cmdlet.switches ?? []).map((p) => p.toLowerCase()), ...COMMON_SWITCHES];
  const aliases = Object.fromEntries(
    Object.entries(cmdlet.aliases ?? {}).map(([a, b]) => [a.toLowerCase(), b.toLowerCase()]),
  );
  const table = {
    switches,
    aliases,
    known: [...params, ...switches, ...Object.keys(aliases)],
    positions: (cmdlet.positional ?? []).map((p) => p.toLowerCase()),
  };
  PARAMETER_TABLES.set(cmdlet, table);
  return table;
}

/** A `-Name value` pair whose kind (switch or not) is known only when the cmdlet binds it. */
class PendingSwitch {
  readonly value: PsValue;

  constructor(value: PsValue) {
    this.value = value;
  }
}

function resolveParameter(given: string, known: readonly string[], command: string, line: number): string {
  if (known.includes(given)) return given;
  const matches = known.filter((k) => k.startsWith(given));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new TerminatingError(
      errorRecord(
        `Parameter cannot be processed because the parameter name '${given}' is ambiguous.`,
        "System.Management.Automation.ParameterBindingException",
        line,
      ),
      line,
    );
  }
  // A parameter the model does not know may still be a real one: stop rather than guess.
  throw new ImesimError("PS_NOT_MODELLED", `line ${line}: \`${command} -${given}\` is not modelled`);
}

/** `$value.Name`: a property, with member enumeration over collections; $null when there is none. */
export function propertyOf(target: PsValue, name: string): PsValue {
  if (target === null) return null;
  const direct = builtinProperty(target, name);
  if (direct !== undefined) return direct;
  if (Array.isArray(target)) return memberOfEach(target, (item) => builtinProperty(item, name));
  return null;
}

/** How the console shows one output object. Objects print as a `Name : Value` list (our simplification). */
export function formatForConsole(value: PsValue): string {
  if (value instanceof PsObject && value.display === undefined) {
    const props = [...value.properties.values()];
    const width = Math.max(0, ...props.map((p) => p.name.length));
    return `\r\n${props.map((p) => `${p.name.padEnd(width)} : ${toText(p.value)}`).join("\r\n")}\r\n`;
  }
  if (value instanceof PsHashtable) {
    const entries = [...value.entries.values()];
    const width = Math.max(4, ...entries.map((e) => toText(e.key).length));
    return `\r\n${"Name".padEnd(width)} Value\r\n${"----".padEnd(width)} -----\r\n${entries.map((e) => `${toText(e.key).padEnd(width)} ${toText(e.value)}`).join("\r\n")}\r\n`;
  }
  if (Array.isArray(value)) return value.map(formatForConsole).join("\r\n");
  return toText(value);
}

/** A text file's contents: UTF-16 LE or UTF-8 by its byte-order mark, else UTF-8. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  return new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
}

/** Windows PowerShell 5.1's `>` / Out-File default: UTF-16 LE with a byte-order mark. */
export function encodeUtf16(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    out[2 + i * 2] = code & 0xff;
    out[3 + i * 2] = code >> 8;
  }
  return out;
}
