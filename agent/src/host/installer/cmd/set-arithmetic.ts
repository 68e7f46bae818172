// `set /a`: 32-bit signed integer expressions with cmd's operators and precedence, variables by name
// (undefined = 0), numbers in decimal, 0x hex or 0-prefixed octal, and assignments (`=`, `+=`, …, `,`).

export type ArithmeticResult = { ok: true; value: number } | { ok: false; message: string; code: number };

interface Scope {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

const BINARY_PRECEDENCE: Record<string, number> = {
  "|": 1,
  "^": 2,
  "&": 3,
  "<<": 4,
  ">>": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

class ArithmeticError {
  readonly message: string;
  readonly code: number;
  constructor(message: string, code: number) {
    this.message = message;
    this.code = code;
  }
}

const MISSING_OPERAND = new ArithmeticError("Missing operand.", 1073750991);
const DIVIDE_BY_ZERO = new ArithmeticError("Divide by zero error.", 1073750993);

/** Evaluates a `set /a` expression, assigning variables through `scope`; the last value is the result. */
export function evaluateArithmetic(expression: string, scope: Scope): ArithmeticResult {
  const tokens = lex(expression.replaceAll('"', ""));
  if (tokens === undefined) return { ok: false, message: "Missing operator.", code: 1073750990 };
  const parser = { tokens, position: 0 };
  try {
    let value = 0;
    do {
      value = assignment(parser, scope);
    } while (parser.tokens[parser.position] === "," && ++parser.position);
    if (parser.position < parser.tokens.length)
      return { ok: false, message: "Missing operator.", code: 1073750990 };
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ArithmeticError) return { ok: false, message: error.message, code: error.code };
    throw error;
  }
}

type Parser = { tokens: string[]; position: number };

function lex(text: string): string[] | undefined {
  const tokens: string[] = [];
  const pattern =
    /\s*(0x[0-9a-fA-F]+|[0-9]+|[A-Za-z_$#@.?\][{}~][^\s+\-*/%()<>&|^!~=,]*|<<=|>>=|[+\-*/%&|^]=|<<|>>|[-+*/%()&|^!~=,])/y;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) return undefined;
    tokens.push(match[1]!);
    index = pattern.lastIndex;
  }
  return tokens;
}

function isName(token: string | undefined): token is string {
  return token !== undefined && /^[A-Za-z_$#@.?\][{}][^\s]*$/.test(token) && !/^[0-9]/.test(token);
}

function assignment(parser: Parser, scope: Scope): number {
  const name = parser.tokens[parser.position];
  const operator = parser.tokens[parser.position + 1];
  if (isName(name) && operator !== undefined && /^(?:[+\-*/%&|^]|<<|>>)?=$/.test(operator)) {
    parser.position += 2;
    const right = assignment(parser, scope);
    const value = operator === "=" ? right : apply(operator.slice(0, -1), variableValue(name, scope), right);
    scope.set(name, String(value));
    return value;
  }
  return binary(parser, scope, 1);
}

function binary(parser: Parser, scope: Scope, minimum: number): number {
  let left = unary(parser, scope);
  for (;;) {
    const operator = parser.tokens[parser.position];
    const precedence = operator === undefined ? undefined : BINARY_PRECEDENCE[operator];
    if (precedence === undefined || precedence < minimum) return left;
    parser.position += 1;
    const right = binary(parser, scope, precedence + 1);
    left = apply(operator!, left, right);
  }
}

function unary(parser: Parser, scope: Scope): number {
  const token = parser.tokens[parser.position];
  if (token === undefined) throw MISSING_OPERAND;
  parser.position += 1;
  if (token === "-") return toInt32(-unary(parser, scope));
  if (token === "+") return unary(parser, scope);
  if (token === "!") return unary(parser, scope) === 0 ? 1 : 0;
  if (token === "~") return toInt32(~unary(parser, scope));
  if (token === "(") {
    let value = assignment(parser, scope);
    while (parser.tokens[parser.position] === ",") {
      parser.position += 1;
      value = assignment(parser, scope);
    }
    if (parser.tokens[parser.position] !== ")")
      throw new ArithmeticError("Unbalanced parenthesis.", 1073750988);
    parser.position += 1;
    return value;
  }
  if (/^[0-9]/.test(token)) {
    const value = parseNumber(token);
    if (value === undefined)
      throw new ArithmeticError(
        "Invalid number.  Numeric constants are either decimal (17),\r\nhexadecimal (0x11), or octal (021).",
        1073750992,
      );
    return value;
  }
  if (isName(token)) return variableValue(token, scope);
  throw MISSING_OPERAND;
}

function variableValue(name: string, scope: Scope): number {
  const text = scope.get(name);
  if (text === undefined) return 0;
  return parseNumber(text.trim()) ?? 0;
}

function parseNumber(text: string): number | undefined {
  let value: number;
  if (/^0x[0-9a-f]+$/i.test(text)) value = Number.parseInt(text.slice(2), 16);
  else if (/^0[0-7]*$/.test(text)) value = Number.parseInt(text, 8);
  else if (/^-?[0-9]+$/.test(text)) value = Number.parseInt(text, 10);
  else return undefined;
  return toInt32(value);
}

function apply(operator: string, left: number, right: number): number {
  switch (operator) {
    case "+":
      return toInt32(left + right);
    case "-":
      return toInt32(left - right);
    case "*":
      return toInt32(Math.imul(left, right));
    case "/":
      if (right === 0) throw DIVIDE_BY_ZERO;
      return toInt32(Math.trunc(left / right));
    case "%":
      if (right === 0) throw DIVIDE_BY_ZERO;
      return toInt32(left % right);
    case "&":
      return left & right;
    case "|":
      return left | right;
    case "^":
      return left ^ right;
    case "<<":
      return toInt32(left << right);
    default:
      return left >> right;
  }
}

function toInt32(value: number): number {
  return value | 0;
}
