// The scenario's `device:` section as the agent's virtual device: its profile, users, and the files,
// registry values and MSIs it starts with.
import type { Device, DeviceProfile } from "@imesim/agent/host";
import type { LoadedScenario } from "../scenario/index.ts";
import { msiRegistration, registryValueOf } from "./registry-data.ts";

/** The device profile a scenario asks for; unset fields keep the agent's defaults. No users means none signed in. */
export function deviceProfileOf(scenario: LoadedScenario, deviceNumber: number): Partial<DeviceProfile> {
  const device = scenario.source.device;
  const profile = device?.profile;
  const build = profile?.osBuild?.split(".");
  const baseName = device?.name ?? "IMESIM";
  return {
    computerName:
      scenario.devices > 1 ? `${baseName.slice(0, 10)}-${String(deviceNumber).padStart(4, "0")}` : baseName,
    ...(build === undefined ? {} : { osVersion: build.slice(0, 3).join(".") }),
    ...(build?.[3] === undefined ? {} : { osRevision: Number(build[3]) }),
    ...(profile?.architecture === undefined ? {} : { architecture: profile.architecture }),
    ...(profile?.freeDiskMB === undefined ? {} : { freeDiskSpaceMB: profile.freeDiskMB }),
    ...(profile?.memoryMB === undefined ? {} : { memoryMB: profile.memoryMB }),
    ...(profile?.processors === undefined ? {} : { logicalProcessors: profile.processors }),
    ...(profile?.cpuSpeedMHz === undefined ? {} : { cpuSpeedMHz: profile.cpuSpeedMHz }),
    ...(profile?.downloadMbps === undefined ? {} : { downloadMbps: profile.downloadMbps }),
    ...(profile?.joinType === undefined ? {} : { joinType: profile.joinType }),
    users: scenario.users.map((user) => ({
      name: user.name,
      sid: user.sid,
      entraObjectId: user.objectId,
      loggedOn: user.loggedOn,
    })),
  };
}

/** Writes the scenario's initial files, registry values and installed MSIs onto a fresh device, atomically. */
export function seedDevice(device: Device, scenario: LoadedScenario): void {
  const setup = scenario.source.device;
  if (setup === undefined) return;
  const system64 = { account: "system", bitness: 64 } as const;
  device.transaction(() => {
    for (const file of setup.files ?? []) {
      const path = device.expandEnvironment(file.path, system64);
      const content = file.content ?? "\0".repeat(file.sizeBytes ?? 0);
      device.fs.writeFile(path, content, file.version === undefined ? undefined : { version: file.version });
    }
    for (const entry of setup.registry ?? []) {
      const access = { view: entry.view ?? 64 } as const;
      if (entry.name === undefined) device.registry.createKey(entry.key, access);
      else device.registry.setValue(entry.key, entry.name, registryValueOf(entry.type, entry.data), access);
    }
    for (const msi of setup.msis ?? []) {
      const access = { view: msi.view ?? 64 } as const;
      for (const value of msiRegistration(msi))
        device.registry.setValue(value.key, value.name, value.value, access);
    }
  });
}
