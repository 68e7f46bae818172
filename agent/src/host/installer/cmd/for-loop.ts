// The values FOR iterates over: file sets with wildcards, folders (/d), recursive (/r), counted ranges
// (/l) and parsed lines (/f with eol, skip, delims, tokens, usebackq) — windows-formats.md §6.1.

import { walkFolder } from "../../process/device-files.ts";
import { hasWildcard, joinPath, unquote } from "../../process/windows-path.ts";
import type { BatchFrame, CmdProcess, ForValueSource } from "./cmd-process.ts";

export const forValues: ForValueSource = async (process, { mode, option, set, variable }, frame) => {
  switch (mode) {
    case "files":
      return fileSet(process, set, "file");
    case "directories":
      return fileSet(process, set, "directory");
    case "range":
      return range(set);
    case "recursive":
      return recursive(process, option, set);
    case "parse":
      return await parse(process, option, set, variable, frame);
  }
};

function items(set: string): string[] {
  return (set.match(/"[^"]*"|[^\s,;=]+/g) ?? []).filter((item) => item !== "");
}

function fileSet(process: CmdProcess, set: string, kind: "file" | "directory"): string[] {
  const out: string[] = [];
  for (const item of items(set)) {
    if (!hasWildcard(item)) {
      if (kind === "file") out.push(item);
      continue;
    }
    const pattern = unquote(item);
    const prefix = pattern.includes("\\") ? pattern.slice(0, pattern.lastIndexOf("\\") + 1) : "";
    for (const match of process.expandWildcard(pattern, kind))
      out.push(prefix + match.slice(match.lastIndexOf("\\") + 1));
  }
  return out;
}

function* range(set: string): Iterable<string> {
  const [start = 0, step = 0, end = 0] = items(set).map((n) => Number.parseInt(n, 10) || 0);
  // A step of 0 never reaches the end: cmd loops for ever (the statement budget stops us).
  for (let i = start; step >= 0 ? i <= end : i >= end; i += step) yield String(i);
}

function recursive(process: CmdProcess, option: string, set: string): string[] {
  const root = process.fullPath(option === "" ? "." : unquote(option));
  const folders = [
    root,
    ...walkFolder(process, root, true)
      .filter((p) => p.endsWith("\\"))
      .map((p) => joinPath(root, p.slice(0, -1))),
  ];
  const out: string[] = [];
  for (const folder of folders) {
    for (const item of items(set)) {
      if (hasWildcard(item)) out.push(...process.expandWildcard(joinPath(folder, unquote(item)), "file"));
      else out.push(joinPath(folder, unquote(item)));
    }
  }
  return out;
}

interface ParseOptions {
  eol: string | undefined;
  skip: number;
  delims: string;
  tokens: Array<number | "*">;
  backquote: boolean;
}

function parseOptions(text: string): ParseOptions {
  const options: ParseOptions = { eol: ";", skip: 0, delims: " \t", tokens: [1], backquote: false };
  const body = unquote(text);
  const delims = /delims=(.*)$/i.exec(body);
  const rest = delims ? body.slice(0, delims.index) : body;
  if (delims) options.delims = delims[1]!;
  for (const part of rest.split(/\s+/).filter((p) => p !== "")) {
    const [key = "", value = ""] = part.split("=", 2) as [string?, string?];
    const name = key.toLowerCase();
    if (name === "eol") options.eol = value === "" ? undefined : value[0];
    else if (name === "skip") options.skip = Number.parseInt(value, 10) || 0;
    else if (name === "usebackq") options.backquote = true;
    else if (name === "tokens") options.tokens = parseTokens(value);
  }
  return options;
}

function parseTokens(spec: string): Array<number | "*"> {
  const out: Array<number | "*"> = [];
  for (const part of spec.split(",")) {
    const star = part.endsWith("*");
    const core = star ? part.slice(0, -1) : part;
    const range = /^(\d+)-(\d+)$/.exec(core);
    if (range) for (let i = Number(range[1]); i <= Number(range[2]); i += 1) out.push(i);
    else if (core !== "") out.push(Number(core));
    if (star) out.push("*");
  }
  return out;
}

async function parse(
  process: CmdProcess,
  optionText: string,
  set: string,
  variable: string,
  frame: BatchFrame | undefined,
): Promise<Array<Map<string, string>>> {
  const options = parseOptions(optionText);
  const lines = await sourceLines(process, set.trim(), options, frame);
  return lines
    .slice(options.skip)
    .filter((line) => line !== "" && (options.eol === undefined || !line.startsWith(options.eol)))
    .flatMap((line) => {
      const bindings = splitTokens(line, options, variable);
      return bindings === undefined ? [] : [bindings];
    });
}

/** Binds the loop variable and the letters after it to the requested fields of one line. */
function splitTokens(line: string, options: ParseOptions, variable: string): Map<string, string> | undefined {
  const fields: string[] = [];
  const restStarts: number[] = [];
  let index = 0;
  while (index < line.length) {
    while (index < line.length && options.delims.includes(line[index]!)) index += 1;
    if (index >= line.length) break;
    restStarts.push(index);
    let end = index;
    while (end < line.length && !options.delims.includes(line[end]!)) end += 1;
    fields.push(line.slice(index, end));
    index = end;
  }
  const bindings = new Map<string, string>();
  let letter = variable.charCodeAt(0);
  let highest = 0;
  for (const token of options.tokens) {
    const name = String.fromCharCode(letter);
    if (token === "*") {
      const start = restStarts[highest];
      bindings.set(name, start === undefined ? "" : line.slice(start));
    } else {
      highest = token;
      bindings.set(name, fields[token - 1] ?? "");
    }
    letter += 1;
  }
  if ([...bindings.values()].every((v) => v === "")) return undefined;
  return bindings;
}

async function sourceLines(
  process: CmdProcess,
  set: string,
  options: ParseOptions,
  frame: BatchFrame | undefined,
): Promise<string[]> {
  const commandQuote = options.backquote ? "`" : "'";
  const stringQuote = options.backquote ? "'" : '"';
  if (set.startsWith(commandQuote) && set.endsWith(commandQuote) && set.length >= 2) {
    return (await captureCommand(process, set.slice(1, -1), frame)).split(/\r?\n/);
  }
  if (set.startsWith(stringQuote) && set.endsWith(stringQuote) && set.length >= 2) return [set.slice(1, -1)];
  const out: string[] = [];
  for (const file of items(set)) {
    const text = process.readText(unquote(file));
    if (text === undefined) {
      process.printError(`The system cannot find the file ${unquote(file)}.`);
      continue;
    }
    out.push(...text.split(/\r?\n/));
  }
  return out;
}

async function captureCommand(
  process: CmdProcess,
  command: string,
  _frame: BatchFrame | undefined,
): Promise<string> {
  // FOR /F runs the command in a child `cmd /c`; only its stdout is read.
  const saved = process.stdout;
  let captured = "";
  process.stdout = { write: (text) => (captured += text) };
  try {
    await process.runLine(command);
  } finally {
    process.stdout = saved;
  }
  return captured;
}
