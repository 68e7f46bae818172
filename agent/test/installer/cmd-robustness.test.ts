// Whatever a script holds, running it ends with an exit code and never crashes the agent.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { newDevice, runScript } from "./device.ts";

const WORDS = [
  "echo",
  "set",
  "if",
  "for",
  "goto",
  "call",
  "exit",
  "/b",
  "setlocal",
  "endlocal",
  "md",
  "rd",
  "del",
  "copy",
  "move",
  "ren",
  "type",
  "cd",
  "pushd",
  "popd",
  "reg",
  "add",
  "query",
  "msiexec",
  "/i",
  "/x",
  "xcopy",
  "robocopy",
  "start",
  "/wait",
  "timeout",
  "cmd",
  "/c",
  "exist",
  "not",
  "errorlevel",
  "defined",
  "else",
  "do",
  "in",
  "%%i",
  "%1",
  "%~dp0",
  "%X%",
  "!X!",
  "x.txt",
  "C:\\Windows",
  "*.*",
  "HKLM\\SOFTWARE\\X",
  ":label",
  ":eof",
  "(",
  ")",
  "&",
  "&&",
  "||",
  "|",
  ">",
  ">>",
  "2>nul",
  "<",
  "^",
  '"',
  "=",
  "==",
  "1",
  "/a",
  "/p",
  "/s",
  "/q",
  "/f",
  "nope.exe",
];

describe("cmd robustness", () => {
  it("runs arbitrary scripts to an exit code without throwing", async () => {
    const line = fc.array(fc.constantFrom(...WORDS), { maxLength: 8 }).map((words) => words.join(" "));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 6 }), async (lines) => {
        const run = await runScript(lines, { device: newDevice() });
        expect(Number.isInteger(run.exitCode)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
