// Windows Installer's conditional statements (LaunchCondition, Component.Condition): property names, `%ENV`,
// integers and "strings"; comparisons = <> < > <= >= with `~` for case-insensitive, >< (contains),
// << (starts with), >> (ends with); NOT, AND, OR, XOR, EQV, IMP from highest to lowest precedence.
// A bare property is true when it has a value. Feature and component states ($ ? & !) count as absent.

type Token =
  | { readonly kind: "value"; readonly value: string | number | undefined }
  | { readonly kind: "operator"; readonly text: string }
  | { readonly kind: "open" | "close" };

const OPERATORS = [
  "~<>",
  "~>=",
  "~<=",
  "~><",
  "~<<",
  "~>>",
  "~=",
  "~<",
  "~>",
  "<>",
  ">=",
  "<=",
  "><",
  "<<",
  ">>",
  "=",
  "<",
  ">",
];
const LOGICAL = new Set(["NOT", "AND", "OR", "XOR", "EQV", "IMP"]);

/** Evaluates a condition; undefined when it does not parse (Windows Installer's MSICONDITION_ERROR). */
export function evaluateCondition(
  text: string,
  lookup: (name: string) => string | undefined,
): boolean | undefined {
  const tokens = lex(text, lookup);
  if (tokens === undefined) return undefined;
  if (tokens.length === 0) return true;
  const parser = { tokens, position: 0 };
  const result = implication(parser);
  return result === undefined || parser.position !== tokens.length ? undefined : result;
}

function lex(text: string, lookup: (name: string) => string | undefined): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === "(" || ch === ")") {
      tokens.push({ kind: ch === "(" ? "open" : "close" });
      i += 1;
      continue;
    }
    if (ch === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) return undefined;
      tokens.push({ kind: "value", value: text.slice(i + 1, close) });
      i = close + 1;
      continue;
    }
    const operator = OPERATORS.find((op) => text.startsWith(op, i));
    if (operator !== undefined) {
      tokens.push({ kind: "operator", text: operator });
      i += operator.length;
      continue;
    }
    const number = /^-?\d+/.exec(text.slice(i));
    if (number) {
      tokens.push({ kind: "value", value: Number.parseInt(number[0], 10) });
      i += number[0].length;
      continue;
    }
    const name = /^[%$?&!]?[A-Za-z_][\w.]*/.exec(text.slice(i));
    if (!name) return undefined;
    const word = name[0];
    i += word.length;
    if (LOGICAL.has(word.toUpperCase()) && /^[A-Za-z]/.test(word)) {
      tokens.push({ kind: "operator", text: word.toUpperCase() });
    } else if (word.startsWith("%")) {
      tokens.push({ kind: "value", value: lookup(word) });
    } else if (/^[$?&!]/.test(word)) {
      tokens.push({ kind: "value", value: undefined });
    } else {
      const value = lookup(word);
      tokens.push({ kind: "value", value: value === undefined || value === "" ? undefined : toValue(value) });
    }
  }
  return tokens;
}

/** Property values that look like integers compare as integers. */
function toValue(text: string): string | number {
  return /^-?\d+$/.test(text) ? Number.parseInt(text, 10) : text;
}

type Parser = { tokens: Token[]; position: number };

function isOperator(parser: Parser, text: string): boolean {
  const token = parser.tokens[parser.position];
  return token?.kind === "operator" && token.text === text;
}

function binaryLevel(
  parser: Parser,
  operator: string,
  next: (p: Parser) => boolean | undefined,
  combine: (a: boolean, b: boolean) => boolean,
): boolean | undefined {
  let left = next(parser);
  while (left !== undefined && isOperator(parser, operator)) {
    parser.position += 1;
    const right = next(parser);
    if (right === undefined) return undefined;
    left = combine(left, right);
  }
  return left;
}

const implication = (p: Parser) => binaryLevel(p, "IMP", equivalence, (a, b) => !a || b);
const equivalence = (p: Parser) => binaryLevel(p, "EQV", exclusive, (a, b) => a === b);
const exclusive = (p: Parser) => binaryLevel(p, "XOR", disjunction, (a, b) => a !== b);
const disjunction = (p: Parser) => binaryLevel(p, "OR", conjunction, (a, b) => a || b);
const conjunction = (p: Parser) => binaryLevel(p, "AND", negation, (a, b) => a && b);

function negation(parser: Parser): boolean | undefined {
  if (isOperator(parser, "NOT")) {
    parser.position += 1;
    const inner = negation(parser);
    return inner === undefined ? undefined : !inner;
  }
  return primary(parser);
}

function primary(parser: Parser): boolean | undefined {
  const token = parser.tokens[parser.position];
  if (token === undefined) return undefined;
  if (token.kind === "open") {
    parser.position += 1;
    const inner = implication(parser);
    if (parser.tokens[parser.position]?.kind !== "close") return undefined;
    parser.position += 1;
    return inner;
  }
  if (token.kind !== "value") return undefined;
  parser.position += 1;
  const operator = parser.tokens[parser.position];
  if (operator?.kind === "operator" && !LOGICAL.has(operator.text)) {
    const right = parser.tokens[parser.position + 1];
    if (right?.kind !== "value") return undefined;
    parser.position += 2;
    return compare(token.value, operator.text, right.value);
  }
  // A value alone: true when set (and, for integers, not zero).
  return token.value !== undefined && token.value !== 0 && token.value !== "";
}

function compare(
  left: string | number | undefined,
  operator: string,
  right: string | number | undefined,
): boolean {
  const ignoreCase = operator.startsWith("~");
  const op = ignoreCase ? operator.slice(1) : operator;
  const a = left ?? "";
  const b = right ?? "";
  if (typeof a === "number" && typeof b === "number") return compareOrdered(Math.sign(a - b), op);
  if (typeof a !== typeof b && a !== "" && b !== "") return op === "<>";
  const x = ignoreCase ? String(a).toLowerCase() : String(a);
  const y = ignoreCase ? String(b).toLowerCase() : String(b);
  if (op === "><") return x.includes(y);
  if (op === "<<") return x.startsWith(y);
  if (op === ">>") return x.endsWith(y);
  return compareOrdered(x < y ? -1 : x > y ? 1 : 0, op);
}

function compareOrdered(order: number, op: string): boolean {
  switch (op) {
    case "=":
      return order === 0;
    case "<>":
      return order !== 0;
    case "<":
      return order < 0;
    case ">":
      return order > 0;
    case "<=":
      return order <= 0;
    default:
      return order >= 0;
  }
}
