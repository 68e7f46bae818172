import { ImesimError } from "@imesim/contracts/errors";

/** A parsed `$filter` expression, evaluated against a JSON entity. */
export type FilterPredicate = (entity: Record<string, unknown>) => boolean;

type Token =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "word"; value: string }
  | { kind: "punct"; value: "(" | ")" | "," };

/** Deepest nesting of parentheses and `not` a filter may have; real clients' filters nest two or three. */
const maxFilterDepth = 32;

/**
 * Parses the `$filter` forms Graph clients send (graph-win32.md §6 Query options): `eq`, `ne`,
 * `and`, `or`, `not`, `startswith`, `contains`, `isof`, over properties (with `a/b` paths),
 * strings, numbers, booleans and null. Anything else throws ImesimError `ODATA_FILTER_UNSUPPORTED`.
 */
export function parseFilter(text: string): FilterPredicate {
  const tokens = tokenize(text);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const next = (): Token => {
    const token = tokens[position];
    if (token === undefined) throw unsupported(text, "ends early");
    position += 1;
    return token;
  };
  const expectPunct = (value: "(" | ")" | ","): void => {
    const token = next();
    if (token.kind !== "punct" || token.value !== value) throw unsupported(text, `expected '${value}'`);
  };
  const isWord = (token: Token | undefined, word: string): boolean =>
    token?.kind === "word" && token.value.toLowerCase() === word;

  type Operand = (entity: Record<string, unknown>) => unknown;

  const operand = (): Operand => {
    const token = next();
    if (token.kind === "string" || token.kind === "number") return () => token.value;
    if (token.kind === "punct") throw unsupported(text, `unexpected '${token.value}'`);
    const word = token.value;
    const lower = word.toLowerCase();
    if (lower === "null") return () => null;
    if (lower === "true" || lower === "false") return () => lower === "true";
    return (entity) => readPath(entity, word);
  };

  // Parentheses and `not` recurse: bounded, so 3,000 nested parentheses are a 400, not a stack overflow.
  let depth = 0;
  const nested = <T>(parse: () => T): T => {
    depth += 1;
    if (depth > maxFilterDepth) throw unsupported(text, `nests deeper than ${maxFilterDepth} levels`);
    const result = parse();
    depth -= 1;
    return result;
  };

  const primary = (): FilterPredicate => {
    const token = peek();
    if (token?.kind === "punct" && token.value === "(") {
      next();
      const inner = nested(disjunction);
      expectPunct(")");
      return inner;
    }
    if (isWord(token, "not")) {
      next();
      const inner = nested(primary);
      return (entity) => !inner(entity);
    }
    if (token?.kind === "word" && ["startswith", "contains", "isof"].includes(token.value.toLowerCase())) {
      const name = next().value.toString().toLowerCase();
      expectPunct("(");
      if (name === "isof") {
        const typeToken = next();
        expectPunct(")");
        if (typeToken.kind !== "string") throw unsupported(text, "isof needs a quoted type name");
        const wanted = typeToken.value.replace(/^#/, "").toLowerCase();
        return (entity) =>
          String(entity["@odata.type"] ?? "")
            .replace(/^#/, "")
            .toLowerCase() === wanted;
      }
      const left = operand();
      expectPunct(",");
      const right = operand();
      expectPunct(")");
      return (entity) => {
        const haystack = left(entity);
        const needle = right(entity);
        if (typeof haystack !== "string" || typeof needle !== "string") return false;
        const a = haystack.toLowerCase();
        const b = needle.toLowerCase();
        return name === "startswith" ? a.startsWith(b) : a.includes(b);
      };
    }
    const left = operand();
    const operator = next();
    if (operator.kind !== "word" || !["eq", "ne"].includes(operator.value.toLowerCase())) {
      throw unsupported(text, `operator ${operator.kind === "word" ? operator.value : "?"} is not supported`);
    }
    const right = operand();
    const equal = (entity: Record<string, unknown>): boolean => looselyEqual(left(entity), right(entity));
    return operator.value.toLowerCase() === "eq" ? equal : (entity) => !equal(entity);
  };

  const conjunction = (): FilterPredicate => {
    let result = primary();
    while (isWord(peek(), "and")) {
      next();
      const left = result;
      const right = primary();
      result = (entity) => left(entity) && right(entity);
    }
    return result;
  };

  const disjunction = (): FilterPredicate => {
    let result = conjunction();
    while (isWord(peek(), "or")) {
      next();
      const left = result;
      const right = conjunction();
      result = (entity) => left(entity) || right(entity);
    }
    return result;
  };

  const predicate = disjunction();
  if (position !== tokens.length) throw unsupported(text, "has trailing text");
  return predicate;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === "(" || char === ")" || char === ",") {
      tokens.push({ kind: "punct", value: char });
      index += 1;
    } else if (char === "'") {
      // OData escapes a quote inside a string by doubling it.
      let value = "";
      index += 1;
      for (;;) {
        if (index >= text.length) throw unsupported(text, "has an unterminated string");
        if (text[index] === "'" && text[index + 1] === "'") {
          value += "'";
          index += 2;
        } else if (text[index] === "'") {
          index += 1;
          break;
        } else {
          value += text[index];
          index += 1;
        }
      }
      tokens.push({ kind: "string", value });
    } else {
      const match = /^[A-Za-z0-9_.@/#-]+/.exec(text.slice(index));
      if (match === null) throw unsupported(text, `has an unexpected character '${char}'`);
      const word = match[0];
      tokens.push(
        /^-?\d+(\.\d+)?$/.test(word)
          ? { kind: "number", value: Number(word) }
          : { kind: "word", value: word },
      );
      index += word.length;
    }
  }
  return tokens;
}

function readPath(entity: Record<string, unknown>, path: string): unknown {
  let current: unknown = entity;
  for (const segment of path.split("/")) {
    // A cast segment such as microsoft.graph.managedApp narrows the type; the mock reads through it.
    if (segment.includes(".")) continue;
    if (current === null || typeof current !== "object") return undefined;
    const record = current as Record<string, unknown>;
    const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === segment.toLowerCase());
    current = key === undefined ? undefined : record[key];
  }
  return current;
}

function looselyEqual(left: unknown, right: unknown): boolean {
  if (left === undefined) left = null;
  if (right === undefined) right = null;
  if (typeof left === "string" && typeof right === "string")
    return left.toLowerCase() === right.toLowerCase();
  return left === right;
}

function unsupported(text: string, why: string): ImesimError {
  return new ImesimError("ODATA_FILTER_UNSUPPORTED", `Invalid filter clause '${text}': ${why}.`, {
    path: "$filter",
  });
}
