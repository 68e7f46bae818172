// The .cmd/.bat files real packages ship (fixtures/intunewin), run as the IME runs an install command.
// whoami, icacls, schtasks and powershell are modelled programs; programs the scenario declares come from
// its ProgramResolver first.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Device } from "../../src/host/index.ts";
import type { ProgramResolver } from "../../src/host/installer/cmd/index.ts";
import { runInstallCommand } from "../../src/host/installer/command-line-installer.ts";
import type { InstallRequest } from "../../src/host/installer/types.ts";
import { CACHE, newDevice, readText } from "./device.ts";

const SCRIPTS = new URL("../fixtures/installer/scripts/", import.meta.url);

function withScript(device: Device, fixture: string, name: string): Device {
  device.fs.writeFile(`${CACHE}\\${name}`, readFileSync(new URL(fixture, SCRIPTS)));
  return device;
}

function request(commandLine: string, overrides: Partial<InstallRequest> = {}): InstallRequest {
  return {
    appId: "app",
    intent: "install",
    commandLine,
    workingDirectory: CACHE,
    context: { account: "system", bitness: 32 },
    attempt: 1,
    timeoutMs: 3_600_000,
    ...overrides,
  };
}

describe("MrMeeb install.cmd (winget wrapper)", () => {
  const LOG_32 = "C:\\Program Files (x86)\\CAW\\IntuneLogs\\7zip.7zip\\install.cmd.log";

  it("runs from the IME's 32-bit cmd: logs under Program Files (x86), as SYSTEM; with no modelled internet the download stops", async () => {
    const device = withScript(newDevice(), "MrMeeb-install.cmd", "install.cmd");
    const outcome = await runInstallCommand(request("install.cmd install 7zip.7zip"), device);
    expect(readText(device, LOG_32)).toBe(
      '"Action is install"\r\n"App is 7zip.7zip"\r\nnt authority\\system\r\n' +
        "processed file: C:\\Program Files (x86)\\CAW\\IntuneLogs\\7zip.7zip\r\n" +
        "Successfully processed 1 files; Failed processing 0 files\r\n" +
        '"Downloading install.ps1 script"\r\n',
    );
    // Without a modelled internet Invoke-WebRequest stops the first PowerShell; the second finds no install.ps1.
    expect(outcome.stderr).toContain(
      "the download of `https://raw.githubusercontent.com/MrMeeb/Intune-Winget-Universal-App-Installer/refs/heads/main/Online/install.ps1` is not modelled",
    );
    expect(outcome.stderr).toContain("The argument '.\\install.ps1' to the -File parameter does not exist.");
    expect(outcome.exitCode).toBe(-196608 >>> 0);
    expect(device.fs.stat("C:\\Program Files\\CAW")).toBeUndefined();
  });

  it("through %systemroot%\\sysnative\\cmd.exe, as its header advises, it runs 64-bit: Program Files", async () => {
    const device = withScript(newDevice(), "MrMeeb-install.cmd", "install.cmd");
    const outcome = await runInstallCommand(
      request('"%systemroot%\\sysnative\\cmd.exe" /c "install.cmd" install 7zip.7zip'),
      device,
    );
    // The same PowerShell failure as from 32-bit cmd: the downloaded install.ps1 is never there.
    expect(outcome.exitCode).toBe(-196608 >>> 0);
    expect(device.fs.stat("C:\\Program Files\\CAW\\IntuneLogs\\7zip.7zip\\install.cmd.log")?.kind).toBe(
      "file",
    );
    expect(device.fs.stat("C:\\Program Files (x86)\\CAW")).toBeUndefined();
  });

  it("reports the declared PowerShell result as the script's exit code", async () => {
    const device = withScript(newDevice(), "MrMeeb-install.cmd", "install.cmd");
    const seen: string[] = [];
    const programs: ProgramResolver = (invocation) => {
      if (!/^powershell(\.exe)?$/i.test(invocation.name)) return undefined;
      seen.push(`${invocation.context.bitness}:${invocation.argv.join(" ")}`);
      return invocation.argv.includes("-File")
        ? { exitCode: 1, stderr: "winget not found\r\n" }
        : { exitCode: 0 };
    };
    const outcome = await runInstallCommand(request("install.cmd install 7zip.7zip"), device, { programs });
    expect(seen).toEqual([
      "32:Invoke-Webrequest -uri https://raw.githubusercontent.com/MrMeeb/Intune-Winget-Universal-App-Installer/refs/heads/main/Online/install.ps1 -outfile install.ps1",
      "32:-ExecutionPolicy ByPass -File .\\install.ps1 install 7zip.7zip",
    ]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr.endsWith("winget not found\r\n")).toBe(true);
  });
});

describe("JayRHa install.bat / deinstall.bat (Company Portal tray tool)", () => {
  it("install.bat echoes its commands; without the package's other files PowerShell and schtasks fail", async () => {
    const device = withScript(newDevice(), "JayRHa-install.bat", "install.bat");
    const outcome = await runInstallCommand(request("install.bat"), device);
    expect(outcome.stdout).toBe(
      `\r\n${CACHE}>powershell.exe -executionpolicy bypass -command "& '.\\Install-IntuneSystemTrayV2.ps1'"\r\n` +
        `\r\n${CACHE}>schtasks /Create /XML StartCompanyPortalSystemtray.xml /TN StartCompanyPortalSystemtray\r\n`,
    );
    expect(outcome.stderr).toContain("The term '.\\Install-IntuneSystemTrayV2.ps1' is not recognized");
    expect(outcome.stderr).toContain("ERROR: The system cannot find the file specified.\r\n");
    expect(outcome.exitCode).toBe(1);
  });

  it("install.bat succeeds when the scenario declares schtasks", async () => {
    const device = withScript(newDevice(), "JayRHa-install.bat", "install.bat");
    const programs: ProgramResolver = (invocation) =>
      invocation.name.toLowerCase() === "schtasks"
        ? {
            exitCode: 0,
            stdout:
              'SUCCESS: The scheduled task "StartCompanyPortalSystemtray" has successfully been created.\r\n',
          }
        : undefined;
    expect((await runInstallCommand(request("install.bat"), device, { programs })).exitCode).toBe(0);
  });

  it("deinstall.bat: rmdir of a missing folder prints cmd's message, then schtasks finds no task", async () => {
    const device = withScript(newDevice(), "JayRHa-deinstall.bat", "deinstall.bat");
    const outcome = await runInstallCommand(request("deinstall.bat", { intent: "uninstall" }), device);
    expect(outcome.stderr).toBe(
      "The system cannot find the file specified.\r\nERROR: The system cannot find the file specified.\r\n",
    );
    expect(outcome.exitCode).toBe(1);
  });

  it("deinstall.bat removes the tool's folder when it is there", async () => {
    const device = withScript(newDevice(), "JayRHa-deinstall.bat", "deinstall.bat");
    device.fs.writeFile("C:\\Windows\\_Tools\\IntuneSystemTrayV2\\CMTrace.exe", "MZ");
    await runInstallCommand(request("deinstall.bat", { intent: "uninstall" }), device);
    expect(device.fs.stat("C:\\Windows\\_Tools\\IntuneSystemTrayV2")).toBeUndefined();
  });
});
