// What a simulated Windows device is: OS build, hardware, users. Requirement rules read it (ime.md §7.6).
import type { ProcessorArchitecture } from "@imesim/contracts/enums";
import { ImesimError } from "@imesim/contracts/errors";

/** A local or Entra user of the device. */
export interface DeviceUser {
  /** Account name, also the profile folder name (`C:\Users\<name>`). */
  readonly name: string;
  /** Windows SID (Entra users: `S-1-12-1-…`); HKCU of this user is `HKU\<sid>`. */
  readonly sid: string;
  /** Entra object id, the `userId` of the IME's per-user state. */
  readonly entraObjectId: string;
  /** Whether the user has an interactive session now (the IME processes user apps only for these). */
  readonly loggedOn: boolean;
}

export interface DeviceProfile {
  readonly computerName: string;
  /** `10.0.<build>`, e.g. `10.0.22631`. */
  readonly osVersion: string;
  /** The update build revision (UBR), the 4th part of the full build (`10.0.22631.4460`). */
  readonly osRevision: number;
  readonly architecture: ProcessorArchitecture;
  readonly freeDiskSpaceMB: number;
  readonly memoryMB: number;
  readonly logicalProcessors: number;
  readonly cpuSpeedMHz: number;
  readonly users: readonly DeviceUser[];
  /**
   * The device's link to the content service in Mbit/s, which paces downloads (machines/work-durations.ts,
   * DEFAULT_DOWNLOAD_MBPS when absent; ime.md §11a Time).
   */
  readonly downloadMbps?: number;
  /**
   * How the device is joined to Entra (default entraJoined). An Entra-registered (workplace-joined) device
   * runs no user-context platform scripts or remediations (ime.md §11b, S12 "Join type").
   */
  readonly joinType?: "entraJoined" | "hybridJoined" | "entraRegistered";
}

/** The device a scenario gets when it says nothing: a current Windows 11 x64 PC with one signed-in user. */
export const DEFAULT_DEVICE_PROFILE: DeviceProfile = {
  computerName: "DESKTOP-IMESIM",
  osVersion: "10.0.22631",
  osRevision: 4460,
  architecture: "x64",
  freeDiskSpaceMB: 100 * 1024,
  memoryMB: 16 * 1024,
  logicalProcessors: 8,
  cpuSpeedMHz: 2995,
  users: [
    {
      name: "AdeleV",
      sid: "S-1-12-1-1234567890-1234567890-1234567890-1234567890",
      entraObjectId: "8f2a3b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b",
      loggedOn: true,
    },
  ],
};

/** A complete profile from a partial one (defaults for the rest), checked for values Windows could not have. */
export function defineDeviceProfile(input: Partial<DeviceProfile> = {}): DeviceProfile {
  const profile: DeviceProfile = { ...DEFAULT_DEVICE_PROFILE, ...input };
  const fail = (field: string, why: string): never => {
    throw new ImesimError("DEVICE_PROFILE_INVALID", `device profile ${field}: ${why}`, { path: field });
  };
  if (!/^10\.0\.\d+$/.test(profile.osVersion))
    fail("osVersion", `"${profile.osVersion}" is not 10.0.<build>`);
  if (!["x86", "x64", "arm64"].includes(profile.architecture)) {
    fail("architecture", `"${profile.architecture}" is not x86, x64 or arm64`);
  }
  for (const field of [
    "osRevision",
    "freeDiskSpaceMB",
    "memoryMB",
    "logicalProcessors",
    "cpuSpeedMHz",
  ] as const) {
    const value = profile[field];
    if (!Number.isInteger(value) || value < 0) fail(field, `${value} is not a non-negative integer`);
  }
  if (
    profile.downloadMbps !== undefined &&
    !(Number.isFinite(profile.downloadMbps) && profile.downloadMbps > 0)
  )
    fail("downloadMbps", `${profile.downloadMbps} is not a positive number of Mbit/s`);
  if (!/^[A-Za-z0-9-]{1,15}$/.test(profile.computerName)) {
    fail("computerName", `"${profile.computerName}" is not a NetBIOS name`);
  }
  const seen = new Set<string>();
  profile.users.forEach((user, index) => {
    if (!/^S-1-[0-9-]+$/.test(user.sid)) fail(`users[${index}].sid`, `"${user.sid}" is not a SID`);
    if (!/^[^\\/:*?"<>|]+$/.test(user.name))
      fail(`users[${index}].name`, `"${user.name}" is not a valid account name`);
    if (seen.has(user.sid.toUpperCase())) fail(`users[${index}].sid`, `"${user.sid}" appears twice`);
    seen.add(user.sid.toUpperCase());
  });
  return profile;
}

/** The build number of the profile's OS (`22631` for `10.0.22631`). */
export function osBuildNumber(profile: DeviceProfile): number {
  return Number(profile.osVersion.split(".")[2]);
}

/** True when the OS is 64-bit (x64 or arm64), so 32-bit processes run under WOW64. */
export function is64BitOs(profile: DeviceProfile): boolean {
  return profile.architecture !== "x86";
}
