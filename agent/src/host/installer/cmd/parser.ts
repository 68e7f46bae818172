// Builds commands from tokens the way cmd's phase 2 does (windows-formats.md §6.1): `|` binds tighter than
// `&&`/`||`, which bind tighter than `&`; a parenthesised block may span lines; IF and FOR own the rest of
// their line; `else` belongs to an IF only right after the `)` of its true branch. Never throws.
import type { Command, ComparisonOperator, Condition } from "./ast.ts";
import { type Redirection, SYNTAX_ERROR_MESSAGE, type Token, tokenize } from "./tokenizer.ts";

export type ParseResult =
  | { readonly complete: true; readonly commands: readonly Command[] }
  /** A `(` block is still open: the caller reads another line and parses again. */
  | { readonly complete: false };

const COMPARISON_OPERATORS = new Set(["EQU", "NEQ", "LSS", "LEQ", "GTR", "GEQ"]);

class Incomplete {}
class SyntaxFailure {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** Parses percent-expanded statement text (one line, or several while a block is open). */
export function parseStatement(text: string): ParseResult {
  return parseTokens(tokenize(text));
}

/** Parses tokens into the statement's commands, one per line at the top level. */
export function parseTokens(tokens: readonly Token[]): ParseResult {
  const parser = new Parser(tokens);
  try {
    const commands: Command[] = [];
    while (!parser.atEnd()) {
      if (parser.peek()?.kind === "newline") {
        parser.next();
        continue;
      }
      commands.push(parser.sequence());
      // A stray `)` at the top level: cmd ignores the rest of the line.
      if (parser.peek()?.kind === "close") parser.skipLine();
    }
    return { complete: true, commands };
  } catch (failure) {
    if (failure instanceof Incomplete) return { complete: false };
    if (failure instanceof SyntaxFailure)
      return { complete: true, commands: [{ type: "error", message: failure.message }] };
    throw failure;
  }
}

class Parser {
  private readonly tokens: readonly Token[];
  private position = 0;
  private depth = 0;

  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
  }

  atEnd(): boolean {
    return this.position >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.position];
  }

  next(): Token | undefined {
    const token = this.tokens[this.position];
    this.position += 1;
    return token;
  }

  skipLine(): void {
    while (!this.atEnd() && this.peek()?.kind !== "newline") this.position += 1;
  }

  /** `a & b`: stops before a newline, before `)` closing a block, or at the end. */
  sequence(): Command {
    let left = this.andOr();
    for (;;) {
      const token = this.peek();
      if (token?.kind !== "operator" || token.op !== "&") return left;
      this.next();
      const right = this.atCommandBoundary() ? ({ type: "empty" } as const) : this.andOr();
      left = { type: "chain", op: "&", left, right };
    }
  }

  private andOr(): Command {
    let left = this.pipeline();
    for (;;) {
      const token = this.peek();
      if (token?.kind !== "operator" || (token.op !== "&&" && token.op !== "||")) return left;
      this.next();
      if (this.atCommandBoundary()) throw new SyntaxFailure(`${token.op} was unexpected at this time.`);
      left = { type: "chain", op: token.op, left, right: this.pipeline() };
    }
  }

  private pipeline(): Command {
    let left = this.command();
    for (;;) {
      const token = this.peek();
      if (token?.kind !== "operator" || token.op !== "|") return left;
      this.next();
      if (this.atCommandBoundary()) throw new SyntaxFailure("| was unexpected at this time.");
      left = { type: "chain", op: "|", left, right: this.command() };
    }
  }

  private atCommandBoundary(): boolean {
    const token = this.peek();
    return token === undefined || token.kind === "newline" || (token.kind === "close" && this.depth > 0);
  }

  private command(): Command {
    const token = this.peek();
    if (token === undefined || token.kind === "newline") return { type: "empty" };
    switch (token.kind) {
      case "open":
        this.next();
        return this.block();
      case "close":
        if (this.depth > 0) return { type: "empty" };
        this.skipLine();
        return { type: "empty" };
      case "operator":
        throw new SyntaxFailure(`${token.op} was unexpected at this time.`);
      case "error":
        throw new SyntaxFailure(token.message);
      case "redirect":
      case "word":
        return this.simpleOrKeyword();
    }
  }

  private block(): Command {
    this.depth += 1;
    const body: Command[] = [];
    for (;;) {
      const token = this.peek();
      if (token === undefined) throw new Incomplete();
      if (token.kind === "newline") {
        this.next();
        continue;
      }
      if (token.kind === "close") {
        this.next();
        break;
      }
      body.push(this.sequence());
    }
    this.depth -= 1;
    return { type: "block", body, redirects: this.trailingRedirects() };
  }

  private trailingRedirects(): Redirection[] {
    const redirects: Redirection[] = [];
    for (;;) {
      const token = this.peek();
      if (token?.kind === "redirect") {
        redirects.push(token.redirect);
        this.next();
      } else if (token?.kind === "error") {
        throw new SyntaxFailure(token.message);
      } else {
        return redirects;
      }
    }
  }

  private simpleOrKeyword(): Command {
    const redirects: Redirection[] = [];
    let quiet = false;
    let name: string | undefined;
    // Redirections may come before the command name (`>log echo x`), and `@` may be its own word.
    while (name === undefined) {
      const token = this.peek();
      if (token?.kind === "redirect") {
        redirects.push(token.redirect);
        this.next();
        continue;
      }
      if (token?.kind === "open" && redirects.length === 0 && quiet) {
        this.next();
        return this.block();
      }
      if (token?.kind !== "word")
        return quiet || redirects.length > 0 ? this.finishEmpty(quiet, redirects) : { type: "empty" };
      this.next();
      let text = token.text;
      while (text.startsWith("@")) {
        quiet = true;
        text = text.slice(1);
      }
      if (text !== "") name = text;
    }
    const keyword = name.toLowerCase();
    if (redirects.length === 0) {
      if (keyword === "rem" || name.startsWith(":")) {
        this.skipLine();
        return { type: "empty" };
      }
      if (keyword === "if") return this.ifCommand();
      if (keyword === "for") return this.forCommand();
    }
    let args = "";
    for (;;) {
      const token = this.peek();
      if (token === undefined) break;
      // Blanks before an operator, a redirection or the line end stay in the arguments, as cmd keeps them.
      if (token.kind === "newline" || token.kind === "operator") {
        args += token.space;
        break;
      }
      if (token.kind === "close") {
        if (this.depth > 0) {
          args += token.space;
          break;
        }
        args += `${token.space})`;
      } else if (token.kind === "open") {
        args += `${token.space}(`;
      } else if (token.kind === "word") {
        args += token.space + token.text;
      } else if (token.kind === "redirect") {
        args += token.space;
        redirects.push(token.redirect);
      } else {
        throw new SyntaxFailure(token.message);
      }
      this.next();
    }
    return { type: "simple", quiet, name, args, redirects };
  }

  private finishEmpty(quiet: boolean, redirects: Redirection[]): Command {
    // `@` alone or `> file` alone: cmd still creates the redirection target.
    return { type: "simple", quiet, name: "", args: "", redirects };
  }

  private word(): string {
    const token = this.peek();
    if (token?.kind !== "word") throw new SyntaxFailure(SYNTAX_ERROR_MESSAGE);
    this.next();
    return token.text;
  }

  private peekWord(): string | undefined {
    const token = this.peek();
    return token?.kind === "word" ? token.text : undefined;
  }

  private ifCommand(): Command {
    let negate = false;
    let ignoreCase = false;
    for (;;) {
      const option = this.peekWord()?.toLowerCase();
      if (option === "/i" && !ignoreCase) ignoreCase = true;
      else if (option === "not" && !negate) negate = true;
      else break;
      this.next();
    }
    const condition = this.condition();
    if (this.atCommandBoundary() || this.peek()?.kind === "operator")
      throw new SyntaxFailure(SYNTAX_ERROR_MESSAGE);
    let whenTrue: Command;
    let otherwise: Command | undefined;
    if (this.peek()?.kind === "open") {
      this.next();
      whenTrue = this.block();
      if (this.peekWord()?.toLowerCase() === "else") {
        this.next();
        if (this.atCommandBoundary()) throw new SyntaxFailure(SYNTAX_ERROR_MESSAGE);
        otherwise = this.sequence();
      }
    } else {
      whenTrue = this.sequence();
    }
    return { type: "if", negate, ignoreCase, condition, whenTrue, otherwise };
  }

  private condition(): Condition {
    const first = this.word();
    const keyword = first.toLowerCase();
    const nextIsWord = this.peekWord() !== undefined;
    if (nextIsWord && keyword === "exist") return { kind: "exist", path: this.word() };
    if (nextIsWord && keyword === "defined") return { kind: "defined", name: this.word() };
    if (nextIsWord && keyword === "errorlevel") return { kind: "errorlevel", level: this.word() };
    if (nextIsWord && keyword === "cmdextversion") return { kind: "cmdextversion", level: this.word() };
    const split = splitAtDoubleEquals(first);
    if (split !== undefined) {
      const right = split.right === "" ? this.word() : split.right;
      return { kind: "compare", op: "==", left: split.left, right };
    }
    const operator = this.word();
    if (operator.startsWith("==")) {
      const rest = operator.slice(2);
      return { kind: "compare", op: "==", left: first, right: rest === "" ? this.word() : rest };
    }
    const upper = operator.toUpperCase();
    if (!COMPARISON_OPERATORS.has(upper)) throw new SyntaxFailure(`${operator} was unexpected at this time.`);
    return { kind: "compare", op: upper as ComparisonOperator, left: first, right: this.word() };
  }

  private forCommand(): Command {
    let mode: "files" | "directories" | "recursive" | "range" | "parse" = "files";
    let option = "";
    const switchWord = this.peekWord()?.toLowerCase();
    if (switchWord === "/d" || switchWord === "/r" || switchWord === "/l" || switchWord === "/f") {
      this.next();
      mode = ({ "/d": "directories", "/r": "recursive", "/l": "range", "/f": "parse" } as const)[switchWord];
      const candidate = this.peekWord();
      if (
        (mode === "recursive" || mode === "parse") &&
        candidate !== undefined &&
        !candidate.startsWith("%")
      ) {
        option = this.word();
      }
    }
    const variableWord = this.word();
    const variable = /^%{1,2}([^%])$/.exec(variableWord)?.[1];
    if (variable === undefined) throw new SyntaxFailure(`${variableWord} was unexpected at this time.`);
    if (this.word().toLowerCase() !== "in") throw new SyntaxFailure(SYNTAX_ERROR_MESSAGE);
    if (this.next()?.kind !== "open") throw new SyntaxFailure(SYNTAX_ERROR_MESSAGE);
    let set = "";
    let nesting = 0;
    for (;;) {
      const token = this.next();
      if (token === undefined) throw new Incomplete();
      if (token.kind === "close") {
        if (nesting === 0) break;
        nesting -= 1;
        set += `${token.space})`;
      } else if (token.kind === "open") {
        nesting += 1;
        set += `${token.space}(`;
      } else {
        set += token.space + tokenText(token);
      }
    }
    if (this.word().toLowerCase() !== "do") throw new SyntaxFailure(SYNTAX_ERROR_MESSAGE);
    if (this.atCommandBoundary()) throw new SyntaxFailure(SYNTAX_ERROR_MESSAGE);
    return { type: "for", mode, option, variable, set: set.trim(), body: this.sequence() };
  }
}

function tokenText(token: Token): string {
  switch (token.kind) {
    case "word":
      return token.text;
    case "operator":
      return token.op;
    case "newline":
      return " ";
    case "open":
      return "(";
    case "close":
      return ")";
    case "error":
      return "";
    case "redirect": {
      const r = token.redirect;
      const symbol = r.mode === "read" ? "<" : r.mode === "append" ? ">>" : ">";
      return r.mode === "duplicate"
        ? `${r.fd}>&${r.targetFd}`
        : `${r.fd === 1 || r.fd === 0 ? "" : r.fd}${symbol}${r.target}`;
    }
  }
}

/** Splits `left==right` at the first `==` outside quotes; undefined when there is none. */
function splitAtDoubleEquals(text: string): { left: string; right: string } | undefined {
  let quoted = false;
  for (let i = 0; i < text.length - 1; i += 1) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "=" && text[i + 1] === "=") {
      if (i === 0) return undefined;
      let end = i + 2;
      while (text[end] === "=") end += 1;
      return { left: text.slice(0, i), right: text.slice(end) };
    }
  }
  return undefined;
}
