// The device's services (shared by interpreters and programs, so beside the launcher), as the Service
// Control Manager keeps them: one key per service under
// HKLM\SYSTEM\CurrentControlSet\Services with an ImagePath (msiexec's ServiceInstall rows and `sc create`
// write them). Whether a service runs is imesim's own value on that key (the registry has no run state).
// `sc`, `net start|stop` and PowerShell's *-Service cmdlets all read and change services through here.
import type { Registry } from "../types.ts";

export const SERVICES_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Services";
const RUNNING = "ImesimRunning";
const VIEW = { view: 64 } as const;

/** The Start value's names, by value (0 Boot … 4 Disabled). */
export const START_TYPES = ["Boot", "System", "Automatic", "Manual", "Disabled"] as const;

export interface ServiceInfo {
  /** The key name (the service name). */
  readonly name: string;
  readonly displayName: string;
  readonly running: boolean;
  /** The Start value (2 automatic, 3 manual, 4 disabled). */
  readonly start: number;
}

function info(registry: Registry, name: string): ServiceInfo | undefined {
  const key = `${SERVICES_KEY}\\${name}`;
  if (registry.getValue(key, "ImagePath", VIEW) === undefined) return undefined;
  const display = registry.getValue(key, "DisplayName", VIEW);
  const start = registry.getValue(key, "Start", VIEW);
  return {
    name,
    displayName: display?.type === "REG_SZ" ? display.data : name,
    running: registry.getValue(key, RUNNING, VIEW)?.data === 1,
    start: start?.type === "REG_DWORD" ? start.data : 3,
  };
}

/** Every installed service (a Services key with an ImagePath). */
export function listServices(registry: Registry): ServiceInfo[] {
  return registry
    .listSubkeys(SERVICES_KEY, VIEW)
    .map((name) => info(registry, name))
    .filter((s): s is ServiceInfo => s !== undefined);
}

/** A service by its service name or, as `net start` accepts, its display name (case-insensitive). */
export function findService(registry: Registry, name: string): ServiceInfo | undefined {
  const direct = info(registry, name);
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  return listServices(registry).find(
    (s) => s.name.toLowerCase() === lower || s.displayName.toLowerCase() === lower,
  );
}

export function setServiceRunning(registry: Registry, name: string, running: boolean): void {
  registry.setValue(`${SERVICES_KEY}\\${name}`, RUNNING, { type: "REG_DWORD", data: running ? 1 : 0 }, VIEW);
}

export function setServiceStart(registry: Registry, name: string, start: number): void {
  registry.setValue(`${SERVICES_KEY}\\${name}`, "Start", { type: "REG_DWORD", data: start }, VIEW);
}

// The service process's working set, in MB: imesim's own value like ImesimRunning (the registry holds no
// process state). Health evaluation's memory check reads it; scenarios raise it to act out a leak.
const WORKING_SET = "ImesimWorkingSetMB";

/** The running service's working set in MB (0 when never set). */
export function serviceWorkingSetMb(registry: Registry, name: string): number {
  const value = registry.getValue(`${SERVICES_KEY}\\${name}`, WORKING_SET, VIEW);
  return value?.type === "REG_DWORD" ? value.data : 0;
}

export function setServiceWorkingSetMb(registry: Registry, name: string, mb: number): void {
  registry.setValue(`${SERVICES_KEY}\\${name}`, WORKING_SET, { type: "REG_DWORD", data: mb }, VIEW);
}
