// The registry keys and folders a fresh Windows install has that rules and installers commonly look at.
// The machine part (OS build, architecture, CPUs) is built once per distinct machine into in-memory trees that
// in-memory devices share (copy-on-write) and SQLite devices copy once; what differs from device to device
// (computer name, users) is written onto each device afterwards by `personalizeDevice`, so a fleet of devices
// with different users still shares one image and the cache stays as small as the variety of machines.
import type { TimeSource } from "../../clock/types.ts";
import { createFileSystem } from "../files/file-system.ts";
import { emptyFileRoot, type FileNode, MemoryFileStore } from "../memory/memory-file-store.ts";
import {
  emptyRegistryRoot,
  MemoryRegistryStore,
  type RegistryNode,
} from "../memory/memory-registry-store.ts";
import { provisionWinget } from "../process/package-manager-files.ts";
import { createRegistry } from "../registry/registry.ts";
import type { FileSystem, Registry, RegistryValue } from "../types.ts";
import { type DeviceProfile, is64BitOs, osBuildNumber } from "./device-profile.ts";
import { SYSTEM_PROFILE_DIR } from "./environment.ts";

export interface BaseImage {
  readonly registry: RegistryNode;
  readonly files: FileNode;
}

// Base files carry no bytes, so their times do not matter to rules; a fixed instant keeps images shareable.
const INSTALL_TIME_MS = Date.UTC(2024, 0, 1);
const installClock: TimeSource = { now: () => INSTALL_TIME_MS };

const sz = (data: string): RegistryValue => ({ type: "REG_SZ", data });
const expandSz = (data: string): RegistryValue => ({ type: "REG_EXPAND_SZ", data });
const dword = (data: number): RegistryValue => ({ type: "REG_DWORD", data });

const cache = new Map<string, BaseImage>();

/** The shared machine image for a profile (built on first use; devices of the same machine share one image). */
export function baseImageFor(profile: DeviceProfile): BaseImage {
  const machine = {
    architecture: profile.architecture,
    osVersion: profile.osVersion,
    osRevision: profile.osRevision,
    logicalProcessors: profile.logicalProcessors,
    cpuSpeedMHz: profile.cpuSpeedMHz,
  };
  const key = JSON.stringify(machine);
  let image = cache.get(key);
  if (image === undefined) {
    image = buildBaseImage(profile);
    cache.set(key, image);
  }
  return image;
}

function buildBaseImage(profile: DeviceProfile): BaseImage {
  const registryStore = new MemoryRegistryStore(emptyRegistryRoot());
  const registry = createRegistry(registryStore, { is64BitWindows: is64BitOs(profile) });
  seedRegistry(registry, profile);
  const fileStore = new MemoryFileStore(emptyFileRoot(), Number.MAX_SAFE_INTEGER);
  const fs = createFileSystem(fileStore, { clock: installClock, drives: ["C:"] });
  fileStore.putDirectory(["C:"], INSTALL_TIME_MS);
  seedFiles(fs, profile);
  return { registry: registryStore.root, files: fileStore.root };
}

const PROFILE_LIST = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList";

/** A user's hive with the per-user keys installers write to. */
function seedUserHive(registry: Registry, sid: string): void {
  for (const key of [
    "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
    "Software\\Microsoft\\Windows\\CurrentVersion\\Run",
    "Software\\Classes",
    "Environment",
  ]) {
    registry.createKey(`HKU\\${sid}\\${key}`);
  }
}

/**
 * Writes what is particular to one device onto its copy of the machine image: the computer name, the
 * registered owner, and each user's profile (ProfileList entry, hive, folders).
 */
export function personalizeDevice(
  host: { registry: Registry; fs: FileSystem },
  profile: DeviceProfile,
): void {
  const { registry, fs } = host;
  registry.setValue(
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName",
    "ComputerName",
    sz(profile.computerName),
  );
  registry.setValue(
    "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
    "RegisteredOwner",
    sz(profile.users[0]?.name ?? "Windows User"),
  );
  for (const user of profile.users) {
    registry.setValue(
      `${PROFILE_LIST}\\${user.sid}`,
      "ProfileImagePath",
      expandSz(`C:\\Users\\${user.name}`),
    );
    seedUserHive(registry, user.sid);
    const home = `C:\\Users\\${user.name}`;
    for (const sub of [
      "AppData\\Local\\Temp",
      "AppData\\LocalLow",
      "AppData\\Roaming",
      "Desktop",
      "Documents",
      "Downloads",
    ]) {
      fs.mkdir(`${home}\\${sub}`);
    }
  }
}

function setValues(
  registry: Registry,
  key: string,
  values: Record<string, RegistryValue>,
  view: 32 | 64 = 64,
): void {
  registry.createKey(key, { view });
  for (const [name, value] of Object.entries(values)) registry.setValue(key, name, value, { view });
}

function seedRegistry(registry: Registry, profile: DeviceProfile): void {
  const build = String(osBuildNumber(profile));
  const wow = is64BitOs(profile);
  registry.createKey("HKLM\\SOFTWARE");
  registry.createKey("HKLM\\SYSTEM");
  registry.createKey("HKLM\\HARDWARE");
  registry.createKey("HKU\\.DEFAULT\\Software");

  // What `winver`, build requirement checks and scripts read. ProductName still says "Windows 10" on
  // Windows 11 builds, as on real devices.
  const isWindows11 = osBuildNumber(profile) >= 22000;
  setValues(registry, "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", {
    SystemRoot: sz("C:\\WINDOWS"),
    CurrentBuild: sz(build),
    CurrentBuildNumber: sz(build),
    CurrentVersion: sz("6.3"),
    CurrentMajorVersionNumber: dword(10),
    CurrentMinorVersionNumber: dword(0),
    UBR: dword(profile.osRevision),
    ProductName: sz("Windows 10 Pro"),
    EditionID: sz("Professional"),
    InstallationType: sz("Client"),
    DisplayVersion: sz(isWindows11 ? "23H2" : "22H2"),
    BuildLabEx: sz(`${build}.1.amd64fre.ni_release.220506-1250`),
  });

  // Known folders and their WOW6432Node copies (windows-formats.md §4.3).
  const currentVersion = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion";
  const programFilesValues = (bits: 32 | 64): Record<string, RegistryValue> => {
    const native = "C:\\Program Files";
    const x86 = "C:\\Program Files (x86)";
    if (!wow) return { ProgramFilesDir: sz(native), CommonFilesDir: sz(`${native}\\Common Files`) };
    return {
      ProgramFilesDir: sz(bits === 64 ? native : x86),
      "ProgramFilesDir (x86)": sz(x86),
      ProgramW6432Dir: sz(native),
      CommonFilesDir: sz(`${bits === 64 ? native : x86}\\Common Files`),
      "CommonFilesDir (x86)": sz(`${x86}\\Common Files`),
      CommonW6432Dir: sz(`${native}\\Common Files`),
      ProgramFilesPath: expandSz("%ProgramFiles%"),
      DevicePath: expandSz("%SystemRoot%\\inf"),
    };
  };
  const views: Array<32 | 64> = wow ? [64, 32] : [64];
  for (const view of views) {
    setValues(registry, currentVersion, programFilesValues(view), view);
    registry.createKey(`${currentVersion}\\Uninstall`, { view });
    registry.createKey(`${currentVersion}\\Run`, { view });
  }
  registry.createKey(`${currentVersion}\\App Paths`);
  registry.createKey(`${currentVersion}\\Installer\\UserData\\S-1-5-18\\Products`);
  registry.createKey(`${currentVersion}\\Policies\\System`);
  registry.createKey("HKLM\\SOFTWARE\\Classes\\Installer\\Products");
  registry.createKey("HKLM\\SOFTWARE\\Classes\\Installer\\UpgradeCodes");
  registry.createKey("HKLM\\SOFTWARE\\Policies\\Microsoft");

  setValues(registry, `${PROFILE_LIST}\\S-1-5-18`, {
    ProfileImagePath: expandSz("%systemroot%\\system32\\config\\systemprofile"),
  });

  const arch = profile.architecture === "arm64" ? "ARM64" : profile.architecture === "x64" ? "AMD64" : "x86";
  setValues(registry, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment", {
    ComSpec: expandSz("%SystemRoot%\\system32\\cmd.exe"),
    NUMBER_OF_PROCESSORS: sz(String(profile.logicalProcessors)),
    OS: sz("Windows_NT"),
    PROCESSOR_ARCHITECTURE: sz(arch),
    TEMP: expandSz("%SystemRoot%\\TEMP"),
    TMP: expandSz("%SystemRoot%\\TEMP"),
    windir: expandSz("%SystemRoot%"),
  });
  registry.createKey("HKLM\\SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current");
  for (let cpu = 0; cpu < Math.max(1, profile.logicalProcessors); cpu += 1) {
    setValues(registry, `HKLM\\HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\${cpu}`, {
      "~MHz": dword(profile.cpuSpeedMHz),
      ProcessorNameString: sz("Virtual CPU @ imesim"),
    });
  }

  seedUserHive(registry, "S-1-5-18");
}

function seedFiles(fs: FileSystem, profile: DeviceProfile): void {
  const wow = is64BitOs(profile);
  const windowsVersion = `${profile.osVersion}.${profile.osRevision}`;
  const folders = [
    "C:\\Windows\\System32\\drivers\\etc",
    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0",
    `${SYSTEM_PROFILE_DIR}\\AppData\\Local\\Temp`,
    `${SYSTEM_PROFILE_DIR}\\AppData\\Roaming`,
    "C:\\Windows\\Temp",
    "C:\\Windows\\Installer",
    "C:\\Windows\\Logs",
    "C:\\Program Files\\Common Files",
    "C:\\Program Files\\WindowsPowerShell\\Modules",
    "C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs",
    "C:\\ProgramData\\Microsoft\\IntuneManagementExtension\\Logs",
    "C:\\Users\\Public\\Desktop",
    "C:\\Users\\Public\\Documents",
    "C:\\Users\\Default\\AppData\\Local",
    "C:\\Users\\Default\\AppData\\Roaming",
  ];
  if (wow) {
    folders.push(
      "C:\\Windows\\SysWOW64\\WindowsPowerShell\\v1.0",
      "C:\\Windows\\SysWOW64\\config\\systemprofile\\AppData\\Local",
      "C:\\Program Files (x86)\\Common Files",
      "C:\\Program Files (x86)\\Microsoft Intune Management Extension",
    );
  } else {
    folders.push("C:\\Program Files\\Microsoft Intune Management Extension");
  }
  if (profile.architecture === "arm64") folders.push("C:\\Windows\\SysArm32", "C:\\Program Files (Arm)");
  for (const folder of folders) fs.mkdir(folder);

  // The system programs installers and scripts start; empty files with the OS's version declared.
  const systemDirs = wow ? ["C:\\Windows\\System32", "C:\\Windows\\SysWOW64"] : ["C:\\Windows\\System32"];
  for (const dir of systemDirs) {
    for (const program of ["cmd.exe", "msiexec.exe", "reg.exe", "regedit.exe", "kernel32.dll", "ntdll.dll"]) {
      fs.writeFile(`${dir}\\${program}`, new Uint8Array(0), { version: windowsVersion });
    }
    fs.writeFile(`${dir}\\WindowsPowerShell\\v1.0\\powershell.exe`, new Uint8Array(0), {
      version: windowsVersion,
    });
  }
  fs.writeFile("C:\\Windows\\regedit.exe", new Uint8Array(0), { version: windowsVersion });
  // The App Installer (winget) is provisioned on Windows 10 1809+ and 11 (issue 15: package-manager installs).
  if (profile.architecture === "x64") provisionWinget(fs);
  fs.writeFile("C:\\Windows\\System32\\drivers\\etc\\hosts", "# Copyright (c) 1993-2009 Microsoft Corp.\r\n");
}
