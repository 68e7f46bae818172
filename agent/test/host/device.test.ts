import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDevice, defineDeviceProfile, redirectFileSystemPath } from "../../src/host/index.ts";
import { fixedClock, openDevice, tempFolder } from "./backends.ts";

const USER_SID = "S-1-12-1-1234567890-1234567890-1234567890-1234567890";

describe("createDevice", () => {
  it("keeps a SQLite device's state and profile across close and reopen", () => {
    const sqlitePath = join(tempFolder(), "device.sqlite");
    const first = createDevice({
      backend: { sqlitePath },
      clock: fixedClock(),
      profile: { osVersion: "10.0.19045", freeDiskSpaceMB: 500, computerName: "PC-42" },
    });
    first.registry.setValue("HKLM\\SOFTWARE\\Contoso", "Installed", { type: "REG_DWORD", data: 1 });
    first.fs.writeFile("C:\\Program Files\\Contoso\\app.exe", new Uint8Array(1024));
    first.close();

    // A different profile on reopen is ignored: the device is what was saved.
    const again = createDevice({
      backend: { sqlitePath },
      clock: fixedClock(),
      profile: { osVersion: "10.0.26100" },
    });
    expect(again.profile.osVersion).toBe("10.0.19045");
    expect(again.profile.computerName).toBe("PC-42");
    expect(again.registry.getValue("HKLM\\SOFTWARE\\Contoso", "Installed")).toEqual({
      type: "REG_DWORD",
      data: 1,
    });
    expect(again.fs.stat("C:\\Program Files\\Contoso\\app.exe")?.size).toBe(1024);
    expect(again.fs.freeBytes()).toBe(500 * 1024 * 1024 - 1024);
    again.close();
  });

  it("gives each in-memory device its own state over one shared base image", () => {
    const a = openDevice("memory");
    const b = openDevice("memory");
    a.registry.setValue("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "UBR", {
      type: "REG_DWORD",
      data: 9999,
    });
    a.fs.remove("C:\\Program Files (x86)");
    a.fs.writeFile("C:\\Windows\\System32\\drivers\\etc\\hosts", "changed");
    expect(b.registry.getValue("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "UBR")).toEqual({
      type: "REG_DWORD",
      data: 4460,
    });
    expect(b.fs.stat("C:\\Program Files (x86)")?.kind).toBe("directory");
    expect(new TextDecoder().decode(b.fs.readFile("C:\\Windows\\System32\\drivers\\etc\\hosts"))).toContain(
      "Copyright",
    );
    const c = openDevice("memory");
    expect(c.fs.stat("C:\\Program Files (x86)")?.kind).toBe("directory");
  });

  it("writes each device's own computer name and users onto the shared machine image", () => {
    const users = (n: number) => [
      {
        name: `user${n}`,
        sid: `S-1-12-1-${n}`,
        entraObjectId: `00000000-0000-0000-0000-00000000000${n}`,
        loggedOn: true,
      },
    ];
    const a = openDevice("memory", { profile: { computerName: "PC-1", users: users(1) } });
    const b = openDevice("sqlite", { profile: { computerName: "PC-2", users: users(2) } });
    const nameKey = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName";
    expect(a.registry.getValue(nameKey, "ComputerName")).toEqual({ type: "REG_SZ", data: "PC-1" });
    expect(b.registry.getValue(nameKey, "ComputerName")).toEqual({ type: "REG_SZ", data: "PC-2" });
    const profileList = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList";
    expect(a.registry.listSubkeys(profileList)).toEqual(["S-1-12-1-1", "S-1-5-18"]);
    expect(b.registry.getValue(`${profileList}\\S-1-12-1-2`, "ProfileImagePath")).toEqual({
      type: "REG_EXPAND_SZ",
      data: "C:\\Users\\user2",
    });
    expect(a.fs.stat("C:\\Users\\user1\\AppData\\Roaming")?.kind).toBe("directory");
    expect(a.fs.stat("C:\\Users\\user2")).toBeUndefined();
    expect(
      b.registry.keyExists("HKU\\S-1-12-1-2\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall"),
    ).toBe(true);
    expect(a.registry.keyExists("HKU\\S-1-12-1-2")).toBe(false);
  });

  it("rolls back registry and file writes together in a device transaction", () => {
    for (const backend of ["memory", "sqlite"] as const) {
      const device = openDevice(backend);
      expect(() =>
        device.transaction(() => {
          device.registry.setValue("HKLM\\SOFTWARE\\Contoso", "v", { type: "REG_DWORD", data: 1 });
          device.fs.writeFile("C:\\Contoso\\f.txt", "x");
          throw new Error("abort");
        }),
      ).toThrow("abort");
      expect(device.registry.keyExists("HKLM\\SOFTWARE\\Contoso"), backend).toBe(false);
      expect(device.fs.stat("C:\\Contoso"), backend).toBeUndefined();
    }
  });

  it("refuses a profile Windows could not have, naming the field", () => {
    expect(() => defineDeviceProfile({ osVersion: "11" })).toThrow(/osVersion/);
    expect(() => defineDeviceProfile({ memoryMB: -1 })).toThrow(/memoryMB/);
    expect(() => defineDeviceProfile({ architecture: "mips" as "x64" })).toThrow(/architecture/);
  });

  it("has no x86 folders or WOW6432Node on 32-bit Windows, and SysArm32 on arm64", () => {
    const x86 = openDevice("memory", { profile: { architecture: "x86" } });
    expect(x86.fs.stat("C:\\Program Files (x86)")).toBeUndefined();
    expect(x86.fs.stat("C:\\Windows\\SysWOW64")).toBeUndefined();
    const arm = openDevice("memory", { profile: { architecture: "arm64" } });
    expect(arm.fs.stat("C:\\Windows\\SysArm32")?.kind).toBe("directory");
    expect(arm.fs.stat("C:\\Program Files (x86)")?.kind).toBe("directory");
  });
});

describe("expandEnvironment (windows-formats.md §4.3, §4.4)", () => {
  const system64 = { account: "system", bitness: 64 } as const;
  const system32 = { account: "system", bitness: 32 } as const;
  const user64 = { account: "user", userSid: USER_SID, bitness: 64 } as const;

  it("expands Program Files by process bitness", () => {
    const device = openDevice("memory");
    const text = "%ProgramFiles%|%ProgramFiles(x86)%|%ProgramW6432%|%CommonProgramFiles%";
    expect(device.expandEnvironment(text, system64)).toBe(
      "C:\\Program Files|C:\\Program Files (x86)|C:\\Program Files|C:\\Program Files\\Common Files",
    );
    expect(device.expandEnvironment(text, system32)).toBe(
      "C:\\Program Files (x86)|C:\\Program Files (x86)|C:\\Program Files|C:\\Program Files (x86)\\Common Files",
    );
    expect(device.environment(system32).PROCESSOR_ARCHITEW6432).toBe("AMD64");
    expect(device.environment(system32).PROCESSOR_ARCHITECTURE).toBe("x86");
  });

  it("expands profile folders for SYSTEM and for a user, names case-insensitively", () => {
    const device = openDevice("memory");
    expect(device.expandEnvironment("%USERPROFILE%|%appdata%|%LocalAppData%|%TEMP%", system64)).toBe(
      "C:\\WINDOWS\\system32\\config\\systemprofile|C:\\WINDOWS\\system32\\config\\systemprofile\\AppData\\Roaming|" +
        "C:\\WINDOWS\\system32\\config\\systemprofile\\AppData\\Local|C:\\WINDOWS\\TEMP",
    );
    expect(device.expandEnvironment("%USERPROFILE%|%APPDATA%|%LOCALAPPDATA%|%TEMP%", user64)).toBe(
      "C:\\Users\\AdeleV|C:\\Users\\AdeleV\\AppData\\Roaming|C:\\Users\\AdeleV\\AppData\\Local|" +
        "C:\\Users\\AdeleV\\AppData\\Local\\Temp",
    );
    expect(device.expandEnvironment("%SystemRoot%|%WINDIR%|%ProgramData%|%SystemDrive%", system64)).toBe(
      "C:\\WINDOWS|C:\\WINDOWS|C:\\ProgramData|C:",
    );
  });

  it("leaves unknown variables as written, and has no x86 variables on 32-bit Windows", () => {
    const device = openDevice("memory", { profile: { architecture: "x86" } });
    expect(device.expandEnvironment("%NOPE%\\%ProgramFiles%", system32)).toBe("%NOPE%\\C:\\Program Files");
    expect(device.expandEnvironment("%ProgramFiles(x86)%", system64)).toBe("%ProgramFiles(x86)%");
  });

  it("leaves a variable of another block as written: a user's HOMEPATH in SYSTEM's, another device's x86 folder", () => {
    const x64 = openDevice("memory");
    const x86 = openDevice("memory", { profile: { architecture: "x86" } });
    expect(x64.expandEnvironment("%homepath%", user64)).toBe("\\Users\\AdeleV");
    expect(x64.expandEnvironment("%HOMEPATH%", system64)).toBe("%HOMEPATH%");
    expect(x64.expandEnvironment("%programfiles(x86)%", system64)).toBe("C:\\Program Files (x86)");
    expect(x86.expandEnvironment("%ProgramFiles(x86)%", system64)).toBe("%ProgramFiles(x86)%");
  });
});

describe("redirectFileSystemPath (windows-formats.md §4.2)", () => {
  it("sends 32-bit System32 access to SysWOW64, except exempt folders; Sysnative to System32", () => {
    expect(redirectFileSystemPath("C:\\Windows\\System32\\cmd.exe", 32, "x64")).toBe(
      "C:\\Windows\\SysWOW64\\cmd.exe",
    );
    expect(redirectFileSystemPath("c:/windows/system32/drivers/etc/hosts", 32, "x64")).toBe(
      "C:\\windows\\system32\\drivers\\etc\\hosts",
    );
    expect(redirectFileSystemPath("C:\\Windows\\Sysnative\\reg.exe", 32, "x64")).toBe(
      "C:\\Windows\\System32\\reg.exe",
    );
    expect(redirectFileSystemPath("C:\\Windows\\System32\\cmd.exe", 64, "x64")).toBe(
      "C:\\Windows\\System32\\cmd.exe",
    );
    expect(redirectFileSystemPath("C:\\Windows\\System32\\cmd.exe", 32, "x86")).toBe(
      "C:\\Windows\\System32\\cmd.exe",
    );
    expect(redirectFileSystemPath("C:\\Program Files\\X", 32, "x64")).toBe("C:\\Program Files\\X");
  });
});
