// A recursive-descent parser for the PowerShell that install, detection and requirement scripts are written
// in, reading commands and expressions in their two modes as PowerShell does (`Get-Item $PSScriptRoot\a.txt`
// is one bare-word argument; `$x = 1..3` is a range). Hand-written by choice: the maintained
// `tree-sitter-powershell` grammar (0.26.4, run through web-tree-sitter) was measured first and rejected —
// it rejects the script-level `[CmdletBinding()] param(…)` every PSADT v4 template starts with, one-line
// `function f { param($a) … }` and `switch ($x) { "a" { 1 } }`, and bare arguments like
// `$PSScriptRoot\setup.exe`, and it silently reads `$x = 1..3` as a command named `1..3`; it also costs
// ~0.1 s of WebAssembly start-up per process. Constructs this parser does not know stop with their line.
import { ImesimError } from "@imesim/contracts/errors";
import type {
  CommandArg,
  Expr,
  NamedBlocks,
  ParamAst,
  PipeElement,
  Redirection,
  ScriptBlockAst,
  Statement,
  StringPart,
} from "./ast.ts";

const COMPARISON_OPERATORS = new Set(
  [
    "eq",
    "ne",
    "gt",
    "ge",
    "lt",
    "le",
    "like",
    "notlike",
    "match",
    "notmatch",
    "contains",
    "notcontains",
    "in",
    "notin",
    "replace",
    "split",
    "join",
    "is",
    "isnot",
    "as",
  ].flatMap((op) => (["is", "isnot", "as", "join"].includes(op) ? [op] : [op, `i${op}`, `c${op}`])),
);
const LOGICAL_OPERATORS = new Set(["and", "or", "xor"]);
const BITWISE_OPERATORS = new Set(["band", "bor", "bxor"]);
const UNMODELLED_KEYWORDS = new Set([
  "class",
  "enum",
  "trap",
  "workflow",
  "data",
  "configuration",
  "using",
  "filter",
]);

/** Characters that end a bare command word or argument. */
const WORD_END = /[\s;|&)}(,{]/;

function syntaxError(name: string, line: number, message: string): ImesimError {
  return new ImesimError("PS_SYNTAX_ERROR", `${name} line ${line}: ${message}`, { path: `line ${line}` });
}

class Parser {
  private pos = 0;
  private noComma = false;
  private readonly text: string;
  private readonly name: string;
  private readonly lineStarts: number[] = [0];

  constructor(text: string, name: string) {
    this.text = text;
    this.name = name;
    for (let i = 0; i < text.length; i += 1) if (text[i] === "\n") this.lineStarts.push(i + 1);
  }

  // ---- positions and characters ----------------------------------------------------------------------------

  lineAt(pos = this.pos): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private peek(offset = 0): string {
    return this.text[this.pos + offset] ?? "";
  }

  private fail(message: string, pos = this.pos): never {
    throw syntaxError(this.name, this.lineAt(pos), message);
  }

  private startsWithWord(word: string): boolean {
    const slice = this.text.slice(this.pos, this.pos + word.length);
    if (slice.toLowerCase() !== word) return false;
    const next = this.text[this.pos + word.length] ?? "";
    return !/[\w-]/.test(next);
  }

  /** Skips spaces, tabs, comments and backtick line continuations (not newlines). */
  private skipSpaces(): void {
    for (;;) {
      const ch = this.peek();
      if (ch === " " || ch === "\t" || ch === "\f" || ch === "\u00a0") this.pos += 1;
      else if (ch === "`" && (this.peek(1) === "\n" || (this.peek(1) === "\r" && this.peek(2) === "\n")))
        this.pos += this.peek(1) === "\r" ? 3 : 2;
      else if (ch === "<" && this.peek(1) === "#") {
        const end = this.text.indexOf("#>", this.pos + 2);
        if (end < 0) this.fail("the block comment is not closed");
        this.pos = end + 2;
      } else if (ch === "#") {
        while (this.pos < this.text.length && this.peek() !== "\n") this.pos += 1;
      } else return;
    }
  }

  /** Skips spaces and line ends (and `;` when asked). */
  private skipBlank(semicolons = false): void {
    for (;;) {
      this.skipSpaces();
      const ch = this.peek();
      if (ch === "\n" || ch === "\r" || (semicolons && ch === ";")) this.pos += 1;
      else return;
    }
  }

  private expect(ch: string): void {
    this.skipSpaces();
    if (this.peek() !== ch) this.fail(`expected "${ch}" here`);
    this.pos += 1;
  }

  // ---- statements --------------------------------------------------------------------------------------------

  /** A whole script: an optional `[CmdletBinding()] param(…)` and its statements. */
  parseScript(): ScriptBlockAst {
    const block = this.parseBlockBody(undefined, 0);
    if (this.pos < this.text.length) this.fail(`unexpected "${this.peek()}"`);
    return block;
  }

  /** The inside of a script block up to `close` (or the end of the text). */
  private parseBlockBody(close: string | undefined, start: number): ScriptBlockAst {
    const line = this.lineAt();
    this.skipBlank(true);
    const params = this.parseParamBlock();
    const named = this.parseNamedBlocks(close);
    if (named !== undefined) return { params, body: [], named, text: this.text.slice(start, this.pos), line };
    const body = this.parseStatements(close);
    return { params, body, text: this.text.slice(start, this.pos), line };
  }

  /**
   * `begin {…} process {…} end {…}` after the param block, in any order; undefined when the block is plain
   * statements. `dynamicparam` is refused, located: its parameters exist only at run time.
   */
  private parseNamedBlocks(close: string | undefined): NamedBlocks | undefined {
    const word = /^(begin|process|end|dynamicparam)\s*\{/i;
    if (!word.test(this.text.slice(this.pos))) return undefined;
    const named: { begin?: Statement[]; process?: Statement[]; end?: Statement[] } = {};
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.text.length || (close !== undefined && this.peek() === close)) {
        if (close !== undefined && this.pos >= this.text.length) this.fail(`"${close}" is missing`);
        return named;
      }
      const m = word.exec(this.text.slice(this.pos));
      if (m === null) this.fail("expected a begin, process or end block");
      const kind = m![1]!.toLowerCase();
      if (kind === "dynamicparam")
        throw new ImesimError(
          "PS_NOT_MODELLED",
          `${this.name} line ${this.lineAt()}: \`dynamicparam\` is not modelled (its parameters exist only at run time)`,
        );
      this.pos += m![0]!.length;
      const statements = this.parseStatements("}");
      this.pos += 1;
      named[kind as "begin" | "process" | "end"] = statements;
    }
  }

  /** Attributes (`[CmdletBinding()]`) and a `param(…)` block, when the block starts with them. */
  private parseParamBlock(): ParamAst[] {
    const save = this.pos;
    while (this.peek() === "[") {
      if (!this.skipAttribute()) {
        this.pos = save;
        return [];
      }
      this.skipBlank();
    }
    if (!this.startsWithWord("param")) {
      this.pos = save;
      return [];
    }
    this.pos += 5;
    this.skipBlank();
    const params = this.parseParameterList();
    this.skipBlank(true);
    return params;
  }

  /** Skips `[Name(…)]`; false when the bracket holds something else (a type cast starting a statement). */
  private skipAttribute(): boolean {
    const match = /^\[\s*([A-Za-z][\w.]*)\s*(\(|\])/.exec(this.text.slice(this.pos));
    if (match === null) return false;
    const name = match[1]!.toLowerCase();
    if (
      !["cmdletbinding", "outputtype", "alias", "diagnostics.codeanalysis.suppressmessageattribute"].includes(
        name,
      )
    )
      return false;
    this.skipBalanced("[", "]");
    return true;
  }

  /** Skips a bracketed region, honouring nested brackets and quotes; returns its text. */
  private skipBalanced(open: string, close: string): string {
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.text.length) {
      const ch = this.peek();
      if (ch === "'" || ch === '"') {
        this.parseStringLiteral();
        continue;
      }
      this.pos += 1;
      if (ch === open) depth += 1;
      else if (ch === close) {
        depth -= 1;
        if (depth === 0) return this.text.slice(start, this.pos);
      }
    }
    return this.fail(`"${open}" is not closed`, start);
  }

  private parseParameterList(): ParamAst[] {
    this.expect("(");
    const params: ParamAst[] = [];
    for (;;) {
      this.skipBlank();
      if (this.peek() === ")") {
        this.pos += 1;
        return params;
      }
      const line = this.lineAt();
      let type: string | undefined;
      let mandatory = false;
      let pipeline: "value" | "property" | undefined;
      while (this.peek() === "[") {
        const text = this.skipBalanced("[", "]");
        if (/^\[\s*parameter\s*\(/i.test(text)) {
          mandatory ||= /mandatory(\s*=\s*\$true)?\s*[,)]/i.test(text);
          if (/valuefrompipelinebypropertyname(\s*=\s*\$true)?\s*[,)]/i.test(text)) pipeline = "property";
          if (/valuefrompipeline(\s*=\s*\$true)?\s*[,)]/i.test(text)) pipeline = "value";
        } else if (!/^\[\s*(validate|alias|allow)/i.test(text)) type = text.slice(1, -1).trim();
        this.skipBlank();
      }
      if (this.peek() !== "$") this.fail("expected a parameter variable");
      const name = this.readVariableName();
      this.skipBlank();
      let defaultValue: Expr | undefined;
      if (this.peek() === "=") {
        this.pos += 1;
        this.skipBlank();
        // The comma ends the parameter here; it does not build an array.
        const outer = this.noComma;
        this.noComma = true;
        try {
          defaultValue = this.parseExpression();
        } finally {
          this.noComma = outer;
        }
        this.skipBlank();
      }
      params.push({
        name,
        type,
        defaultValue,
        mandatory,
        ...(pipeline === undefined ? {} : { pipeline }),
        line,
      });
      if (this.peek() === ",") this.pos += 1;
      else if (this.peek() !== ")") this.fail('expected "," or ")" in the parameter list');
    }
  }

  /** Statements until `close` (not consumed) or the end of the text. */
  parseStatements(close: string | undefined): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.text.length) {
        if (close !== undefined) this.fail(`"${close}" is missing`);
        return statements;
      }
      if (close !== undefined && this.peek() === close) return statements;
      if (close === undefined && (this.peek() === "}" || this.peek() === ")")) return statements;
      statements.push(this.parseStatement());
      this.skipSpaces();
      const ch = this.peek();
      if (ch !== "" && ch !== "\n" && ch !== "\r" && ch !== ";" && ch !== "}" && ch !== ")")
        this.fail(`unexpected "${this.text.slice(this.pos, this.pos + 20).split("\n")[0]}"`);
    }
  }

  private parseBlock(): Statement[] {
    this.skipBlank();
    this.expect("{");
    const body = this.parseStatements("}");
    this.pos += 1;
    return body;
  }

  private parseCondition(): Statement {
    this.skipBlank();
    this.expect("(");
    this.skipBlank();
    const statement = this.parseStatement();
    this.skipBlank();
    this.expect(")");
    return statement;
  }

  parseStatement(): Statement {
    const outer = this.noComma;
    this.noComma = false;
    try {
      return this.parseStatementInner();
    } finally {
      this.noComma = outer;
    }
  }

  private parseStatementInner(): Statement {
    this.skipSpaces();
    const line = this.lineAt();
    const word = /^[A-Za-z]+/.exec(this.text.slice(this.pos, this.pos + 16))?.[0]?.toLowerCase() ?? "";
    if (word !== "" && this.startsWithWord(word)) {
      switch (word) {
        case "if":
          return this.parseIf(line);
        case "foreach":
          return this.parseForeach(line);
        case "for":
          return this.parseFor(line);
        case "while": {
          this.pos += 5;
          const condition = this.parseCondition();
          return { k: "while", condition, body: this.parseBlock(), doLoop: undefined, line };
        }
        case "do":
          return this.parseDo(line);
        case "switch":
          return this.parseSwitch(line);
        case "try":
          return this.parseTry(line);
        case "function":
          return this.parseFunction(line);
        case "return":
        case "exit":
        case "throw":
        case "break":
        case "continue": {
          this.pos += word.length;
          this.skipSpaces();
          const ch = this.peek();
          const ends = ch === "" || ch === "\n" || ch === "\r" || ch === ";" || ch === "}" || ch === ")";
          // `break outer` names a loop label; labels are skipped (the innermost loop is left).
          if (!ends && (word === "break" || word === "continue")) this.parseWordOnly();
          const value = ends || word === "break" || word === "continue" ? undefined : this.parseStatement();
          return { k: "flow", kind: word, value, line };
        }
        default:
          if (UNMODELLED_KEYWORDS.has(word)) {
            throw new ImesimError(
              "PS_NOT_MODELLED",
              `${this.name} line ${line}: \`${word}\` is not modelled`,
              {
                path: `line ${line}`,
              },
            );
          }
      }
    }
    return this.parsePipeline(line);
  }

  private parseWordOnly(): void {
    while (this.pos < this.text.length && !/[\s;})]/.test(this.peek())) this.pos += 1;
  }

  private parseIf(line: number): Statement {
    this.pos += 2;
    const clauses: Array<{ condition: Statement; body: Statement[] }> = [];
    clauses.push({ condition: this.parseCondition(), body: this.parseBlock() });
    let otherwise: Statement[] | undefined;
    for (;;) {
      const save = this.pos;
      this.skipBlank();
      if (this.startsWithWord("elseif")) {
        this.pos += 6;
        clauses.push({ condition: this.parseCondition(), body: this.parseBlock() });
      } else if (this.startsWithWord("else")) {
        this.pos += 4;
        otherwise = this.parseBlock();
        break;
      } else {
        this.pos = save;
        break;
      }
    }
    return { k: "if", clauses, otherwise, line };
  }

  private parseForeach(line: number): Statement {
    this.pos += 7;
    this.expect("(");
    this.skipBlank();
    const variable = this.readVariableName();
    this.skipBlank();
    if (!this.startsWithWord("in")) this.fail('expected "in" in the foreach');
    this.pos += 2;
    this.skipBlank();
    const source = this.parseStatement();
    this.skipBlank();
    this.expect(")");
    return { k: "foreach", variable, source, body: this.parseBlock(), line };
  }

  private parseFor(line: number): Statement {
    this.pos += 3;
    this.expect("(");
    const part = (end: string): Statement | undefined => {
      this.skipBlank();
      if (this.peek() === end) {
        this.pos += 1;
        return undefined;
      }
      const statement = this.parseStatement();
      this.skipBlank();
      this.expect(end);
      return statement;
    };
    const init = part(";");
    const condition = part(";");
    const step = part(")");
    return { k: "for", init, condition, step, body: this.parseBlock(), line };
  }

  private parseDo(line: number): Statement {
    this.pos += 2;
    const body = this.parseBlock();
    this.skipBlank();
    const kind = this.startsWithWord("while") ? "while" : this.startsWithWord("until") ? "until" : undefined;
    if (kind === undefined) this.fail('expected "while" or "until" after the do block');
    this.pos += 5;
    return { k: "while", condition: this.parseCondition(), body, doLoop: kind, line };
  }

  private parseSwitch(line: number): Statement {
    this.pos += 6;
    const flags = new Set<string>();
    for (;;) {
      this.skipSpaces();
      const flag = /^-(\w+)/.exec(this.text.slice(this.pos));
      if (flag === null) break;
      const name = flag[1]!.toLowerCase();
      if (!["wildcard", "regex", "exact", "casesensitive"].includes(name))
        throw new ImesimError(
          "PS_NOT_MODELLED",
          `${this.name} line ${line}: \`switch -${flag[1]}\` is not modelled`,
        );
      flags.add(name);
      this.pos += flag[0].length;
    }
    const subject = this.parseCondition();
    this.skipBlank();
    this.expect("{");
    const clauses: Array<{ pattern: Expr | "default"; body: Statement[] }> = [];
    for (;;) {
      this.skipBlank(true);
      if (this.peek() === "}") {
        this.pos += 1;
        break;
      }
      let pattern: Expr | "default";
      if (this.startsWithWord("default")) {
        this.pos += 7;
        pattern = "default";
      } else if (this.peek() === "{") {
        pattern = this.parsePrimary();
      } else if (/[\w.*?\\-]/.test(this.peek()) && !/^-?\d/.test(this.text.slice(this.pos, this.pos + 2))) {
        const start = this.pos;
        while (this.pos < this.text.length && !/[\s{]/.test(this.peek())) this.pos += 1;
        pattern = { k: "string", value: this.text.slice(start, this.pos), line: this.lineAt(start) };
      } else pattern = this.parseUnary();
      clauses.push({ pattern, body: this.parseBlock() });
    }
    return { k: "switch", flags, subject, clauses, line };
  }

  private parseTry(line: number): Statement {
    this.pos += 3;
    const body = this.parseBlock();
    const catches: Array<{ types: string[]; body: Statement[] }> = [];
    let fin: Statement[] | undefined;
    for (;;) {
      const save = this.pos;
      this.skipBlank();
      if (this.startsWithWord("catch")) {
        this.pos += 5;
        const types: string[] = [];
        for (;;) {
          this.skipBlank();
          if (this.peek() !== "[") break;
          types.push(this.skipBalanced("[", "]").slice(1, -1).trim());
          this.skipBlank();
          if (this.peek() === ",") this.pos += 1;
        }
        catches.push({ types, body: this.parseBlock() });
      } else if (this.startsWithWord("finally")) {
        this.pos += 7;
        fin = this.parseBlock();
        break;
      } else {
        this.pos = save;
        break;
      }
    }
    if (catches.length === 0 && fin === undefined) this.fail("a try needs a catch or a finally");
    return { k: "try", body, catches, finally: fin, line };
  }

  private parseFunction(line: number): Statement {
    this.pos += 8;
    this.skipSpaces();
    const start = this.pos;
    while (this.pos < this.text.length && !/[\s({]/.test(this.peek())) this.pos += 1;
    const name = this.text.slice(start, this.pos).replace(/^(global|script|local):/i, "");
    if (name === "") this.fail("the function has no name");
    this.skipSpaces();
    let params: ParamAst[] = [];
    if (this.peek() === "(") params = this.parseParameterList();
    this.skipBlank();
    this.expect("{");
    const blockStart = this.pos;
    const block = this.parseBlockBody("}", blockStart);
    this.pos += 1;
    return { k: "function", name, block: params.length > 0 ? { ...block, params } : block, line };
  }

  // ---- pipelines and commands ---------------------------------------------------------------------------

  private parsePipeline(line: number): Statement {
    const elements: PipeElement[] = [];
    for (;;) {
      this.skipSpaces();
      const element = this.parsePipeElement();
      if (elements.length === 0 && element.k === "expr" && element.redirections.length === 0) {
        this.skipSpaces();
        const op = /^(=|\+=|-=|\*=|\/=|%=)(?![=])/.exec(this.text.slice(this.pos, this.pos + 2));
        if (op !== null && this.isAssignable(element.expr)) {
          this.pos += op[1]!.length;
          this.skipBlank();
          return { k: "assign", target: element.expr, op: op[1]!, value: this.parseStatement(), line };
        }
      }
      elements.push(element);
      this.skipSpaces();
      if (this.peek() === "|" && this.peek(1) !== "|") {
        this.pos += 1;
        this.skipBlank();
        continue;
      }
      return { k: "pipeline", elements, line };
    }
  }

  private isAssignable(expr: Expr): boolean {
    return (
      expr.k === "variable" ||
      expr.k === "member" ||
      expr.k === "index" ||
      (expr.k === "cast" && expr.operand.k === "variable")
    );
  }

  private parsePipeElement(): PipeElement {
    const line = this.lineAt();
    const ch = this.peek();
    if ((ch === "&" || ch === ".") && /[\s"'$({]/.test(this.peek(1))) {
      this.pos += 1;
      this.skipSpaces();
      if (!/[$('"@{]/.test(this.peek())) {
        // `& msiexec.exe /i …`: a bare command word after the call operator.
        const start = this.pos;
        while (this.pos < this.text.length && !WORD_END.test(this.peek())) this.pos += 1;
        return this.parseCommandRest(this.text.slice(start, this.pos), ch, line);
      }
      const name = this.parsePostfix(this.parsePrimary());
      return this.parseCommandRest(name, ch, line);
    }
    if (this.startsCommand()) {
      const start = this.pos;
      while (this.pos < this.text.length && !WORD_END.test(this.peek())) this.pos += 1;
      return this.parseCommandRest(this.text.slice(start, this.pos), undefined, line);
    }
    const expr = this.parseExpression();
    return { k: "expr", expr, redirections: this.parseRedirections(), line };
  }

  /** Whether the text here starts a command name rather than an expression. */
  private startsCommand(): boolean {
    const ch = this.peek();
    if (ch === "" || /[$('"@[{,!+]/.test(ch)) return false;
    if (/\d/.test(ch)) {
      // `1..3`, `5 -gt 3`, `0x10` are expressions; `7z.exe` is a command.
      return (
        /^\d[\w.]*[a-z_][\w.]*(?=[\s;|)}]|$)/i.test(this.text.slice(this.pos)) &&
        !/^\d+(\.\d+)?(kb|mb|gb|tb|l|d)?(?=[\s;|)}]|$)/i.test(this.text.slice(this.pos)) &&
        !/^\d+\.\.\d/.test(this.text.slice(this.pos))
      );
    }
    if (ch === "-")
      return (
        /^-[a-z]/i.test(this.text.slice(this.pos)) &&
        !/^-(not|bnot|split|join)\b/i.test(this.text.slice(this.pos))
      );
    if (ch === ".") return /^\.{1,2}[\\/]/.test(this.text.slice(this.pos));
    if (ch === "%" || ch === "?") return /^[%?]\s*[{\w]/.test(this.text.slice(this.pos));
    return /[\w\\/:~]/.test(ch);
  }

  private parseCommandRest(
    name: string | Expr,
    invocation: "&" | "." | undefined,
    line: number,
  ): PipeElement {
    const args: CommandArg[] = [];
    const redirections: Redirection[] = [];
    for (;;) {
      this.skipSpaces();
      const ch = this.peek();
      if (ch === "" || ch === "\n" || ch === "\r" || ch === ";" || ch === ")" || ch === "}" || ch === "|")
        break;
      if (ch === "&" && this.peek(1) === "&") break;
      const redirection = this.tryRedirection();
      if (redirection !== undefined) {
        redirections.push(redirection);
        continue;
      }
      const start = this.pos;
      if (this.text.startsWith("--%", this.pos)) {
        this.pos += 3;
        const rest = /^[^\r\n]*/.exec(this.text.slice(this.pos))![0];
        this.pos += rest.length;
        args.push({ k: "value", value: { k: "string", value: rest.trim(), line }, text: rest.trim() });
        continue;
      }
      const param = /^-([A-Za-z_?][\w-]*)(:)?/.exec(this.text.slice(this.pos));
      if (ch === "-" && param !== null && !/^-\d/.test(this.text.slice(this.pos))) {
        this.pos += param[0].length;
        let value: Expr | undefined;
        if (param[2] === ":") {
          this.skipSpaces();
          value = this.parseArgumentValue();
        }
        args.push({ k: "param", name: param[1]!, value, text: this.text.slice(start, this.pos) });
        continue;
      }
      if (ch === "@" && /[A-Za-z_]/.test(this.peek(1))) {
        this.pos += 1;
        const variable = /^[\w:]+/.exec(this.text.slice(this.pos))![0];
        this.pos += variable.length;
        args.push({ k: "splat", variable, text: `@${variable}` });
        continue;
      }
      const value = this.parseArgumentValue();
      args.push({ k: "value", value, text: this.text.slice(start, this.pos) });
    }
    return { k: "command", name, invocation, args, redirections, line };
  }

  /** One command argument, with `a,b,c` lists: an expression when it stands alone, else a bare word. */
  private parseArgumentValue(): Expr {
    const line = this.lineAt();
    const items: Expr[] = [this.parseArgumentItem()];
    for (;;) {
      this.skipSpaces();
      if (this.peek() !== ",") break;
      this.pos += 1;
      this.skipBlank();
      items.push(this.parseArgumentItem());
    }
    return items.length === 1 ? items[0]! : { k: "array", items, line };
  }

  private parseArgumentItem(): Expr {
    const start = this.pos;
    const line = this.lineAt();
    const ch = this.peek();
    if (/[$('"@{[\d-]/.test(ch) || (ch === "." && /\d/.test(this.peek(1)))) {
      try {
        const expr = this.parsePostfix(this.parsePrimaryOrNumber());
        if (
          this.pos >= this.text.length ||
          /[\s;|)},]/.test(this.peek()) ||
          this.text.startsWith("&&", this.pos)
        )
          return expr;
      } catch (error) {
        if (!(error instanceof ImesimError) || error.code !== "PS_SYNTAX_ERROR") throw error;
      }
      this.pos = start;
    }
    // A bare word: text with `$variable` and `$(…)` expanded, as in a double-quoted string.
    const parts: StringPart[] = [];
    let literal = "";
    while (this.pos < this.text.length) {
      const c = this.peek();
      if (/[\s;|)},]/.test(c)) break;
      if (c === "`") {
        literal += this.text[this.pos + 1] ?? "";
        this.pos += 2;
      } else if (c === "$" && /[\w{(:?_]/.test(this.peek(1))) {
        if (literal !== "") parts.push(literal);
        literal = "";
        parts.push(this.parseVariableInString());
      } else if (c === '"' || c === "'") {
        const quoted = this.parseStringLiteral();
        if (literal !== "") parts.push(literal);
        literal = "";
        parts.push(quoted);
      } else {
        literal += c;
        this.pos += 1;
      }
    }
    if (literal !== "") parts.push(literal);
    if (parts.length === 0) this.fail("expected an argument");
    if (parts.length === 1 && typeof parts[0] === "string") return { k: "string", value: parts[0], line };
    return { k: "expandable", parts, line };
  }

  private tryRedirection(): Redirection | undefined {
    const m = /^(\*|[1-6])?(>>|>)(&1)?/.exec(this.text.slice(this.pos));
    if (m === null) return undefined;
    this.pos += m[0].length;
    const stream = m[1] === "*" ? 0 : Number(m[1] ?? "1");
    if (m[3] !== undefined) return { stream, target: "&1", append: false };
    this.skipSpaces();
    return { stream, target: this.parseArgumentItem(), append: m[2] === ">>" };
  }

  private parseRedirections(): Redirection[] {
    const out: Redirection[] = [];
    for (;;) {
      this.skipSpaces();
      const r = this.tryRedirection();
      if (r === undefined) return out;
      out.push(r);
    }
  }

  // ---- expressions ----------------------------------------------------------------------------------------

  /** A full expression: logical, bitwise, comparison, additive, multiplicative, format, range, comma. */
  parseExpression(): Expr {
    return this.parseBinary(0);
  }

  private static readonly LEVELS: ReadonlyArray<(op: string) => boolean> = [
    (op) => LOGICAL_OPERATORS.has(op),
    (op) => BITWISE_OPERATORS.has(op),
    (op) => COMPARISON_OPERATORS.has(op),
    (op) => op === "+" || op === "-",
    (op) => op === "*" || op === "/" || op === "%",
    (op) => op === "f",
  ];

  private parseBinary(level: number): Expr {
    if (level >= Parser.LEVELS.length) return this.parseComma();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const save = this.pos;
      this.skipSpaces();
      const op = this.readOperator();
      if (op === undefined || !Parser.LEVELS[level]!(op.name)) {
        this.pos = save;
        return left;
      }
      this.pos += op.length;
      this.skipBlank();
      const right = this.parseBinary(level + 1);
      left = { k: "binary", op: op.name, left, right, line: left.line };
    }
  }

  /** The operator at the cursor (`-eq` → "eq", `+` → "+"), without consuming it. */
  private readOperator(): { name: string; length: number } | undefined {
    const ch = this.peek();
    if (ch === "-" || ch === "\u2013") {
      const m = /^[-\u2013]([a-z]+)(?![\w-])/i.exec(this.text.slice(this.pos));
      if (m !== null) return { name: m[1]!.toLowerCase(), length: m[0].length };
      if (this.peek(1) === "=" || this.peek(1) === "-") return undefined;
      return { name: "-", length: 1 };
    }
    if (
      (ch === "+" || ch === "*" || ch === "/" || ch === "%") &&
      this.peek(1) !== "=" &&
      this.peek(1) !== "+"
    )
      return { name: ch, length: 1 };
    return undefined;
  }

  private parseComma(): Expr {
    const first = this.parseRange();
    // In method arguments the comma separates arguments rather than building an array.
    if (this.noComma) return first;
    const save = this.pos;
    this.skipSpaces();
    if (this.peek() !== ",") {
      this.pos = save;
      return first;
    }
    const items = [first];
    while (this.peek() === ",") {
      this.pos += 1;
      this.skipBlank();
      items.push(this.parseRange());
      const again = this.pos;
      this.skipSpaces();
      if (this.peek() !== ",") {
        this.pos = again;
        break;
      }
    }
    return { k: "array", items, line: first.line };
  }

  private parseRange(): Expr {
    const left = this.parseUnary();
    if (this.text.startsWith("..", this.pos)) {
      this.pos += 2;
      const right = this.parseUnary();
      return { k: "binary", op: "..", left, right, line: left.line };
    }
    return left;
  }

  parseUnary(): Expr {
    this.skipSpaces();
    const line = this.lineAt();
    const rest = this.text.slice(this.pos, this.pos + 8);
    const word = /^-(not|bnot|split|join)(?![\w-])/i.exec(rest);
    if (word !== null) {
      this.pos += word[0].length;
      this.skipBlank();
      return { k: "unary", op: word[1]!.toLowerCase(), operand: this.parseUnary(), line };
    }
    if (this.peek() === "!") {
      this.pos += 1;
      return { k: "unary", op: "not", operand: this.parseUnary(), line };
    }
    if (rest.startsWith("++") || rest.startsWith("--")) {
      this.pos += 2;
      const target = this.parseUnary();
      return { k: "increment", target, delta: rest.startsWith("++") ? 1 : -1, prefix: true, line };
    }
    if (this.peek() === "-" && !/\d|\./.test(this.peek(1))) {
      this.pos += 1;
      return { k: "unary", op: "-", operand: this.parseUnary(), line };
    }
    if (this.peek() === "+" && !/\d/.test(this.peek(1))) {
      this.pos += 1;
      return { k: "unary", op: "+", operand: this.parseUnary(), line };
    }
    if (this.peek() === ",") {
      this.pos += 1;
      return { k: "array", items: [this.parseUnary()], line };
    }
    if (this.peek() === "[") {
      const save = this.pos;
      const type = this.tryTypeLiteral();
      if (type !== undefined) {
        this.skipSpaces();
        const next = this.peek();
        if (next === ":" && this.peek(1) === ":") {
          return this.parsePostfix({ k: "type", name: type, line });
        }
        if (next !== "" && /[$('"@[\d{-]/.test(next)) {
          return { k: "cast", type, operand: this.parseUnary(), line };
        }
        return this.parsePostfix({ k: "type", name: type, line });
      }
      this.pos = save;
    }
    const primary = this.parsePrimaryOrNumber();
    return this.parsePostfix(primary);
  }

  /** `[TypeName]` / `[string[]]` / `[System.Collections.Generic.List[string]]`; undefined when not a type. */
  private tryTypeLiteral(): string | undefined {
    const m = /^\[\s*([A-Za-z_][\w.`]*(?:\[[\w.,\s[\]]*\])*)\s*\]/.exec(this.text.slice(this.pos));
    if (m === null) return undefined;
    this.pos += m[0].length;
    return m[1]!;
  }

  private parsePrimaryOrNumber(): Expr {
    const number = /^-?(0x[0-9a-f]+|(?:\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?)(kb|mb|gb|tb|pb|l|d)?(?!\w)/i.exec(
      this.text.slice(this.pos),
    );
    if (number !== null && !(this.peek() === "-" && !/\d/.test(this.peek(1)))) {
      // `1..3`: the number stops before the range operator.
      const text = number[0];
      const line = this.lineAt();
      this.pos += text.length;
      let value = /^-?0x/i.test(text)
        ? (text.startsWith("-") ? -1 : 1) * Number.parseInt(text.replace(/^-?0x/i, ""), 16)
        : Number.parseFloat(text);
      const suffix = /(kb|mb|gb|tb|pb)$/i.exec(text)?.[1]?.toLowerCase();
      if (suffix !== undefined) value *= 1024 ** (["kb", "mb", "gb", "tb", "pb"].indexOf(suffix) + 1);
      return { k: "number", value, line };
    }
    return this.parsePrimary();
  }

  parsePrimary(): Expr {
    const line = this.lineAt();
    const ch = this.peek();
    const start = this.pos;
    if (ch === "'" || ch === '"') return this.parseStringLiteral();
    if (ch === "@" && (this.peek(1) === '"' || this.peek(1) === "'")) return this.parseHereString();
    if (ch === "$" && this.peek(1) === "(") {
      this.pos += 2;
      const body = this.parseStatements(")");
      this.pos += 1;
      return { k: "subexpression", body, line };
    }
    if (ch === "@" && this.peek(1) === "(") {
      this.pos += 2;
      const body = this.parseStatements(")");
      this.pos += 1;
      return { k: "arrayexpression", body, line };
    }
    if (ch === "@" && this.peek(1) === "{") return this.parseHashtable();
    if (ch === "$") return { k: "variable", name: this.readVariableName(), line };
    if (ch === "(") {
      this.pos += 1;
      this.skipBlank();
      const statement = this.parseStatement();
      this.skipBlank();
      this.expect(")");
      return { k: "paren", statement, line };
    }
    if (ch === "{") {
      this.pos += 1;
      const block = this.parseBlockBody("}", start + 1);
      this.pos += 1;
      return { k: "scriptblock", block, line };
    }
    if (ch === "[") {
      const type = this.tryTypeLiteral();
      if (type !== undefined) return { k: "type", name: type, line };
    }
    const word = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.pos));
    if (word !== null) {
      // A bare word in expression mode (a hashtable key, a member name, `-ArgumentList /qn`).
      this.pos += word[0].length;
      return { k: "string", value: word[0], line };
    }
    return this.fail(ch === "" ? "the expression is incomplete" : `unexpected "${ch}"`);
  }

  private parsePostfix(target: Expr): Expr {
    let expr = target;
    for (;;) {
      const ch = this.peek();
      if (ch === "." && this.peek(1) !== "." && /[\w"'$(]/.test(this.peek(1))) {
        this.pos += 1;
        expr = this.parseMember(expr, false);
      } else if (ch === ":" && this.peek(1) === ":") {
        this.pos += 2;
        expr = this.parseMember(expr, true);
      } else if (ch === "[" && expr.k !== "type") {
        this.pos += 1;
        this.skipBlank();
        const index = this.parseExpression();
        this.skipBlank();
        this.expect("]");
        expr = { k: "index", target: expr, index, line: expr.line };
      } else if (
        (ch === "+" && this.peek(1) === "+") ||
        (ch === "-" && this.peek(1) === "-" && !/\w/.test(this.peek(2)))
      ) {
        this.pos += 2;
        expr = { k: "increment", target: expr, delta: ch === "+" ? 1 : -1, prefix: false, line: expr.line };
      } else return expr;
    }
  }

  private parseMember(target: Expr, isStatic: boolean): Expr {
    const line = target.line;
    let name: string | Expr;
    const word = /^[A-Za-z_][\w]*/.exec(this.text.slice(this.pos));
    if (word !== null) {
      name = word[0];
      this.pos += word[0].length;
    } else name = this.parsePrimary();
    if (this.peek() === "(" && typeof name === "string") {
      this.pos += 1;
      const args: Expr[] = [];
      this.skipBlank();
      while (this.peek() !== ")") {
        const outer = this.noComma;
        this.noComma = true;
        try {
          args.push(this.parseBinary(0));
        } finally {
          this.noComma = outer;
        }
        this.skipBlank();
        if (this.peek() === ",") {
          this.pos += 1;
          this.skipBlank();
        } else if (this.peek() !== ")") this.fail('expected "," or ")" in the method call');
      }
      this.pos += 1;
      return { k: "invoke", target, name, args, isStatic, line };
    }
    return { k: "member", target, name, isStatic, line };
  }

  // ---- literals ------------------------------------------------------------------------------------------

  private parseHashtable(): Expr {
    const line = this.lineAt();
    this.pos += 2;
    const entries: Array<{ key: Expr; value: Statement }> = [];
    for (;;) {
      this.skipBlank(true);
      if (this.peek() === "}") {
        this.pos += 1;
        return { k: "hashtable", entries, line };
      }
      const key = this.parseUnary();
      this.skipSpaces();
      this.expect("=");
      this.skipBlank();
      entries.push({ key, value: this.parseStatement() });
    }
  }

  /** `$name`, `${any name}`, `$env:Path`, `$script:x`, `$_`, `$?`. Returns the name without `$`. */
  readVariableName(): string {
    this.pos += 1;
    if (this.peek() === "{") {
      const end = this.text.indexOf("}", this.pos);
      if (end < 0) this.fail("the variable name is not closed");
      const name = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return name;
    }
    if (this.peek() === "?" || this.peek() === "$" || this.peek() === "^") {
      this.pos += 1;
      return this.text[this.pos - 1]!;
    }
    const m = /^(?:[A-Za-z]+:(?!:))?[\w?]*/.exec(this.text.slice(this.pos));
    const name = m?.[0] ?? "";
    if (name === "") this.fail("expected a variable name after $");
    this.pos += name.length;
    return name;
  }

  private parseVariableInString(): Expr {
    const line = this.lineAt();
    if (this.peek(1) === "(") {
      this.pos += 2;
      const body = this.parseStatements(")");
      this.pos += 1;
      return { k: "subexpression", body, line };
    }
    const save = this.pos;
    this.pos += 1;
    if (this.peek() === "{") {
      this.pos = save;
      return { k: "variable", name: this.readVariableName(), line };
    }
    const m = /^(?:[A-Za-z]+:(?=[\w]))?[\w?]+/.exec(this.text.slice(this.pos));
    if (m === null) {
      this.pos = save + 1;
      return { k: "string", value: "$", line };
    }
    this.pos += m[0].length;
    return { k: "variable", name: m[0], line };
  }

  parseStringLiteral(): Expr {
    const line = this.lineAt();
    const quote = this.peek();
    this.pos += 1;
    if (quote === "'") {
      let value = "";
      for (;;) {
        if (this.pos >= this.text.length) this.fail("the string is not closed", this.lineStarts[line - 1]);
        const c = this.peek();
        if (c === "'" || c === "\u2019" || c === "\u2018") {
          if (this.peek(1) === "'") {
            value += "'";
            this.pos += 2;
            continue;
          }
          this.pos += 1;
          return { k: "string", value, line };
        }
        value += c;
        this.pos += 1;
      }
    }
    return this.parseExpandable((c) => c === '"' || c === "\u201c" || c === "\u201d", line, true);
  }

  private parseExpandable(isEnd: (c: string) => boolean, line: number, doubledQuote: boolean): Expr {
    const parts: StringPart[] = [];
    let literal = "";
    for (;;) {
      if (this.pos >= this.text.length) this.fail("the string is not closed", this.lineStarts[line - 1]);
      const c = this.peek();
      if (isEnd(c)) {
        if (doubledQuote && this.peek(1) === '"') {
          literal += '"';
          this.pos += 2;
          continue;
        }
        this.pos += 1;
        break;
      }
      if (c === "`") {
        literal += ESCAPES[this.peek(1)] ?? this.peek(1);
        this.pos += 2;
      } else if (c === "$" && /[\w{(:?_]/.test(this.peek(1))) {
        if (literal !== "") parts.push(literal);
        literal = "";
        parts.push(this.parseVariableInString());
      } else {
        literal += c;
        this.pos += 1;
      }
    }
    if (literal !== "") parts.push(literal);
    if (parts.every((p) => typeof p === "string")) return { k: "string", value: parts.join(""), line };
    return { k: "expandable", parts, line };
  }

  private parseHereString(): Expr {
    const line = this.lineAt();
    const quote = this.peek(1);
    const open = /^@["'][ \t]*\r?\n/.exec(this.text.slice(this.pos));
    if (open === null) this.fail("a here-string must start a new line after @\" or @'");
    this.pos += open[0].length;
    const close = new RegExp(`\\r?\\n${quote}@`, "g");
    close.lastIndex = this.pos;
    const end = close.exec(this.text);
    if (end === null) this.fail("the here-string is not closed");
    if (quote === "'") {
      const value = this.text.slice(this.pos, end.index);
      this.pos = end.index + end[0].length;
      return { k: "string", value, line };
    }
    const stop = end.index;
    const expr = this.parseExpandable(() => this.pos === stop, line, false);
    this.pos = stop + end[0].length;
    return expr;
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  "0": "\0",
  a: "\u0007",
  b: "\b",
  e: "\u001b",
  f: "\f",
  v: "\v",
};

/** Parses a script into its syntax tree; errors are PS_SYNTAX_ERROR / PS_NOT_MODELLED naming the line. */
export function parseScript(text: string, name = "script"): ScriptBlockAst {
  return new Parser(text.replace(/^\uFEFF/, ""), name).parseScript();
}
