// The process context the IME gives an install (ime.md §1.5, windows-formats.md §4): a 32-bit cmd on 64-bit
// Windows sees Program Files (x86), System32 redirected to SysWOW64, Sysnative, and writes the registry
// through WOW6432Node unless reg.exe is told /reg:64 — for SYSTEM and for a user.
import { describe, expect, it } from "vitest";
import { createDevice } from "../../src/host/index.ts";
import type { ProcessContext } from "../../src/host/types.ts";
import { newDevice, readText, runScript, SYSTEM32, SYSTEM64 } from "./device.ts";

const USER_SID = "S-1-12-1-1111111111-2222222222-3333333333-4444444444";
const USER32: ProcessContext = { account: "user", userSid: USER_SID, bitness: 32 };

describe("environment by context", () => {
  it.each([
    [
      SYSTEM32,
      "C:\\Program Files (x86)|x86|AMD64|C:\\Program Files|C:\\WINDOWS\\system32\\config\\systemprofile",
    ],
    [SYSTEM64, "C:\\Program Files|AMD64||C:\\Program Files|C:\\WINDOWS\\system32\\config\\systemprofile"],
  ])("%o", async (context, expected) => {
    const run = await runScript(
      [
        "@echo off",
        "echo %ProgramFiles%^|%PROCESSOR_ARCHITECTURE%^|%PROCESSOR_ARCHITEW6432%^|%ProgramW6432%^|%USERPROFILE%",
      ],
      { context },
    );
    expect(run.stdout).toBe(`${expected}\r\n`);
  });
});

describe("the cmd.exe an install runs in", () => {
  it.each([
    [SYSTEM32, "C:\\WINDOWS\\SysWOW64\\cmd.exe /c"],
    [SYSTEM64, "C:\\WINDOWS\\system32\\cmd.exe /c"],
  ])("%o", async (context, prefix) => {
    const run = await runScript(["@echo off", "echo %CMDCMDLINE%"], { context });
    expect(run.stdout).toBe(`${prefix} "C:\\Windows\\IMECache\\app_1\\install.cmd"\r\n`);
  });
});

describe("file system redirection", () => {
  it("a 32-bit process writing to System32 lands in SysWOW64; Sysnative reaches System32", async () => {
    const device = newDevice();
    await runScript(
      [
        "@echo off",
        "echo a>%windir%\\System32\\imesim-a.txt",
        "echo b>%windir%\\Sysnative\\imesim-b.txt",
        "echo c>%windir%\\System32\\drivers\\etc\\imesim-c.txt",
      ],
      {
        device,
      },
    );
    expect(readText(device, "C:\\Windows\\SysWOW64\\imesim-a.txt")).toBe("a\r\n");
    expect(device.fs.stat("C:\\Windows\\System32\\imesim-a.txt")).toBeUndefined();
    expect(readText(device, "C:\\Windows\\System32\\imesim-b.txt")).toBe("b\r\n");
    // drivers\etc is exempt from redirection.
    expect(readText(device, "C:\\Windows\\System32\\drivers\\etc\\imesim-c.txt")).toBe("c\r\n");
  });

  it("32-bit Windows redirects nothing", async () => {
    const device = createDevice({
      backend: "memory",
      clock: { now: () => 0 },
      profile: { architecture: "x86" },
    });
    device.fs.mkdir("C:\\Windows\\IMECache\\app_1");
    const run = await runScript(
      ["@echo off", "echo a>%windir%\\System32\\imesim-a.txt", "echo %ProgramFiles%"],
      { device },
    );
    expect(run.stdout).toBe("C:\\Program Files\r\n");
    expect(readText(device, "C:\\Windows\\System32\\imesim-a.txt")).toBe("a\r\n");
  });

  it("Sysnative exists only for 32-bit processes", async () => {
    const script = ["@echo off", "if exist %windir%\\sysnative\\cmd.exe (echo yes) else (echo no)"];
    expect((await runScript(script, { context: SYSTEM32 })).stdout).toBe("yes\r\n");
    expect((await runScript(script, { context: SYSTEM64 })).stdout).toBe("no\r\n");
  });
});

describe("reg.exe views and hives", () => {
  it("writes to WOW6432Node from the 32-bit process unless /reg:64 is given", async () => {
    const device = newDevice();
    const run = await runScript(
      [
        "@echo off",
        'reg add "HKLM\\SOFTWARE\\Contoso" /v Mode /t REG_SZ /d x86 /f >nul',
        "reg add HKLM\\SOFTWARE\\Contoso /v Mode /d native /f /reg:64 >nul",
        "reg add HKLM\\SOFTWARE\\Contoso /v Count /t REG_DWORD /d 0x2a /f >nul",
        "reg query HKLM\\SOFTWARE\\Contoso",
        "reg query HKLM\\SOFTWARE\\Contoso /v Missing",
        "echo %ERRORLEVEL%",
      ],
      { device },
    );
    expect(device.registry.getValue("HKLM\\SOFTWARE\\WOW6432Node\\Contoso", "Mode", { view: 64 })).toEqual({
      type: "REG_SZ",
      data: "x86",
    });
    expect(device.registry.getValue("HKLM\\SOFTWARE\\Contoso", "Mode", { view: 64 })).toEqual({
      type: "REG_SZ",
      data: "native",
    });
    expect(run.stdout).toBe(
      "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\r\n    Mode    REG_SZ    x86\r\n    Count    REG_DWORD    0x2a\r\n\r\n1\r\n",
    );
    expect(run.stderr).toBe("ERROR: The system was unable to find the specified registry key or value.\r\n");
  });

  it("HKCU is the SYSTEM hive (S-1-5-18) for system installs and the user's hive for user installs", async () => {
    const device = newDevice();
    await runScript(["reg add HKCU\\Software\\Contoso /v Who /d system /f"], { device, context: SYSTEM32 });
    await runScript(["reg add HKCU\\Software\\Contoso /v Who /d user /f"], { device, context: USER32 });
    expect(device.registry.getValue("HKU\\S-1-5-18\\Software\\Contoso", "Who", { view: 64 })).toEqual({
      type: "REG_SZ",
      data: "system",
    });
    expect(device.registry.getValue(`HKU\\${USER_SID}\\Software\\Contoso`, "Who", { view: 64 })).toEqual({
      type: "REG_SZ",
      data: "user",
    });
  });

  it("reg delete needs /f without a console; reg import follows the process view", async () => {
    const device = newDevice();
    device.fs.writeFile(
      "C:\\Windows\\IMECache\\app_1\\settings.reg",
      'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso]\r\n"Imported"=dword:00000001\r\n',
    );
    const run = await runScript(
      [
        "@echo off",
        "reg import settings.reg",
        "reg delete HKLM\\SOFTWARE\\Contoso /v Imported",
        "echo %ERRORLEVEL%",
        "reg delete HKLM\\SOFTWARE\\Contoso /v Imported /f",
        "echo %ERRORLEVEL%",
      ],
      { device },
    );
    expect(run.stdout).toBe(
      "The operation completed successfully.\r\nPermanently delete the registry value Imported (Yes/No)? \r\nThe operation was canceled by the user.\r\n1\r\nThe operation completed successfully.\r\n0\r\n",
    );
    expect(device.registry.keyExists("HKLM\\SOFTWARE\\WOW6432Node\\Contoso", { view: 64 })).toBe(true);
    expect(
      device.registry.getValue("HKLM\\SOFTWARE\\WOW6432Node\\Contoso", "Imported", { view: 64 }),
    ).toBeUndefined();
  });
});

describe("reg export", () => {
  it("writes the key as the process names it (from the 32-bit view), and refuses to overwrite without /y", async () => {
    const device = newDevice();
    const run = await runScript(
      [
        "@echo off",
        "reg add HKLM\\SOFTWARE\\Contoso /v Mode /d x86 /f >nul",
        "reg export HKLM\\SOFTWARE\\Contoso backup.reg",
        "reg export HKLM\\SOFTWARE\\Contoso backup.reg >nul",
        "echo %ERRORLEVEL%",
      ],
      { device },
    );
    expect(run.stdout).toBe("The operation completed successfully.\r\n1\r\n");
    const bytes = Buffer.from(device.fs.readFile("C:\\Windows\\IMECache\\app_1\\backup.reg"));
    expect(bytes.subarray(2).toString("utf16le")).toBe(
      'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso]\r\n"Mode"="x86"\r\n\r\n',
    );
  });
});

describe("reg add value types", () => {
  it.each([
    ["/t REG_SZ /d text", { type: "REG_SZ", data: "text" }],
    ["/t REG_EXPAND_SZ /d %%ProgramFiles%%\\X", { type: "REG_EXPAND_SZ", data: "%ProgramFiles%\\X" }],
    ["/t REG_MULTI_SZ /d a\\0b", { type: "REG_MULTI_SZ", data: ["a", "b"] }],
    ["/t REG_MULTI_SZ /s , /d a,b,c", { type: "REG_MULTI_SZ", data: ["a", "b", "c"] }],
    ["/t REG_DWORD /d 42", { type: "REG_DWORD", data: 42 }],
    ["/t REG_QWORD /d 0x100000000", { type: "REG_QWORD", data: 0x100000000n }],
    ["/t REG_BINARY /d DEADBEEF", { type: "REG_BINARY", data: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]) }],
  ])("reg add … %s", async (options, expected) => {
    const device = newDevice();
    const run = await runScript(["@echo off", `reg add HKLM\\SOFTWARE\\T /v V ${options} /f /reg:64`], {
      device,
    });
    expect(run.exitCode).toBe(0);
    expect(device.registry.getValue("HKLM\\SOFTWARE\\T", "V", { view: 64 })).toEqual(expected);
  });

  it("rejects bad data with reg's syntax error and exit code 1", async () => {
    const run = await runScript([
      "@echo off",
      "reg add HKLM\\SOFTWARE\\T /v V /t REG_DWORD /d nope /f",
      "reg add BOGUS\\Key /f",
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('ERROR: Invalid syntax.\r\nType "REG ADD /?" for usage.\r\n'.repeat(2));
  });
});
