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

describe("cmd batch recursion", () => {
  // fast-check found `:label` / `call :label`: each CALL nests a frame, and without a limit the JavaScript stack
  // overflowed instead of cmd aborting the batch.
  it.each([
    ["a subroutine calling itself", [":label", "call :label"]],
    ["a batch file calling itself", ["@echo off", "echo once", 'call "%~f0"']],
  ])("%s is aborted with cmd's recursion message, and the script still ends", async (_name, lines) => {
    const run = await runScript(lines);
    expect(run.stderr).toContain("B A T C H   R E C U R S I O N  exceeds STACK limits");
    expect(run.stderr).toContain("B A T C H   PROCESSING IS   A B O R T E D");
    expect(run.exitCode).toBe(0);
  });

  it("a deep but finite recursion still runs to its end", async () => {
    const run = await runScript([
      "@echo off",
      "set /a n=0",
      "call :down",
      "echo depth %n%",
      "exit /b 0",
      ":down",
      "set /a n+=1",
      "if %n% lss 300 call :down",
      "exit /b",
    ]);
    expect(run.stdout).toBe("depth 300\r\n");
    expect(run.stderr ?? "").toBe("");
  });
});
