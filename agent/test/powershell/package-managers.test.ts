// Install scripts that download at install time, over the virtual device's modelled internet
// (process/outside-world.ts), and the package managers they start (choco, winget), modelled natively.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Device } from "../../src/host/index.ts";
import { runInstallCommand } from "../../src/host/installer/command-line-installer.ts";
import type { InstallRequest } from "../../src/host/installer/types.ts";
import {
  type CataloguePackage,
  createOutsideWorld,
  type OutsideWorld,
} from "../../src/host/process/outside-world.ts";
import { CACHE, newDevice } from "../installer/device.ts";

const SCRIPTS = new URL("../fixtures/installer/scripts/", import.meta.url);
const WEB = new URL("../../../e2e/test/fixtures/web/", import.meta.url);
const CHOCO = "C:\\ProgramData\\chocolatey";

const CHROME: CataloguePackage = {
  manager: "choco",
  id: "googlechrome",
  version: "131.0.6778.86",
  name: "Google Chrome",
  files: [
    {
      path: "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
      content: "MZ",
      version: "131.0.6778.86",
    },
  ],
};
const SEVEN_ZIP: CataloguePackage = {
  manager: "winget",
  id: "7zip.7zip",
  version: "24.09",
  name: "7-Zip 24.09 (x64)",
  files: [{ path: "C:\\Program Files\\7-Zip\\7z.exe", content: "MZ", version: "24.9.0.0" }],
};

function request(commandLine: string, intent: "install" | "uninstall" = "install"): InstallRequest {
  return {
    appId: "app",
    intent,
    commandLine,
    workingDirectory: CACHE,
    context: { account: "system", bitness: 32 },
    attempt: 1,
    timeoutMs: 3_600_000,
  };
}

function chocolateyPackage(): Device {
  const device = newDevice();
  device.fs.writeFile(`${CACHE}\\install.ps1`, readFileSync(new URL("kevin92fung-install.ps1", SCRIPTS)));
  return device;
}

const CHOCO_INSTALL = "powershell.exe -ExecutionPolicy Bypass -File .\\install.ps1 googlechrome";
const run = (device: Device, commandLine: string, world?: OutsideWorld, intent?: "install" | "uninstall") =>
  runInstallCommand(request(commandLine, intent), device, world === undefined ? {} : { world });

describe("kevin92fung's Chocolatey install.ps1", () => {
  it("bootstraps Chocolatey from its well-known URL, then choco installs the catalogue's package into lib", async () => {
    const device = chocolateyPackage();
    const outcome = await run(device, CHOCO_INSTALL, createOutsideWorld({ packages: [CHROME] }));
    expect(outcome.stderr).toBe("");
    expect(outcome.exitCode).toBe(0);
    expect(device.fs.stat(`${CHOCO}\\bin\\choco.exe`)?.kind).toBe("file");
    expect(device.fs.stat(`${CHOCO}\\lib\\googlechrome\\googlechrome.nupkg`)?.kind).toBe("file");
    expect(device.fs.fileVersion("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe")).toBe(
      "131.0.6778.86",
    );
    expect(
      device.registry.getValue(
        "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment",
        "ChocolateyInstall",
      ),
    ).toEqual({ type: "REG_SZ", data: CHOCO });
    expect(outcome.stdout).toContain("The install of googlechrome was successful.");
    // A second run finds choco.exe and upgrades Chocolatey itself first, as the script does.
    const again = await run(device, CHOCO_INSTALL, createOutsideWorld({ packages: [CHROME] }));
    expect(again.stdout).toContain("chocolatey v2.4.1 is the latest version available");
    expect(again.stdout).toContain("googlechrome v131.0.6778.86 already installed.");
  });

  it("an id the catalogue does not have: choco fails with 1, which Invoke-Expression does not turn into an error", async () => {
    const device = chocolateyPackage();
    const outcome = await run(device, CHOCO_INSTALL, createOutsideWorld());
    expect(outcome.stdout).toContain(
      "googlechrome not installed. The package was not found with the source(s) listed.",
    );
    expect(outcome.exitCode).toBe(0);
    expect(device.fs.stat(`${CHOCO}\\lib\\googlechrome`)).toBeUndefined();
  });

  it("offline, the WebClient download fails with the unresolved host and the script's catch throws: exit 1", async () => {
    const device = chocolateyPackage();
    const outcome = await run(device, CHOCO_INSTALL, createOutsideWorld({ offline: true }));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toContain("Installationen misslyckades");
    expect(device.fs.stat(CHOCO)).toBeUndefined();
  });

  it("uninstalls through choco and removes the lib folder", async () => {
    const device = chocolateyPackage();
    const world = createOutsideWorld({ packages: [CHROME] });
    await run(device, CHOCO_INSTALL, world);
    const outcome = await run(device, `${CHOCO_INSTALL} uninstall`, world, "uninstall");
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toContain("googlechrome has been successfully uninstalled.");
    expect(device.fs.stat(`${CHOCO}\\lib\\googlechrome`)).toBeUndefined();
    expect(device.fs.stat("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe")).toBeUndefined();
  });

  it("without a modelled internet the download stops the run, naming the URL and both flags", async () => {
    const device = chocolateyPackage();
    const outcome = await run(device, CHOCO_INSTALL);
    expect(outcome.stderr).toContain(
      "imesim: C:\\Windows\\IMECache\\app_1\\install.ps1 line 26: the download of `https://community.chocolatey.org/install.ps1` is not modelled: give its content with `--web https://community.chocolatey.org/install.ps1=<file>`",
    );
    expect(outcome.stderr).toContain("`--offline`");
  });

  it("Chocolatey's documented one-liner (TLS 1.2, iex of the bootstrap) makes a bare `choco` work in the same script", async () => {
    const device = newDevice();
    device.fs.writeFile(
      `${CACHE}\\install.ps1`,
      "Set-ExecutionPolicy Bypass -Scope Process -Force; [System.Net.ServicePointManager]::SecurityProtocol = [System.Net.ServicePointManager]::SecurityProtocol -bor 3072; iex ((New-Object System.Net.WebClient).DownloadString('https://community.chocolatey.org/install.ps1'))\r\n" +
        "[int][Net.ServicePointManager]::SecurityProtocol -band [int][Net.SecurityProtocolType]::Tls12\r\n" +
        "choco install googlechrome -y --no-progress\r\nexit $LASTEXITCODE\r\n",
    );
    const outcome = await run(
      device,
      "powershell.exe -ExecutionPolicy Bypass -File install.ps1",
      createOutsideWorld({ packages: [CHROME] }),
    );
    expect(outcome.stdout).toContain("3072\r\n");
    expect(outcome.stdout).toContain("The install of googlechrome was successful.");
    expect(outcome.exitCode).toBe(0);
  });

  it("passes a package installer's 3010 through as choco's exit code", async () => {
    const device = newDevice();
    device.fs.writeFile(
      `${CACHE}\\install.ps1`,
      "iex ((New-Object System.Net.WebClient).DownloadString('https://community.chocolatey.org/install.ps1'))\r\nchoco install googlechrome -y\r\nexit $LASTEXITCODE\r\n",
    );
    const outcome = await run(
      device,
      "powershell.exe -ExecutionPolicy Bypass -File .\\install.ps1",
      createOutsideWorld({ packages: [{ ...CHROME, exitCode: 3010 }] }),
    );
    expect(outcome.exitCode).toBe(3010);
  });
});

describe("MrMeeb's winget install.cmd", () => {
  const SCRIPT_URL =
    "https://raw.githubusercontent.com/MrMeeb/Intune-Winget-Universal-App-Installer/refs/heads/main/Online/install.ps1";
  const INSTALL = '"%systemroot%\\sysnative\\cmd.exe" /c "install.cmd" install 7zip.7zip';
  const wingetPackage = () => {
    const device = newDevice();
    device.fs.writeFile(`${CACHE}\\install.cmd`, readFileSync(new URL("MrMeeb-install.cmd", SCRIPTS)));
    return device;
  };
  const online = readFileSync(new URL("winget-install.ps1", WEB));

  it("downloads install.ps1 with Invoke-WebRequest, which finds winget under WindowsApps and installs the package", async () => {
    const device = wingetPackage();
    const world = createOutsideWorld({ web: [[SCRIPT_URL, { content: online }]], packages: [SEVEN_ZIP] });
    const outcome = await run(device, INSTALL, world);
    expect(outcome.exitCode).toBe(0);
    expect(device.fs.stat(`${CACHE}\\install.ps1`)?.kind).toBe("file");
    expect(device.fs.fileVersion("C:\\Program Files\\7-Zip\\7z.exe")).toBe("24.9.0.0");
    expect(
      device.registry.getValue(
        "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\7zip.7zip",
        "DisplayVersion",
      ),
    ).toEqual({ type: "REG_SZ", data: "24.09" });
  });

  it("an id outside the catalogue: winget's 0x8A150014, returned as the script's exit code", async () => {
    const device = wingetPackage();
    const outcome = await run(
      device,
      INSTALL,
      createOutsideWorld({ web: [[SCRIPT_URL, { content: online }]] }),
    );
    expect(outcome.exitCode).toBe(0x8a150014);
  });

  it("offline: Invoke-WebRequest fails to resolve the host, then -File finds no install.ps1", async () => {
    const device = wingetPackage();
    const outcome = await run(device, INSTALL, createOutsideWorld({ offline: true }));
    expect(outcome.stderr).toContain("The remote name could not be resolved: 'raw.githubusercontent.com'");
    expect(outcome.stderr).toContain("The argument '.\\install.ps1' to the -File parameter does not exist.");
    expect(outcome.exitCode).toBe(-196608 >>> 0);
  });

  it("a bare `winget` from SYSTEM is not found: the WindowsApps alias is only on a user's PATH", async () => {
    const outcome = await run(
      newDevice(),
      "winget install --id 7zip.7zip --exact --silent",
      createOutsideWorld({ packages: [SEVEN_ZIP] }),
    );
    expect(outcome.exitCode).toBe(9009);
    expect(outcome.stderr).toContain("'winget' is not recognized as an internal or external command,");
  });

  it("a listed HTTP status fails the download as a WebException with that status", async () => {
    const device = wingetPackage();
    const outcome = await run(device, INSTALL, createOutsideWorld({ web: [[SCRIPT_URL, { status: 404 }]] }));
    expect(outcome.stderr).toContain("The remote server returned an error: (404) Not Found.");
  });
});
