// find.exe and findstr.exe, the filters scripts pipe `reg query` or `type` into and then branch on
// ERRORLEVEL: 0 when a line matched, 1 when none did (2 for a missing file with find).
import type { CallerProcess, ProgramInvocation, ProgramResult } from "../process/program.ts";
import { baseName } from "../process/windows-path.ts";

interface Source {
  readonly name: string | undefined;
  readonly lines: readonly string[];
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function sources(process: CallerProcess, files: readonly string[]): Array<Source | { missing: string }> {
  if (files.length === 0) return [{ name: undefined, lines: splitLines(process.stdin) }];
  return files.map((file) => {
    const text = process.readText(file);
    return text === undefined ? { missing: file } : { name: file, lines: splitLines(text) };
  });
}

/** `find [/v] [/c] [/n] [/i] "string" [files…]`. */
export function runFind(invocation: ProgramInvocation, process: CallerProcess): ProgramResult {
  const flags = new Set(invocation.argv.filter((a) => /^\/[a-z]$/i.test(a)).map((a) => a[1]!.toLowerCase()));
  const rest = invocation.argv.filter((a) => !/^\/[a-z]$/i.test(a));
  const [needle, ...files] = rest;
  // find wants its string in quotes; the C runtime has removed them, so check the raw text.
  if (needle === undefined || !/"/.test(invocation.args)) {
    return { exitCode: 2, stderr: "FIND: Parameter format not correct\r\n" };
  }
  const matches = (line: string): boolean =>
    (flags.has("i") ? line.toLowerCase().includes(needle.toLowerCase()) : line.includes(needle)) !==
    flags.has("v");
  let out = "";
  let err = "";
  let any = false;
  for (const source of sources(process, files)) {
    if ("missing" in source) {
      err += `File not found - ${source.missing.toUpperCase()}\r\n`;
      continue;
    }
    const hits = source.lines.map((line, index) => ({ line, index })).filter(({ line }) => matches(line));
    any ||= hits.length > 0;
    const header = source.name === undefined ? "" : `\r\n---------- ${baseName(source.name).toUpperCase()}`;
    if (flags.has("c"))
      out += source.name === undefined ? `${hits.length}\r\n` : `${header}: ${hits.length}\r\n`;
    else {
      if (header !== "") out += `${header}\r\n`;
      for (const { line, index } of hits) out += `${flags.has("n") ? `[${index + 1}]` : ""}${line}\r\n`;
    }
  }
  return {
    exitCode: err !== "" && !any ? 2 : any ? 0 : 1,
    stdout: out,
    ...(err === "" ? {} : { stderr: err }),
  };
}

/** `findstr [/i /v /b /e /x /l /r /n /m /c:"text"] strings [files…]`: space-separated alternatives, regex by default. */
export function runFindstr(invocation: ProgramInvocation, process: CallerProcess): ProgramResult {
  const flags = new Set<string>();
  const patterns: string[] = [];
  const files: string[] = [];
  for (const arg of invocation.argv) {
    const literal = /^\/c:(.*)$/is.exec(arg);
    if (literal) {
      flags.add("l");
      patterns.push(literal[1]!);
    } else if (/^\/[a-z]+$/i.test(arg)) for (const ch of arg.slice(1).toLowerCase()) flags.add(ch);
    else if (patterns.length === 0) patterns.push(...arg.split(" ").filter((p) => p !== ""));
    else files.push(arg);
  }
  if (patterns.length === 0) return { exitCode: 2, stderr: "FINDSTR: Bad command line\r\n" };
  const regexes = patterns.map((pattern) => toRegExp(pattern, flags));
  const matches = (line: string): boolean => regexes.some((r) => r.test(line)) !== flags.has("v");
  let out = "";
  let any = false;
  let err = "";
  for (const source of sources(process, files)) {
    if ("missing" in source) {
      err += `FINDSTR: Cannot open ${source.missing}\r\n`;
      continue;
    }
    source.lines.forEach((line, index) => {
      if (!matches(line)) return;
      any = true;
      const prefix =
        (files.length > 1 && source.name !== undefined ? `${source.name}:` : "") +
        (flags.has("n") ? `${index + 1}:` : "");
      if (!flags.has("m")) out += `${prefix}${line}\r\n`;
    });
    if (flags.has("m") && source.name !== undefined && source.lines.some(matches))
      out += `${source.name}\r\n`;
  }
  return { exitCode: any ? 0 : 1, stdout: out, ...(err === "" ? {} : { stderr: err }) };
}

/** findstr's patterns: literal with /l or /c:, else its small regex dialect (. * ^ $ [] \< \>), anchored by /b /e /x. */
function toRegExp(pattern: string, flags: ReadonlySet<string>): RegExp {
  let source = "";
  if (flags.has("l")) source = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  else {
    for (let i = 0; i < pattern.length; i += 1) {
      const ch = pattern[i]!;
      if (ch === "\\") {
        const next = pattern[i + 1] ?? "";
        source += next === "<" || next === ">" ? "\\b" : `\\${next}`;
        i += 1;
      } else if (ch === "[") {
        const close = pattern.indexOf("]", i + 1);
        if (close < 0) source += "\\[";
        else {
          source += pattern.slice(i, close + 1);
          i = close;
        }
      } else if (".*^$".includes(ch)) source += ch;
      else source += ch.replace(/[+?{}()|\]]/g, "\\$&");
    }
  }
  if (flags.has("x") || flags.has("b")) source = `^(?:${source})`;
  if (flags.has("x") || flags.has("e")) source = `(?:${source})$`;
  return new RegExp(source, flags.has("i") ? "i" : "");
}
