// PowerShell's operators over values: the left operand's type decides how the right one converts
// (`"10" -gt 9` compares text, `10 -gt "9"` numbers), comparisons ignore case unless the `-c` form is used,
// and a collection on the left filters (`@(1,2,3) -gt 1` is `2,3`).
import { ImesimError } from "@imesim/contracts/errors";
import {
  enumerate,
  PsDate,
  PsHashtable,
  type PsValue,
  PsVersion,
  toBool,
  toNumberOrUndefined,
  toText,
} from "./values.ts";

/** A wildcard pattern (`*`, `?`, `[a-z]`, backtick escapes) as a RegExp. */
export function wildcardRegExp(pattern: string, caseSensitive = false): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i]!;
    if (ch === "`" && i + 1 < pattern.length) {
      source += pattern[i + 1]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      i += 1;
    } else if (ch === "*") source += "[\\s\\S]*";
    else if (ch === "?") source += "[\\s\\S]";
    else if (ch === "[") {
      const close = pattern.indexOf("]", i + 1);
      if (close < 0) source += "\\[";
      else {
        source += `[${pattern.slice(i + 1, close).replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, caseSensitive ? "su" : "isu");
}

/** .NET regular expressions as JavaScript reads them (named groups `(?<n>…)` are shared syntax). */
export function dotnetRegExp(pattern: string, caseSensitive: boolean, line: number): RegExp {
  try {
    return new RegExp(pattern, caseSensitive ? "u" : "iu");
  } catch {
    try {
      return new RegExp(pattern, caseSensitive ? "" : "i");
    } catch (error) {
      throw new ImesimError(
        "PS_NOT_MODELLED",
        `line ${line}: the regular expression "${pattern}" is not modelled`,
        {
          cause: error,
        },
      );
    }
  }
}

/** Converts `right` to the type of `left` for a comparison; undefined when it does not convert. */
function compareScalars(left: PsValue, right: PsValue, caseSensitive: boolean): number | undefined {
  if (left === null || right === null) {
    if (left === null && right === null) return 0;
    return undefined;
  }
  if (typeof left === "number") {
    const r = toNumberOrUndefined(right);
    return r === undefined ? undefined : Math.sign(left - r);
  }
  if (typeof left === "boolean") {
    const r = toBool(right);
    return left === r ? 0 : left ? 1 : -1;
  }
  if (left instanceof PsVersion) {
    const r = right instanceof PsVersion ? right : PsVersion.parse(toText(right));
    return r === undefined ? undefined : left.compare(r);
  }
  if (left instanceof PsDate) {
    const r = right instanceof PsDate ? right.ms : Date.parse(toText(right));
    return Number.isNaN(r) ? undefined : Math.sign(left.ms - r);
  }
  const a = toText(left);
  const b = toText(right);
  if (caseSensitive) return a === b ? 0 : a < b ? -1 : 1;
  const c = a.localeCompare(b, "en", { sensitivity: "accent" });
  return Math.sign(c);
}

/** `-eq` between two single values. */
export function valuesEqual(left: PsValue, right: PsValue, caseSensitive = false): boolean {
  if (left === null || right === null) return left === right;
  if (typeof left === "object" && !(left instanceof PsVersion) && !(left instanceof PsDate))
    return left === right;
  return compareScalars(left, right, caseSensitive) === 0;
}

const COMPARISONS = new Set(["eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch"]);

/** Evaluates a binary operator (`-eq`, `-like`, `+`, `-join`, …) as named without its dash, lower-case. */
export function binaryOperator(
  op: string,
  left: PsValue,
  right: PsValue,
  line: number,
  setMatches: (matches: PsHashtable) => void,
): PsValue {
  let name = op.toLowerCase();
  let caseSensitive = false;
  if (
    /^[ci](eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin|replace|split)$/.test(
      name,
    )
  ) {
    caseSensitive = name.startsWith("c");
    name = name.slice(1);
  }
  if (COMPARISONS.has(name) && Array.isArray(left)) {
    // A collection on the left filters: the items for which the comparison holds.
    return left.filter((item) => toBool(binaryOperator(op, item, right, line, () => undefined)));
  }
  switch (name) {
    case "eq":
      return valuesEqual(left, right, caseSensitive);
    case "ne":
      return !valuesEqual(left, right, caseSensitive);
    case "gt":
    case "ge":
    case "lt":
    case "le": {
      const c = compareScalars(left, right, caseSensitive);
      if (c === undefined) {
        if (left === null || right === null) return name.startsWith("l") ? left === null : right === null;
        throw new ImesimError(
          "PS_RUNTIME_ERROR",
          `line ${line}: Cannot compare "${toText(left)}" to "${toText(right)}"`,
        );
      }
      return name === "gt" ? c > 0 : name === "ge" ? c >= 0 : name === "lt" ? c < 0 : c <= 0;
    }
    case "like":
      return wildcardRegExp(toText(right), caseSensitive).test(toText(left));
    case "notlike":
      return !wildcardRegExp(toText(right), caseSensitive).test(toText(left));
    case "match":
    case "notmatch": {
      const m = dotnetRegExp(toText(right), caseSensitive, line).exec(toText(left));
      if (m !== null && name === "match") setMatches(matchTable(m));
      return name === "match" ? m !== null : m === null;
    }
    case "contains":
      return enumerate(left).some((item) => valuesEqual(item, right, caseSensitive));
    case "notcontains":
      return !enumerate(left).some((item) => valuesEqual(item, right, caseSensitive));
    case "in":
      return enumerate(right).some((item) => valuesEqual(item, left, caseSensitive));
    case "notin":
      return !enumerate(right).some((item) => valuesEqual(item, left, caseSensitive));
    case "replace": {
      const [pattern, replacement] = Array.isArray(right) ? right : [right, ""];
      const regex = dotnetRegExp(toText(pattern ?? null), caseSensitive, line);
      const global = new RegExp(regex.source, `${regex.flags}g`);
      const apply = (item: PsValue) => toText(item).replace(global, toText(replacement ?? null));
      return Array.isArray(left) ? left.map(apply) : apply(left);
    }
    case "split": {
      const regex = dotnetRegExp(toText(right), caseSensitive, line);
      return enumerate(left).flatMap((item) => toText(item).split(regex));
    }
    case "join":
      return enumerate(left).map(toText).join(toText(right));
    case "and":
      return toBool(left) && toBool(right);
    case "or":
      return toBool(left) || toBool(right);
    case "xor":
      return toBool(left) !== toBool(right);
    case "band":
      return numberOf(left, line) & numberOf(right, line);
    case "bor":
      return numberOf(left, line) | numberOf(right, line);
    case "+":
      return add(left, right, line);
    case "-":
      return subtractLike(left, right, line, (a, b) => a - b);
    case "*":
      if (typeof left === "string") return left.repeat(Math.max(0, numberOf(right, line)));
      if (Array.isArray(left)) return Array.from({ length: numberOf(right, line) }, () => left).flat();
      return numberOf(left, line) * numberOf(right, line);
    case "/":
      return numberOf(left, line) / numberOf(right, line);
    case "%":
      return numberOf(left, line) % numberOf(right, line);
    default:
      throw new ImesimError("PS_NOT_MODELLED", `line ${line}: the operator ${op} is not modelled`);
  }
}

function subtractLike(
  left: PsValue,
  right: PsValue,
  line: number,
  f: (a: number, b: number) => number,
): PsValue {
  if (left instanceof PsDate && right instanceof PsDate) {
    return left.ms - right.ms;
  }
  return f(numberOf(left, line), numberOf(right, line));
}

function matchTable(m: RegExpExecArray): PsHashtable {
  const table = new PsHashtable();
  m.forEach((group, index) => {
    if (group !== undefined) table.set(index, group);
  });
  for (const [name, group] of Object.entries(m.groups ?? {})) if (group !== undefined) table.set(name, group);
  return table;
}

/** A number for arithmetic, or a PowerShell-style error naming the value. */
export function numberOf(value: PsValue, line: number): number {
  const n = toNumberOrUndefined(value);
  if (n === undefined) {
    throw new ImesimError(
      "PS_RUNTIME_ERROR",
      `line ${line}: Cannot convert value "${toText(value)}" to type "System.Int32". Error: "Input string was not in a correct format."`,
    );
  }
  return n;
}

function add(left: PsValue, right: PsValue, line: number): PsValue {
  if (left === null) return right;
  if (typeof left === "string") return left + toText(right);
  if (Array.isArray(left)) return [...left, ...(Array.isArray(right) ? right : [right])];
  if (left instanceof PsHashtable && right instanceof PsHashtable) {
    const merged = new PsHashtable();
    for (const { key, value } of left.entries.values()) merged.set(key, value);
    for (const { key, value } of right.entries.values()) {
      if (merged.has(key))
        throw new ImesimError(
          "PS_RUNTIME_ERROR",
          `line ${line}: Item has already been added. Key: ${toText(key)}`,
        );
      merged.set(key, value);
    }
    return merged;
  }
  if (left instanceof PsDate) return new PsDate(left.ms + numberOf(right, line));
  return numberOf(left, line) + numberOf(right, line);
}

/** `-f`: .NET composite formatting for the placeholders scripts use (`{0}`, `{1:N2}`, `{0,-10}`). */
export function formatOperator(format: string, args: readonly PsValue[]): string {
  return format.replace(/\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^}]*))?\}/g, (whole, index, width, spec) => {
    if (whole === "{{") return "{";
    if (whole === "}}") return "}";
    const value = args[Number(index)] ?? null;
    let text = toText(value);
    if (spec !== undefined && typeof value === "number") {
      const m = /^([NFDX])(\d*)$/i.exec(spec);
      if (m) {
        const digits = m[2] === "" ? (m[1]!.toUpperCase() === "D" ? 0 : 2) : Number(m[2]);
        const kind = m[1]!.toUpperCase();
        if (kind === "N")
          text = value.toLocaleString("en-US", {
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
          });
        else if (kind === "F") text = value.toFixed(digits);
        else if (kind === "D") text = String(Math.trunc(value)).padStart(digits, "0");
        else text = Math.trunc(value).toString(16).padStart(digits, "0");
        if (m[1] === "X") text = text.toUpperCase();
      }
    }
    if (width !== undefined) {
      const w = Number(width);
      text = w < 0 ? text.padEnd(-w) : text.padStart(w);
    }
    return text;
  });
}
