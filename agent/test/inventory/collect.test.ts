// The inventory collector reads what installs left in the device registry: both ARP views, the per-user
// Uninstall keys and the Windows Installer registrations, each application once.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Device } from "../../src/host/index.ts";
import { createCommandLineInstaller } from "../../src/host/installer/command-line-installer.ts";
import { runPowerShell } from "../../src/host/installer/powershell/index.ts";
import { MODELLED_PROGRAMS } from "../../src/host/process/launcher.ts";
import { processEnvironment } from "../../src/host/process/process-environment.ts";
import { collectInventory, UNINSTALL_KEY } from "../../src/inventory/collect.ts";
import { CACHE, newDevice, runScript, SYSTEM64 } from "../installer/device.ts";

const MSI = join(import.meta.dirname, "../../../e2e/scenarios/packages/contoso-msi/ContosoTool.msi");
const CONTOSO_CODE = "{6F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0}";
const USER_SID = "S-1-12-1-1111-2222-3333-4444";

const sz = (data: string) => ({ type: "REG_SZ" as const, data });
function arp(device: Device, key: string, view: 32 | 64, values: Record<string, string | number>): void {
  for (const [name, data] of Object.entries(values))
    device.registry.setValue(key, name, typeof data === "number" ? { type: "REG_DWORD", data } : sz(data), {
      view,
    });
}

const summary = (device: Device) =>
  collectInventory(device.registry).apps.map((app) => [app.DisplayName, app.DisplayVersion, app.Source]);

describe("app inventory collection", () => {
  it("reads the 64-bit view and the WOW6432Node view the IME's 32-bit cmd wrote through reg.exe", async () => {
    const device = newDevice();
    arp(device, `${UNINSTALL_KEY}\\Notepad++`, 64, {
      DisplayName: "Notepad++ (64-bit x64)",
      DisplayVersion: "8.6.9",
      Publisher: "Notepad++ Team",
      EstimatedSize: 14_000,
    });
    // A 32-bit process's reg add of HKLM\SOFTWARE lands in WOW6432Node (windows-formats.md §4.1).
    await runScript(
      [
        `reg add "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\LegacyViewer" /v DisplayName /d "Legacy Viewer" /f`,
        `reg add "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\LegacyViewer" /v DisplayVersion /d 2.0 /f`,
      ],
      { device },
    );
    expect(
      device.registry.keyExists(
        "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\LegacyViewer",
      ),
    ).toBe(true);
    const { apps } = collectInventory(device.registry);
    expect(summary(device)).toEqual([
      ["Legacy Viewer", "2.0", "Arp32"],
      ["Notepad++ (64-bit x64)", "8.6.9", "Arp64"],
    ]);
    expect(apps[1]).toMatchObject({
      Publisher: "Notepad++ Team",
      SizeInBytes: 14_000 * 1024,
      ProductCode: null,
    });
  });

  it("lists an MSI that msiexec installed once, with its ProductCode, though it is in ARP and in UserData", async () => {
    const device = newDevice();
    device.fs.writeFile(`${CACHE}\\ContosoTool.msi`, readFileSync(MSI));
    const outcome = await createCommandLineInstaller().run(
      {
        appId: "app",
        intent: "install",
        commandLine: 'msiexec /i "ContosoTool.msi" /qn',
        workingDirectory: CACHE,
        context: { account: "system", bitness: 32 },
        attempt: 1,
        timeoutMs: 600_000,
      },
      device,
    );
    expect(outcome.exitCode).toBe(0);
    const { apps, duplicates } = collectInventory(device.registry);
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({
      DisplayName: "Contoso Tool",
      DisplayVersion: "3.1.4.0",
      ProductCode: CONTOSO_CODE,
    });
    expect(duplicates).toBe(1);
  });

  it("keeps a Windows Installer product whose ARP entry is gone, from its UserData registration", () => {
    const device = newDevice();
    const props =
      "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\UserData\\S-1-5-18\\Products\\C3D2E1F6A5B4869478675A4B3C2D1E0F\\InstallProperties";
    arp(device, props, 64, {
      DisplayName: "Orphan Product",
      DisplayVersion: "1.2.3",
      LocalPackage: "C:\\Windows\\Installer\\1.msi",
    });
    expect(collectInventory(device.registry).apps).toEqual([
      expect.objectContaining({ DisplayName: "Orphan Product", Source: "Msi", ProductCode: CONTOSO_CODE }),
    ]);
  });

  it("reads the per-user Uninstall key of every loaded user hive", () => {
    const device = newDevice();
    device.registry.setValue(
      "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Teams",
      "DisplayName",
      sz("Teams Machine-Wide"),
      { view: 64, userSid: USER_SID },
    );
    expect(summary(device)).toEqual([["Teams Machine-Wide", null, "ArpUser"]]);
  });

  it("keeps an application found in both views once, and hides system components, updates and nameless keys", () => {
    const device = newDevice();
    for (const view of [32, 64] as const)
      arp(device, `${UNINSTALL_KEY}\\Same`, view, { DisplayName: "Same App", DisplayVersion: "1.0" });
    arp(device, `${UNINSTALL_KEY}\\Hidden`, 64, { DisplayName: "Runtime", SystemComponent: 1 });
    arp(device, `${UNINSTALL_KEY}\\KB1`, 64, { DisplayName: "Update for Same App", ParentKeyName: "Same" });
    arp(device, `${UNINSTALL_KEY}\\Nameless`, 64, { DisplayVersion: "9" });
    arp(device, `${UNINSTALL_KEY}\\Other`, 32, { DisplayName: "Same App", DisplayVersion: "2.0" });
    const collected = collectInventory(device.registry);
    expect(summary(device)).toEqual([
      ["Same App", "1.0", "Arp64"],
      ["Same App", "2.0", "Arp32"],
    ]);
    expect(collected.duplicates).toBe(1);
  });

  it("lists what a 64-bit PowerShell install script registered with New-Item / New-ItemProperty", async () => {
    const device = newDevice();
    const key = "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\PsTool";
    const result = await runPowerShell({
      host: device,
      context: SYSTEM64,
      environment: processEnvironment(device, SYSTEM64),
      cwd: CACHE,
      script: [
        `New-Item -Path '${key}' -Force | Out-Null`,
        `New-ItemProperty -Path '${key}' -Name DisplayName -Value 'PS Tool' -Force | Out-Null`,
        `New-ItemProperty -Path '${key}' -Name DisplayVersion -Value '4.0.1' -Force | Out-Null`,
      ].join("\n"),
      mode: "file",
      resolver: undefined,
      programs: MODELLED_PROGRAMS,
      startedAtMs: 0,
    });
    expect(result.exitCode).toBe(0);
    expect(summary(device)).toEqual([["PS Tool", "4.0.1", "Arp64"]]);
  });

  it("finds nothing on a device with no Uninstall keys", () => {
    expect(collectInventory(newDevice().registry)).toEqual({ apps: [], duplicates: 0 });
  });
});
