// cmd's three expansion passes (windows-formats.md §6.1): percent expansion of a line before it is parsed
// (phase 1), FOR-variable substitution per iteration (phase 4) and delayed `!VAR!` expansion just before a
// command runs (phase 5). Pure text work over lookups the interpreter supplies.

export interface PercentSources {
  /** A variable's value (dynamic ones like ERRORLEVEL included), undefined when not defined. */
  variable(name: string): string | undefined;
  /** Batch parameter `%n` as passed; undefined when there is none (or outside a batch file). */
  argument(index: number): string | undefined;
  /** `%*`: every parameter as passed. */
  allArguments(): string;
  /** `%~<modifiers>n`: the parameter edited by path modifiers. */
  modifiedArgument(modifiers: string, index: number): string;
  /** False at a command prompt (`cmd /c`), where undefined `%X%` stays literal. */
  readonly inBatch: boolean;
}

const MODIFIER_PATTERN = /^~([fdpnxsatz]*)(\$[^:%]+:)?([0-9])/i;

/** Phase 1: `%%`, `%0`–`%9`, `%*`, `%~dp0`, `%VAR%`, `%VAR:~s,l%`, `%VAR:old=new%`. */
export function expandPercent(text: string, sources: PercentSources): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== "%") {
      out += ch;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === "%" && sources.inBatch) {
      out += "%";
      i += 2;
      continue;
    }
    if (sources.inBatch && next === "*") {
      out += sources.allArguments();
      i += 2;
      continue;
    }
    if (sources.inBatch && next !== undefined && next >= "0" && next <= "9") {
      out += sources.argument(Number(next)) ?? "";
      i += 2;
      continue;
    }
    if (sources.inBatch && next === "~") {
      const match = MODIFIER_PATTERN.exec(text.slice(i + 1));
      if (match) {
        out += sources.modifiedArgument(`${match[1] ?? ""}${match[2] ?? ""}`, Number(match[3]));
        i += 1 + match[0].length;
        continue;
      }
    }
    const close = text.indexOf("%", i + 1);
    const lineEnd = text.indexOf("\n", i + 1);
    if (close < 0 || (lineEnd >= 0 && lineEnd < close)) {
      // No closing percent: a batch file drops the lone %, the command line keeps it.
      if (!sources.inBatch) out += "%";
      i += 1;
      continue;
    }
    const reference = text.slice(i + 1, close);
    const value = referenceValue(reference, sources.variable);
    if (value !== undefined) {
      out += value;
      i = close + 1;
    } else if (sources.inBatch) {
      i = close + 1;
    } else {
      // At the prompt an undefined %X% stays as typed; the closing % may open the next reference.
      out += `%${reference}`;
      i = close;
    }
  }
  return out;
}

/** Phase 5: `!VAR!` (and its `:~`/`:=` forms) when delayed expansion is on; `^` escapes, lone `!` vanish. */
export function expandDelayed(text: string, variable: (name: string) => string | undefined): string {
  if (!text.includes("!")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "^") {
      out += text[i + 1] ?? "";
      i += 2;
      continue;
    }
    if (ch !== "!") {
      out += ch;
      i += 1;
      continue;
    }
    const close = text.indexOf("!", i + 1);
    if (close < 0) {
      i += 1;
      continue;
    }
    out += referenceValue(text.slice(i + 1, close), variable) ?? "";
    i = close + 1;
  }
  return out;
}

/** A variable reference with its optional `:~start,length` or `:old=new` edit; undefined when not defined. */
function referenceValue(
  reference: string,
  variable: (name: string) => string | undefined,
): string | undefined {
  if (reference === "") return undefined;
  const colon = reference.indexOf(":");
  if (colon <= 0) return variable(reference);
  const value = variable(reference.slice(0, colon));
  if (value === undefined) return undefined;
  const edit = reference.slice(colon + 1);
  if (edit.startsWith("~")) return substring(value, edit.slice(1));
  const equals = edit.indexOf("=");
  if (equals < 0) return variable(reference);
  return replaceAll(value, edit.slice(0, equals), edit.slice(equals + 1));
}

function substring(value: string, spec: string): string | undefined {
  const match = /^\s*(-?\d+)?\s*(?:,\s*(-?\d+))?\s*$/.exec(spec);
  if (!match) return undefined;
  let start = Number(match[1] ?? 0);
  if (start < 0) start = Math.max(0, value.length + start);
  start = Math.min(start, value.length);
  if (match[2] === undefined) return value.slice(start);
  const length = Number(match[2]);
  const end = length < 0 ? value.length + length : start + length;
  return end <= start ? "" : value.slice(start, end);
}

function replaceAll(value: string, search: string, replacement: string): string {
  if (search === "") return value;
  if (search.startsWith("*")) {
    // `*old=new` replaces everything up to and including the first `old`.
    const needle = search.slice(1);
    const index = needle === "" ? 0 : value.toLowerCase().indexOf(needle.toLowerCase());
    return index < 0 ? value : replacement + value.slice(index + needle.length);
  }
  let out = "";
  let i = 0;
  const lower = value.toLowerCase();
  const needle = search.toLowerCase();
  while (i < value.length) {
    if (lower.startsWith(needle, i)) {
      out += replacement;
      i += needle.length;
    } else {
      out += value[i];
      i += 1;
    }
  }
  return out;
}

/**
 * Phase 4: replaces `%x` and `%~<modifiers>x` for the FOR variables in scope. `modify` applies path
 * modifiers to a variable's value. Other percent signs are left alone.
 */
export function substituteForVariables(
  text: string,
  values: ReadonlyMap<string, string>,
  modify: (value: string, modifiers: string) => string,
): string {
  if (!text.includes("%") || values.size === 0) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== "%") {
      out += ch;
      i += 1;
      continue;
    }
    if (text[i + 1] === "~") {
      const match = /^~([fdpnxsatz]*)(\$[^:%]+:)?(.)/i.exec(text.slice(i + 1));
      const letter = match?.[3];
      // The variable is the last letter that is a defined FOR variable (`%~nxf` with %f defined).
      if (match && letter !== undefined && values.has(letter)) {
        out += modify(values.get(letter)!, `${match[1] ?? ""}${match[2] ?? ""}`);
        i += 1 + match[0].length;
        continue;
      }
      if (match) {
        const modifiers = match[1] ?? "";
        const last = modifiers.at(-1);
        if (last !== undefined && values.has(last) && match[2] === undefined) {
          out += modify(values.get(last)!, modifiers.slice(0, -1));
          i += 1 + 1 + modifiers.length;
          continue;
        }
      }
    }
    const letter = text[i + 1];
    if (letter !== undefined && values.has(letter)) {
      out += values.get(letter)!;
      i += 2;
      continue;
    }
    out += ch;
    i += 1;
  }
  return out;
}
