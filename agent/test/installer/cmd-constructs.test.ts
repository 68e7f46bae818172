// Table tests of the cmd constructs packagers rely on, against cmd's documented output and exit codes
// (windows-formats.md §6). Scripts run as the IME runs them: 32-bit SYSTEM, working folder = IMECache.
import { describe, expect, it } from "vitest";
import { CACHE, runScript } from "./device.ts";

interface Case {
  readonly name: string;
  readonly script: readonly string[];
  readonly stdout: string;
  readonly exitCode: number;
  readonly stderr?: string;
  readonly args?: string;
  readonly file?: "install.cmd" | "install.bat";
}

const NOT_RECOGNIZED = (name: string): string =>
  `'${name}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`;

const cases: Case[] = [
  // echo, @echo off, rem, ::
  {
    name: "echo text and echo.",
    script: ["@echo off", "echo hello  world", "echo.", "echo(x"],
    stdout: "hello  world\r\n\r\nx\r\n",
    exitCode: 0,
  },
  {
    name: "ECHO state",
    script: ["@echo off", "echo", "echo on", "@echo"],
    stdout: "ECHO is off.\r\nECHO is on.\r\n",
    exitCode: 0,
  },
  {
    name: "echo on echoes commands with the prompt",
    script: ["echo hi"],
    stdout: `\r\n${CACHE}>echo hi\r\nhi\r\n`,
    exitCode: 0,
  },
  {
    name: "rem and :: comments",
    script: ["@echo off", "rem echo no & echo no", ":: echo no", "echo yes"],
    stdout: "yes\r\n",
    exitCode: 0,
  },
  // set, %VAR%, substrings, /a, /p
  {
    name: "set and expansion with edits",
    script: [
      "@echo off",
      "set NAME=Hello World",
      "echo %NAME:~0,5%-%NAME:~-5%-%NAME:World=There%-%UNDEFINED%.",
      'set "Q=a b"  ',
      "echo [%Q%]",
    ],
    stdout: "Hello-World-Hello There-.\r\n[a b]\r\n",
    exitCode: 0,
  },
  {
    name: "set /a arithmetic",
    script: ["@echo off", 'set /a "X=(2+3)*4, Y=X%%7, Z=1<<4"', "echo %X% %Y% %Z%"],
    stdout: "20 6 16\r\n",
    exitCode: 0,
  },
  {
    name: "set /a divide by zero",
    script: ["@echo off", "set /a X=1/0", "echo %ERRORLEVEL%"],
    stdout: "1073750993\r\n",
    stderr: "Divide by zero error.\r\n",
    exitCode: 1073750993,
  },
  {
    name: "set /p reads nothing without a console",
    script: ["@echo off", "set V=old", "set /p V=Name? ", "echo %ERRORLEVEL% %V%"],
    stdout: "Name? 1 old\r\n",
    exitCode: 1,
  },
  {
    name: "set of an undefined prefix fails",
    script: ["@echo off", "set NOPE_", "echo %ERRORLEVEL%"],
    stdout: "1\r\n",
    stderr: "Environment variable NOPE_ not defined\r\n",
    exitCode: 1,
  },
  // setlocal / endlocal / delayed expansion
  {
    name: "setlocal restores variables and folder",
    script: ["@echo off", "set A=1", "setlocal", "set A=2", "cd \\", "endlocal", "echo %A% %CD%"],
    stdout: `1 ${CACHE}\r\n`,
    exitCode: 0,
  },
  {
    name: "blocks expand %VAR% once; !VAR! at run time",
    script: [
      "@echo off",
      "setlocal EnableDelayedExpansion",
      "set X=old",
      "(",
      "  set X=new",
      "  echo %X% !X!",
      ")",
    ],
    stdout: "old new\r\n",
    exitCode: 0,
  },
  // %~ modifiers and parameters
  {
    name: "%~dp0, %~nx0, %1, %~1, %*",
    script: ["@echo off", "echo %~dp0", "echo %~nx0 %~n0 %~x0", "echo %1 %~1 [%*]"],
    args: '"a b" c',
    stdout: `${CACHE}\\\r\ninstall.cmd install .cmd\r\n"a b" a b ["a b" c]\r\n`,
    exitCode: 0,
  },
  {
    name: "%% in a batch file is one %",
    script: ["@echo off", "echo 100%% sure, 50% off"],
    stdout: "100% sure, 50 off\r\n",
    exitCode: 0,
  },
  // if
  {
    name: "if ==, /i, not, else, EQU/LSS/GTR",
    script: [
      "@echo off",
      'if "a"=="A" (echo same) else (echo differ)',
      'if /i "a"=="A" echo same-i',
      "if not 1==2 echo not",
      "if 10 GTR 9 echo numeric",
      "if 10 LSS 9 (echo wrong) else echo right",
    ],
    stdout: "differ\r\nsame-i\r\nnot\r\nnumeric\r\nright\r\n",
    exitCode: 0,
  },
  {
    name: "if exist files, folders and wildcards; if defined",
    script: [
      "@echo off",
      "echo x>a.txt",
      "if exist a.txt echo file",
      'if exist "%CD%\\*.txt" echo wild',
      "if exist C:\\Windows\\ echo folder",
      "if not exist nope.txt echo missing",
      "if defined ProgramFiles echo defined",
    ],
    stdout: "file\r\nwild\r\nfolder\r\nmissing\r\ndefined\r\n",
    exitCode: 0,
  },
  {
    name: "if errorlevel N means >= N",
    script: [
      "@echo off",
      "cmd /c exit 3",
      "if errorlevel 4 echo four",
      "if errorlevel 3 echo three",
      "if not errorlevel 1 echo zero",
      "echo %ERRORLEVEL%",
    ],
    stdout: "three\r\n3\r\n",
    exitCode: 3,
  },
  {
    name: "a multi-line if/else block",
    script: [
      "@echo off",
      "if exist nope.txt (",
      "  echo yes",
      ") else (",
      "  echo no",
      "  echo still",
      ")",
      "echo after",
    ],
    stdout: "no\r\nstill\r\nafter\r\n",
    exitCode: 0,
  },
  // for
  {
    name: "for over a list and over files",
    script: [
      "@echo off",
      "echo x>one.log",
      "echo x>two.log",
      "for %%i in (a b) do echo item %%i",
      "for %%f in (*.log) do echo %%~nf",
    ],
    stdout: "item a\r\nitem b\r\none\r\ntwo\r\n",
    exitCode: 0,
  },
  {
    name: "for /l and for /f over a string, a file and a command",
    script: [
      "@echo off",
      "for /l %%n in (1,2,5) do echo %%n",
      'for /f "tokens=1,2 delims=," %%a in ("x,y,z") do echo %%b-%%a',
      "(echo k1=v1& echo ;comment& echo k2=v2)>kv.txt",
      'for /f "tokens=1* delims==" %%k in (kv.txt) do echo %%k:%%l',
      "for /f %%v in ('echo out') do echo got %%v",
    ],
    stdout: "1\r\n3\r\n5\r\ny-x\r\nk1:v1\r\nk2:v2\r\ngot out\r\n",
    exitCode: 0,
  },
  // goto, call, exit /b
  {
    name: "goto skips forward and :eof ends",
    script: ["@echo off", "goto :skip", "echo skipped", ":skip", "echo here", "goto :eof", "echo never"],
    stdout: "here\r\n",
    exitCode: 0,
  },
  {
    name: "call :label with arguments and exit /b N",
    script: [
      "@echo off",
      "call :sub one two",
      "echo back %ERRORLEVEL%",
      "exit /b 0",
      ":sub",
      "echo in %1 %2 %0",
      "exit /b 5",
    ],
    stdout: "in one two :sub\r\nback 5\r\n",
    exitCode: 0,
  },
  {
    name: "goto a missing label ends the script",
    script: ["@echo off", "goto nowhere", "echo never"],
    stdout: "",
    stderr: "The system cannot find the batch label specified - nowhere\r\n",
    exitCode: 1,
  },
  {
    name: "exit N ends the process",
    script: ["@echo off", "call :sub", "echo never", ":sub", "exit 7"],
    stdout: "",
    exitCode: 7,
  },
  {
    name: "call expands percent signs twice",
    script: ["@echo off", "set V=inner", "call echo %%V%%"],
    stdout: "inner\r\n",
    exitCode: 0,
  },
  // && || and errorlevel
  {
    name: "&& and || follow the return code",
    script: [
      "@echo off",
      "nothere 2>nul && echo ok || echo failed %ERRORLEVEL%",
      "echo %ERRORLEVEL%",
      "echo x >nul && echo ran",
    ],
    stdout: "failed 0\r\n9009\r\nran\r\n",
    exitCode: 9009,
  },
  {
    name: "an unknown program prints cmd's message and sets 9009",
    script: ["@echo off", "contosotool"],
    stdout: "",
    stderr: NOT_RECOGNIZED("contosotool"),
    exitCode: 9009,
  },
  // redirection
  {
    name: "> and >> write to the device; 2>nul discards; type reads back",
    script: [
      "@echo off",
      "echo one>out.txt",
      "echo two >>out.txt",
      "type out.txt",
      "type nope.txt 2>nul",
      "echo %ERRORLEVEL%",
    ],
    stdout: "one\r\ntwo \r\n1\r\n",
    exitCode: 1,
  },
  {
    name: "appends land in order and are seen by every later reader",
    script: [
      "@echo off",
      "for /l %%i in (1,1,2000) do echo line %%i>>big.log",
      'find /c "line" big.log',
      "echo a>>mixed.log",
      "type mixed.log",
      "echo b>>mixed.log",
      "type mixed.log",
      "for %%f in (mixed.log) do echo %%~zf",
    ],
    stdout: "\r\n---------- BIG.LOG: 2000\r\na\r\na\r\nb\r\n6\r\n",
    exitCode: 0,
  },
  {
    name: "2>&1 sends errors to the file",
    script: ["@echo off", "nothere > err.txt 2>&1", "type err.txt"],
    stdout: NOT_RECOGNIZED("nothere"),
    exitCode: 0,
  },
  {
    name: "dir /b feeds for /f, the usual way to install every .msi in a folder",
    script: [
      "@echo off",
      "md sub",
      "echo x>b.msi",
      "echo x>a.msi",
      "echo x>sub\\c.msi",
      "for /f \"delims=\" %%m in ('dir /b *.msi') do echo would install %%m",
      "dir /b /s *.msi",
      "dir /b /a:d",
      "dir /b nothing.* 2>nul || echo none",
    ],
    stdout: `would install a.msi\r\nwould install b.msi\r\n${CACHE}\\a.msi\r\n${CACHE}\\b.msi\r\n${CACHE}\\sub\\c.msi\r\nsub\r\nnone\r\n`,
    exitCode: 1,
  },
  {
    name: "for /f over an escaped reg query pipeline reads a value into a variable",
    script: [
      "@echo off",
      "reg add HKLM\\SOFTWARE\\Contoso /v Version /d 1.2.3 /f >nul",
      'for /f "tokens=3" %%v in (\'reg query HKLM\\SOFTWARE\\Contoso /v Version 2^>nul ^| find "Version"\') do set VER=%%v',
      "echo installed %VER%",
      'if "%VER%"=="1.2.3" (exit /b 0) else (exit /b 1)',
    ],
    stdout: "installed 1.2.3\r\n",
    exitCode: 0,
  },
  // pipes into find / findstr
  {
    name: "| find and findstr set ERRORLEVEL by whether a line matched",
    script: [
      "@echo off",
      "(echo alpha& echo Beta& echo gamma)>words.txt",
      'type words.txt | find /i "beta"',
      "echo f=%ERRORLEVEL%",
      'echo nothing| find "beta" >nul',
      "echo none=%ERRORLEVEL%",
      'findstr /r "^a.*a$" words.txt',
      'findstr /i /c:"BETA" words.txt',
      'find /c "a" words.txt',
    ],
    stdout: "Beta\r\nf=0\r\nnone=1\r\nalpha\r\nBeta\r\n\r\n---------- WORDS.TXT: 3\r\n",
    exitCode: 0,
  },
  // files
  {
    name: "md, copy, move, ren, del, rd /s /q",
    script: [
      "@echo off",
      "md sub\\deep",
      "md sub",
      "echo data>f.txt",
      "copy f.txt sub\\g.txt",
      "copy nope.txt sub",
      "move sub\\g.txt sub\\deep",
      "ren sub\\deep\\g.txt h.txt",
      "if exist sub\\deep\\h.txt echo renamed",
      "del sub\\deep\\h.txt",
      "del nope.txt",
      "echo del=%ERRORLEVEL%",
      "rd /s /q sub",
      "if not exist sub echo gone",
    ],
    stdout:
      "        1 file(s) copied.\r\n        0 file(s) copied.\r\n        1 file(s) moved.\r\nrenamed\r\ndel=0\r\ngone\r\n",
    stderr: `A subdirectory or file sub already exists.\r\nThe system cannot find the file specified.\r\nCould Not Find ${CACHE}\\nope.txt\r\n`,
    exitCode: 0,
  },
  {
    name: "xcopy and robocopy exit codes",
    script: [
      "@echo off",
      "md src\\a",
      "echo 1>src\\a\\f.txt",
      "xcopy src dst /e /i /y /q",
      "echo x=%ERRORLEVEL%",
      "robocopy src rdst /e >nul",
      "echo r=%ERRORLEVEL%",
      "robocopy src rdst /e >nul",
      "echo again=%ERRORLEVEL%",
      "robocopy nope rdst >nul",
      "echo fatal=%ERRORLEVEL%",
    ],
    stdout: "1 File(s) copied\r\nx=0\r\nr=1\r\nagain=0\r\nfatal=16\r\n",
    exitCode: 16,
  },
  // cd / pushd / popd
  {
    name: "cd, pushd and popd",
    script: ["@echo off", "pushd C:\\Windows", "echo %CD%", "popd", "cd", "cd nowhere", "echo %ERRORLEVEL%"],
    stdout: `C:\\Windows\r\n${CACHE}\r\n1\r\n`,
    stderr: "The system cannot find the path specified.\r\n",
    exitCode: 1,
  },
  // timeout, start /wait, cmd /c
  {
    name: "timeout without a console fails at once",
    script: ["@echo off", "timeout /t 30 /nobreak", "echo %ERRORLEVEL%"],
    stdout: "1\r\n",
    stderr: "ERROR: Input redirection is not supported, exiting the process immediately.\r\n",
    exitCode: 1,
  },
  {
    name: "start /wait sets ERRORLEVEL; cmd /c quotes",
    script: ["@echo off", 'start "" /wait cmd /c exit 4', "echo %ERRORLEVEL%", 'cmd /c "echo a & echo b"'],
    stdout: "4\r\na \r\nb\r\n",
    exitCode: 0,
  },
  // .cmd vs .bat: SET clears ERRORLEVEL only in .cmd
  {
    name: "set clears ERRORLEVEL in a .cmd",
    script: ["@echo off", "cmd /c exit 2", "set X=1", "echo %ERRORLEVEL%"],
    stdout: "0\r\n",
    exitCode: 0,
  },
  {
    name: "set keeps ERRORLEVEL in a .bat",
    file: "install.bat",
    script: ["@echo off", "cmd /c exit 2", "set X=1", "echo %ERRORLEVEL%"],
    stdout: "2\r\n",
    exitCode: 2,
  },
  {
    name: "a syntax error ends the batch with 255",
    script: ["@echo off", "if", "echo never"],
    stdout: "",
    stderr: "The syntax of the command is incorrect.\r\n",
    exitCode: 255,
  },
];

describe("cmd constructs", () => {
  it("dir lists a folder the way cmd lays it out", async () => {
    const run = await runScript(["@echo off", "md sub\\inner", "echo 12345678>sub\\x.txt", "dir sub"]);
    expect(run.stdout).toBe(
      " Volume in drive C has no label.\r\n Volume Serial Number is 1A2B-3C4D\r\n" +
        `\r\n Directory of ${CACHE}\\sub\r\n\r\n` +
        "11/24/2026  01:00 PM    <DIR>          inner\r\n" +
        "11/24/2026  01:00 PM                10 x.txt\r\n" +
        "               1 File(s)             10 bytes\r\n" +
        `                0 Dir(s)  ${run.device.fs.freeBytes("C:").toLocaleString("en-US")} bytes free\r\n`,
    );
  });

  it.each(cases)("$name", async (c) => {
    const result = await runScript(c.script, {
      ...(c.args === undefined ? {} : { args: c.args }),
      ...(c.file === undefined ? {} : { name: c.file }),
    });
    expect(result.stdout).toBe(c.stdout);
    expect(result.stderr).toBe(c.stderr ?? "");
    expect(result.exitCode).toBe(c.exitCode);
  });
});
