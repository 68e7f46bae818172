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

describe("PSADT v4 (Invoke-AppDeployToolkit.ps1)", () => {
  it("installs the MSI from Files\\, writes its registry value and the toolkit log, and closes with 0", async () => {
    const host = device();
    unpack(host, "v4");
    const result = await deploy(host, "Invoke-AppDeployToolkit.ps1", [
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
      data: "PSADT",
    });
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

  it("closes with 60001 when the MSI fails (the template's catch)", async () => {
    const host = device();
    unpack(host, "v4", Buffer.from("not an msi"));
    const result = await deploy(host, "Invoke-AppDeployToolkit.ps1", ["-DeploymentType", "Install"]);
    expect(result.exitCode).toBe(60001);
    expect(findInstalledProduct(host, PRODUCT, "S-1-5-18")).toBeUndefined();
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

describe("PSADT v3 (Deploy-Application.ps1)", () => {
  it("dot-sources the toolkit, runs Execute-MSI and Set-RegistryKey, and exits through Exit-Script", async () => {
    const host = device();
    unpack(host, "v3");
    const result = await deploy(host, "Deploy-Application.ps1", [
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
      data: "PSADT3",
    });
  });

  it("exits with the MSI's own exit code when Execute-MSI fails (v3)", async () => {
    const host = device();
    unpack(host, "v3", Buffer.from("not an msi"));
    const result = await deploy(host, "Deploy-Application.ps1", []);
    expect(result.exitCode).toBe(1620);
  });
});
