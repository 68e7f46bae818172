// Phase 2 of cmd's parser (windows-formats.md §6.1): after percent expansion, split a statement into words,
// operators, parentheses and redirections. Quotes and `^` decide what is special. Never throws: a malformed
// redirection becomes an "error" token the parser reports the way cmd does.

/** Whitespace that separates a word from what precedes it (kept so commands like echo see their raw text). */
interface Spaced {
  readonly space: string;
}

export type Token =
  | (Spaced & { readonly kind: "word"; readonly text: string })
  | (Spaced & { readonly kind: "operator"; readonly op: "&" | "&&" | "|" | "||" })
  | (Spaced & { readonly kind: "open" })
  | (Spaced & { readonly kind: "close" })
  | (Spaced & { readonly kind: "redirect"; readonly redirect: Redirection })
  | (Spaced & { readonly kind: "newline" })
  | (Spaced & { readonly kind: "error"; readonly message: string });

/** `>`, `>>`, `<` to a file, or `n>&m` to another handle (windows-formats.md §6.6). */
export type Redirection =
  | { readonly fd: number; readonly mode: "write" | "append" | "read"; readonly target: string }
  | { readonly fd: number; readonly mode: "duplicate"; readonly targetFd: number };

const SPECIAL = new Set(["&", "|", "<", ">", "(", ")", "\n"]);
const WHITESPACE = new Set([" ", "\t", "\r", "\v", "\f"]);

export const SYNTAX_ERROR_MESSAGE = "The syntax of the command is incorrect.";

/** Splits statement text into tokens; `^` escapes, quotes protect special characters until the line ends. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const spaceStart = i;
    while (i < text.length && WHITESPACE.has(text[i]!)) i += 1;
    const space = text.slice(spaceStart, i);
    if (i >= text.length) {
      // Trailing blanks belong to the last command (`set X=a ` keeps the space), so they end as a newline.
      if (space !== "") tokens.push({ kind: "newline", space });
      break;
    }
    const ch = text[i]!;
    if (ch === "\n") {
      tokens.push({ kind: "newline", space });
      i += 1;
    } else if (ch === "&" || ch === "|") {
      const doubled = text[i + 1] === ch;
      tokens.push({ kind: "operator", op: doubled ? (ch === "&" ? "&&" : "||") : ch, space });
      i += doubled ? 2 : 1;
    } else if (ch === "(") {
      tokens.push({ kind: "open", space });
      i += 1;
    } else if (ch === ")") {
      tokens.push({ kind: "close", space });
      i += 1;
    } else if (ch === "<" || ch === ">") {
      i = readRedirection(text, i, 1, space, tokens, ch === ">");
    } else {
      const word = readWord(text, i);
      // A lone digit right before > or < names the handle being redirected (2>nul, 1>&2).
      if (
        /^[0-9]$/.test(word.text) &&
        word.end === i + 1 &&
        (text[word.end] === ">" || text[word.end] === "<")
      ) {
        i = readRedirection(text, word.end, Number(word.text), space, tokens, text[word.end] === ">");
      } else {
        if (word.text !== "") tokens.push({ kind: "word", text: word.text, space });
        i = word.end;
      }
    }
  }
  return tokens;
}

function readWord(text: string, start: number): { text: string; end: number } {
  let out = "";
  let quoted = false;
  let i = start;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "\n") break;
    if (quoted) {
      out += ch;
      if (ch === '"') quoted = false;
      i += 1;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      out += ch;
      i += 1;
    } else if (ch === "^") {
      // A caret escapes the next character; a caret at the very end escapes nothing and vanishes.
      const next = text[i + 1];
      if (next !== undefined && next !== "\n") out += next;
      i += next === undefined || next === "\n" ? 1 : 2;
    } else if (WHITESPACE.has(ch) || SPECIAL.has(ch)) {
      break;
    } else {
      out += ch;
      i += 1;
    }
  }
  return { text: out, end: i };
}

function readRedirection(
  text: string,
  at: number,
  fd: number,
  space: string,
  tokens: Token[],
  isOutput: boolean,
): number {
  let i = at + 1;
  let mode: "write" | "append" | "read" = isOutput ? "write" : "read";
  if (isOutput && text[i] === ">") {
    mode = "append";
    i += 1;
  }
  if (text[i] === "&" && /[0-9]/.test(text[i + 1] ?? "")) {
    tokens.push({
      kind: "redirect",
      redirect: { fd, mode: "duplicate", targetFd: Number(text[i + 1]) },
      space,
    });
    return i + 2;
  }
  while (i < text.length && WHITESPACE.has(text[i]!)) i += 1;
  const target = i < text.length && !SPECIAL.has(text[i]!) ? readWord(text, i) : undefined;
  if (target === undefined || target.text === "") {
    tokens.push({ kind: "error", message: SYNTAX_ERROR_MESSAGE, space });
    return target?.end ?? i;
  }
  tokens.push({ kind: "redirect", redirect: { fd, mode, target: target.text }, space });
  return target.end;
}
