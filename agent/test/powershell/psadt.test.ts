// PSADT packages on the virtual device: the toolkit's functions are modelled natively (v4 and v3 names),
// the fixture scripts (written for imesim) install a wixl-built MSI, and the toolkit's log is written.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Device } from "../../src/host/index.ts";
import { findInstalledProduct } from "../../src/host/installer/msiexec/index.ts";
import { runPowerShell } from "../../src/host/installer/powershell/index.ts";
import { MODELLED_PROGRAMS } from "../../src/host/process/launcher.ts";
import { processEnvironment } from "../../src/host/process/process-environment.ts";
import { device, NOW } from "../rules/helpers.ts";

const FIXTURES = fileURLToPath(new URL("../../../e2e/test/fixtures/psadt/", import.meta.url));
const CACHE = "C:\\Windows\\IMECache\\psadt_1";
const SYSTEM32 = { account: "system" as const, bitness: 32 as const };
const PRODUCT = "{7A1C2E3D-4B5F-4A6B-8C7D-9E0F1A2B3C4D}";

/** Copies a fixture folder onto the device's IMECache folder, with the MSI in Files\. */
function unpack(host: Device, folder: string, msi = readFileSync(join(FIXTURES, "ContosoPsadt.msi"))): void {
  const visit = (dir: string, target: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visit(path, `${target}\\${name}`);
      else host.fs.writeFile(`${target}\\${name}`, readFileSync(path));
    }
  };
  visit(join(FIXTURES, folder), CACHE);
  host.fs.writeFile(`${CACHE}\\Files\\ContosoPsadt.msi`, msi);
}

async function deploy(host: Device, script: string, args: string[]) {
  return runPowerShell({
    host,
    context: SYSTEM32,
    environment: processEnvironment(host, SYSTEM32),
    cwd: CACHE,
    script: new TextDecoder().decode(host.fs.readFile(`${CACHE}\\${script}`)),
    scriptPath: `${CACHE}\\${script}`,
    args,
    mode: "file",
    resolver: undefined,
    programs: MODELLED_PROGRAMS,
    startedAtMs: NOW,
  });
}

/** What differs between the toolkit's generations; the install and the failed-MSI paths are the same test. */
const GENERATIONS = [
  {
    name: "PSADT v4 (Invoke-AppDeployToolkit.ps1)",
    folder: "v4",
    script: "Invoke-AppDeployToolkit.ps1",
    // v4's template writes DeployedBy=PSADT through Set-ADTRegistryKey and closes with 0.
    deployedBy: "PSADT",
    // v4's template catches the failed Start-ADTMsiProcess and closes the session with 60001.
    failedMsiExitCode: 60001,
  },
  {
    name: "PSADT v3 (Deploy-Application.ps1)",
    folder: "v3",
    script: "Deploy-Application.ps1",
    deployedBy: "PSADT3",
    // v3's Execute-MSI exits the script with msiexec's own code (1620: the package cannot be opened).
    failedMsiExitCode: 1620,
  },
] as const;

describe.each(GENERATIONS)("$name", (generation) => {
  it("installs the MSI from Files\\, writes its registry value, and exits 0", async () => {
    const host = device();
    unpack(host, generation.folder);
    const result = await deploy(host, generation.script, [
      "-DeploymentType",
      "Install",
      "-DeployMode",
      "Silent",
    ]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(findInstalledProduct(host, PRODUCT, "S-1-5-18")).toBeDefined();
    expect(host.registry.getValue("HKLM\\SOFTWARE\\WOW6432Node\\Contoso\\DeployTool", "DeployedBy")).toEqual({
      type: "REG_SZ",
      data: generation.deployedBy,
    });
  });

  it("exits with the toolkit's code when the MSI fails", async () => {
    const host = device();
    unpack(host, generation.folder, Buffer.from("not an msi"));
    const result = await deploy(host, generation.script, ["-DeploymentType", "Install"]);
    expect(result.exitCode).toBe(generation.failedMsiExitCode);
    expect(findInstalledProduct(host, PRODUCT, "S-1-5-18")).toBeUndefined();
  });
});

describe("PSADT v4 only", () => {
  it("writes the toolkit log where v4 writes it, naming the modelled functions", async () => {
    const host = device();
    unpack(host, "v4");
    await deploy(host, "Invoke-AppDeployToolkit.ps1", [
      "-DeploymentType",
      "Install",
      "-DeployMode",
      "Silent",
    ]);
    const logs = host.fs.list("C:\\Windows\\Logs\\Software");
    expect(logs).toContain("Contoso_DeployTool_2.1.0_x64_EN_01_PSAppDeployToolkit_Install.log");
    const log = new TextDecoder().decode(
      host.fs.readFile(
        "C:\\Windows\\Logs\\Software\\Contoso_DeployTool_2.1.0_x64_EN_01_PSAppDeployToolkit_Install.log",
      ),
    );
    expect(log).toContain("Bypassing Show-ADTInstallationWelcome [Mode: NonInteractive]");
    expect(log).toContain('component="Start-ADTMsiProcess"');
    expect(log).toContain("Contoso Deploy Tool is installed.");
  });

  it("uninstalls through Uninstall-ADTApplication (msiexec /x of the registered product)", async () => {
    const host = device();
    unpack(host, "v4");
    await deploy(host, "Invoke-AppDeployToolkit.ps1", ["-DeploymentType", "Install"]);
    const result = await deploy(host, "Invoke-AppDeployToolkit.ps1", ["-DeploymentType", "Uninstall"]);
    expect(result.exitCode).toBe(0);
    expect(findInstalledProduct(host, PRODUCT, "S-1-5-18")).toBeUndefined();
  });
});
