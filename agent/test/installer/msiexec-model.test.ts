// The msiexec model against real packages built with wixl (agent/scripts/build-msi-fixtures.sh), run the
// way the IME runs an install command: through SysWOW64\cmd.exe as 32-bit SYSTEM in the IMECache folder.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createDevice, type Device } from "../../src/host/index.ts";
import { findInstalledProduct, IN_PROGRESS_KEY } from "../../src/host/installer/msiexec/index.ts";
import { CACHE, newDevice, runLine, runScript } from "./device.ts";

const FIXTURES = new URL("../fixtures/installer/", import.meta.url);
const X64_CODE = "{12345678-ABCD-EF01-2345-6789ABCDEF01}";
const X86_CODE = "{87654321-ABCD-EF01-2345-6789ABCDEF02}";
const UNINSTALL = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";

function withPackages(device: Device = newDevice()): Device {
  for (const name of ["demo-x64.msi", "demo-x86.msi", "demo-reboot.msi"]) {
    device.fs.writeFile(`${CACHE}\\${name}`, readFileSync(new URL(name, FIXTURES)));
  }
  return device;
}

function utf16(device: Device, path: string): string {
  const bytes = Buffer.from(device.fs.readFile(path));
  expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
  return bytes.subarray(2).toString("utf16le");
}

describe("msiexec model: 64-bit package", () => {
  it("installs files and registry values, registers the product, logs, and uninstalls cleanly by product code", async () => {
    const device = withPackages();
    const install = await runLine('msiexec /i "demo-x64.msi" /qn /l*v "C:\\Windows\\Temp\\demo.log"', {
      device,
    });
    expect(install.exitCode).toBe(0);

    // File detection: the payload bytes from the embedded cabinet, under the 64-bit Program Files.
    expect(Buffer.from(device.fs.readFile("C:\\Program Files\\Demo App\\app.txt")).toString()).toBe(
      "Demo App payload\r\n",
    );
    // Registry detection: a Win64 component writes through the 64-bit view.
    expect(device.registry.getValue("HKLM\\SOFTWARE\\Contoso\\Demo", "Version", { view: 64 })).toEqual({
      type: "REG_SZ",
      data: "1.2.3",
    });
    expect(device.registry.getValue("HKLM\\SOFTWARE\\Contoso\\Demo", "Answer", { view: 64 })).toEqual({
      type: "REG_DWORD",
      data: 42,
    });
    expect(device.registry.keyExists("HKLM\\SOFTWARE\\WOW6432Node\\Contoso\\Demo", { view: 64 })).toBe(false);
    // MSI product-code detection: the ARP entry in the package's (64-bit) view.
    const arp = `${UNINSTALL}\\${X64_CODE}`;
    expect(device.registry.getValue(arp, "DisplayVersion", { view: 64 })).toEqual({
      type: "REG_SZ",
      data: "1.2.3",
    });
    expect(device.registry.getValue(arp, "Publisher", { view: 64 })).toEqual({
      type: "REG_SZ",
      data: "Contoso",
    });
    expect(device.registry.getValue(arp, "Version", { view: 64 })).toEqual({
      type: "REG_DWORD",
      data: 0x01020003,
    });
    expect(device.registry.getValue(arp, "UninstallString", { view: 64 })).toEqual({
      type: "REG_EXPAND_SZ",
      data: `MsiExec.exe /X${X64_CODE}`,
    });
    expect(device.registry.getValue(arp, "InstallDate", { view: 64 })).toEqual({
      type: "REG_SZ",
      data: "20261124",
    });
    expect(findInstalledProduct(device, X64_CODE, "S-1-5-18")).toMatchObject({ sid: "S-1-5-18" });
    const log = utf16(device, "C:\\Windows\\Temp\\demo.log");
    expect(log).toMatch(/^=== Verbose logging started: 11\/24\/2026 {2}13:00:00 {2}Build type: SHIP UNICODE/);
    expect(log).toContain("Calling process: C:\\WINDOWS\\SysWOW64\\msiexec.exe ===");
    expect(log).toContain("Installation success or error status: 0.");

    const remove = await runLine(`msiexec /x ${X64_CODE} /qn`, { device });
    expect(remove.exitCode).toBe(0);
    expect(device.fs.stat("C:\\Program Files\\Demo App")).toBeUndefined();
    expect(device.fs.stat("C:\\Program Files")?.kind).toBe("directory");
    expect(device.registry.keyExists("HKLM\\SOFTWARE\\Contoso", { view: 64 })).toBe(false);
    expect(device.registry.keyExists(arp, { view: 64 })).toBe(false);
    expect(findInstalledProduct(device, X64_CODE, "S-1-5-18")).toBeUndefined();
    expect(device.fs.list("C:\\Windows\\Installer").filter((n) => n.endsWith(".msi"))).toEqual([]);

    expect((await runLine(`msiexec /x ${X64_CODE} /qn`, { device })).exitCode).toBe(1605);
  });

  it("uninstalls by package path too, and reinstalling the same package is maintenance (0)", async () => {
    const device = withPackages();
    expect((await runLine("msiexec /i demo-x64.msi /qn", { device })).exitCode).toBe(0);
    expect((await runLine("msiexec /i demo-x64.msi /qn", { device })).exitCode).toBe(0);
    expect((await runLine("msiexec /x demo-x64.msi /qn", { device })).exitCode).toBe(0);
    expect(device.fs.stat("C:\\Program Files\\Demo App\\app.txt")).toBeUndefined();
  });

  it("honours INSTALLDIR on the command line and removes from there", async () => {
    const device = withPackages();
    expect(
      (await runLine('msiexec /i demo-x64.msi INSTALLDIR="C:\\Apps\\Demo" /qn', { device })).exitCode,
    ).toBe(0);
    expect(device.fs.stat("C:\\Apps\\Demo\\app.txt")?.kind).toBe("file");
    expect((await runLine(`msiexec /x ${X64_CODE} /qn`, { device })).exitCode).toBe(0);
    expect(device.fs.stat("C:\\Apps\\Demo\\app.txt")).toBeUndefined();
  });
});

describe("msiexec model: 32-bit package", () => {
  it("lands in Program Files (x86) and WOW6432Node, ARP entry included", async () => {
    const device = withPackages();
    expect((await runLine("msiexec /i demo-x86.msi /qn", { device })).exitCode).toBe(0);
    expect(device.fs.stat("C:\\Program Files (x86)\\Demo App\\app.txt")?.kind).toBe("file");
    expect(
      device.registry.getValue("HKLM\\SOFTWARE\\WOW6432Node\\Contoso\\Demo", "Version", { view: 64 }),
    ).toEqual({ type: "REG_SZ", data: "2.0.0" });
    expect(device.registry.keyExists("HKLM\\SOFTWARE\\Contoso\\Demo", { view: 64 })).toBe(false);
    expect(
      device.registry.keyExists(
        `HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\${X86_CODE}`,
        { view: 64 },
      ),
    ).toBe(true);
    expect((await runLine(`msiexec /x ${X86_CODE} /qn`, { device })).exitCode).toBe(0);
    expect(device.registry.keyExists("HKLM\\SOFTWARE\\WOW6432Node\\Contoso", { view: 64 })).toBe(false);
  });
});

describe("msiexec exit codes", () => {
  it.each([
    ["msiexec /i missing.msi /qn", 1619],
    ["msiexec /qn", 1639],
    ["msiexec /i demo-x64.msi /bogus", 1639],
    [`msiexec /x ${X86_CODE} /qn`, 1605],
    ["msiexec /i demo-reboot.msi /qn /norestart", 3010],
    ["msiexec /i demo-reboot.msi /qn", 1641],
    ["msiexec /i demo-x64.msi /qn /forcerestart", 1641],
    ['msiexec /i demo-x64.msi /qn /l*v "C:\\no\\such\\folder\\x.log"', 1622],
    ["msiexec /i demo-x64.msi TRANSFORMS=custom.mst /qn", 1624],
  ])("%s → %i", async (line, code) => {
    expect((await runLine(line, { device: withPackages() })).exitCode).toBe(code);
  });

  it("1633 for an x64 package on 32-bit Windows", async () => {
    const device = withPackages(
      createDevice({ backend: "memory", clock: { now: () => 0 }, profile: { architecture: "x86" } }),
    );
    expect(
      (await runLine("msiexec /i demo-x64.msi /qn", { device, context: { account: "system", bitness: 32 } }))
        .exitCode,
    ).toBe(1633);
    expect(
      (await runLine("msiexec /i demo-x86.msi /qn", { device, context: { account: "system", bitness: 32 } }))
        .exitCode,
    ).toBe(0);
    // 32-bit Windows has one Program Files and one registry view.
    expect(device.fs.stat("C:\\Program Files\\Demo App\\app.txt")?.kind).toBe("file");
    expect(device.registry.getValue("HKLM\\SOFTWARE\\Contoso\\Demo", "Version", { view: 64 })).toEqual({
      type: "REG_SZ",
      data: "2.0.0",
    });
  });

  it("1620 for a file that is not a package, 1618 while another install runs", async () => {
    const device = withPackages();
    device.fs.writeFile(`${CACHE}\\fake.msi`, "not a compound file");
    expect((await runLine("msiexec /i fake.msi /qn", { device })).exitCode).toBe(1620);
    device.registry.createKey(IN_PROGRESS_KEY, { view: 64 });
    expect((await runLine("msiexec /i demo-x64.msi /qn", { device })).exitCode).toBe(1618);
  });

  it("1638 for another package of an installed product code", async () => {
    const device = withPackages();
    expect((await runLine("msiexec /i demo-x64.msi /qn", { device })).exitCode).toBe(0);
    expect((await runLine("msiexec /i demo-reboot.msi /qn", { device })).exitCode).toBe(1638);
  });

  it("1603 for a per-machine package in user context, leaving nothing behind", async () => {
    const device = withPackages();
    const run = await runLine('msiexec /i demo-x64.msi /qn /l*v "C:\\Windows\\Temp\\u.log"', {
      device,
      context: { account: "user", userSid: "S-1-5-21-1-2-3-1001", bitness: 32 },
    });
    expect(run.exitCode).toBe(1603);
    expect(device.fs.stat("C:\\Program Files\\Demo App")).toBeUndefined();
    expect(utf16(device, "C:\\Windows\\Temp\\u.log")).toContain("Error 1925.");
  });

  it("%ERRORLEVEL% carries msiexec's code inside a script", async () => {
    const run = await runScript(["@echo off", "msiexec /i nope.msi /qn", "echo %ERRORLEVEL%"], {
      device: withPackages(),
    });
    expect(run.stdout).toBe("1619\r\n");
    expect(run.exitCode).toBe(1619);
  });
});

describe("msiexec model: major upgrade and services", () => {
  const UPGRADE_CODE = "{22222222-ABCD-EF01-2345-6789ABCDEF03}";

  it("removes the older product of the same UpgradeCode, installs its service, and removes it on uninstall", async () => {
    const device = withPackages();
    device.fs.writeFile(`${CACHE}\\demo-upgrade.msi`, readFileSync(new URL("demo-upgrade.msi", FIXTURES)));
    expect((await runLine("msiexec /i demo-x64.msi /qn", { device })).exitCode).toBe(0);
    expect((await runLine("msiexec /i demo-upgrade.msi /qn", { device })).exitCode).toBe(0);
    expect(findInstalledProduct(device, X64_CODE, "S-1-5-18")).toBeUndefined();
    expect(device.registry.keyExists(`${UNINSTALL}\\${X64_CODE}`, { view: 64 })).toBe(false);
    expect(device.registry.getValue(`${UNINSTALL}\\${UPGRADE_CODE}`, "DisplayVersion", { view: 64 })).toEqual(
      { type: "REG_SZ", data: "1.3.0" },
    );
    expect(device.registry.getValue("HKLM\\SOFTWARE\\Contoso\\Demo", "Version", { view: 64 })).toEqual({
      type: "REG_SZ",
      data: "1.3.0",
    });
    const service = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\DemoSvc";
    expect(device.registry.getValue(service, "ImagePath", { view: 64 })).toEqual({
      type: "REG_EXPAND_SZ",
      data: '"C:\\Program Files\\Demo App\\app.txt"',
    });
    expect(device.registry.getValue(service, "Start", { view: 64 })).toEqual({ type: "REG_DWORD", data: 2 });
    expect((await runLine(`msiexec /x ${UPGRADE_CODE} /qn`, { device })).exitCode).toBe(0);
    expect(device.registry.keyExists(service, { view: 64 })).toBe(false);
    expect(device.fs.stat("C:\\Program Files\\Demo App")).toBeUndefined();
  });
});

describe("msiexec model: AppSearch and launch conditions", () => {
  function withPrereq(): Device {
    const device = withPackages();
    for (const name of ["demo-prereq.msi", "demo-upgrade.msi"]) {
      device.fs.writeFile(`${CACHE}\\${name}`, readFileSync(new URL(name, FIXTURES)));
    }
    return device;
  }

  it("fails with 1603 and the condition's message when the prerequisite is missing", async () => {
    const device = withPrereq();
    const run = await runLine('msiexec /i demo-prereq.msi /qn /l*v "C:\\Windows\\Temp\\p.log"', { device });
    expect(run.exitCode).toBe(1603);
    expect(utf16(device, "C:\\Windows\\Temp\\p.log")).toContain("Contoso Runtime is required.");
    expect(device.fs.stat("C:\\Program Files\\Demo App")).toBeUndefined();
  });

  it("installs once a registry search finds the prerequisite (in the 64-bit view it searches)", async () => {
    const device = withPrereq();
    device.registry.setValue(
      "HKLM\\SOFTWARE\\WOW6432Node\\Contoso\\Runtime",
      "Version",
      { type: "REG_SZ", data: "4.8" },
      { view: 64 },
    );
    expect((await runLine("msiexec /i demo-prereq.msi /qn", { device })).exitCode).toBe(1603);
    device.registry.setValue(
      "HKLM\\SOFTWARE\\Contoso\\Runtime",
      "Version",
      { type: "REG_SZ", data: "4.8" },
      { view: 64 },
    );
    expect((await runLine("msiexec /i demo-prereq.msi /qn", { device })).exitCode).toBe(0);
  });

  it("refuses a downgrade: a newer product of the UpgradeCode makes WiX's launch condition fail", async () => {
    const device = withPrereq();
    expect((await runLine("msiexec /i demo-x86.msi /qn", { device })).exitCode).toBe(0);
    const run = await runLine('msiexec /i demo-upgrade.msi /qn /l*v "C:\\Windows\\Temp\\d.log"', { device });
    expect(run.exitCode).toBe(1603);
    expect(utf16(device, "C:\\Windows\\Temp\\d.log")).toContain(
      "A newer version of Demo App is already installed.",
    );
    expect(findInstalledProduct(device, X86_CODE, "S-1-5-18")).toBeDefined();
  });
});

describe("msiexec model: per-user install in user context", () => {
  const ADELE = "S-1-12-1-1234567890-1234567890-1234567890-1234567890";

  it("installs under the user's profile, registers in HKCU, and uninstalls", async () => {
    const device = withPackages();
    const context = { account: "user", userSid: ADELE, bitness: 32 } as const;
    const install = await runLine("msiexec /i demo-x64.msi ALLUSERS=2 MSIINSTALLPERUSER=1 /qn", {
      device,
      context,
    });
    expect(install.exitCode).toBe(0);
    expect(device.fs.stat("C:\\Users\\AdeleV\\AppData\\Local\\Programs\\Demo App\\app.txt")?.kind).toBe(
      "file",
    );
    const arp = `HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\${X64_CODE}`;
    expect(device.registry.keyExists(arp, { view: 64, userSid: ADELE })).toBe(true);
    expect(device.registry.keyExists(`${UNINSTALL}\\${X64_CODE}`, { view: 64 })).toBe(false);
    expect(findInstalledProduct(device, X64_CODE, ADELE)).toMatchObject({ sid: ADELE });
    expect((await runLine(`msiexec /x ${X64_CODE} /qn`, { device, context })).exitCode).toBe(0);
    expect(device.fs.stat("C:\\Users\\AdeleV\\AppData\\Local\\Programs\\Demo App")).toBeUndefined();
    expect(device.registry.keyExists(arp, { view: 64, userSid: ADELE })).toBe(false);
  });
});
