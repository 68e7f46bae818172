// The IME's Windows service on the virtual device: what the IME's MSI registers (the service key and
// HealthCheck.xml beside the binaries, ime.md §3.5, §8), and the changes someone can make to it from outside
// (start-up type, a leaking process) that the health evaluation then finds.
import {
  findService,
  SERVICES_KEY,
  type ServiceInfo,
  START_TYPES,
  setServiceRunning,
  setServiceStart,
  setServiceWorkingSetMb,
} from "../host/process/services.ts";
import type { Host } from "../host/types.ts";
import { IME_INSTALL_DIR } from "../ime/paths.ts";
import {
  DEFAULT_MEMORY_THRESHOLD_MB,
  defaultHealthChecks,
  formatHealthCheckXml,
  HEALTH_CHECK_XML_PATH,
  IME_PROCESS_NAME,
  IME_SERVICE_DISPLAY_NAME,
  IME_SERVICE_NAME,
} from "./health-check-xml.ts";

/** The IME process's working set after a start [our choice: no public figure]. */
export const IME_BASELINE_WORKING_SET_MB = 60;
const AUTOMATIC = 2;

/** What the IME's MSI leaves: the service key (automatic start, LocalSystem) and HealthCheck.xml. */
export function installImeService(host: Host, memoryThresholdMb = DEFAULT_MEMORY_THRESHOLD_MB): void {
  const key = `${SERVICES_KEY}\\${IME_SERVICE_NAME}`;
  const view = { view: 64 } as const;
  if (findService(host.registry, IME_SERVICE_NAME) === undefined) {
    host.registry.setValue(
      key,
      "ImagePath",
      { type: "REG_EXPAND_SZ", data: `"${IME_INSTALL_DIR}\\${IME_PROCESS_NAME}.exe"` },
      view,
    );
    host.registry.setValue(key, "DisplayName", { type: "REG_SZ", data: IME_SERVICE_DISPLAY_NAME }, view);
    host.registry.setValue(key, "ObjectName", { type: "REG_SZ", data: "LocalSystem" }, view);
    host.registry.setValue(key, "Type", { type: "REG_DWORD", data: 0x10 }, view);
    setServiceStart(host.registry, IME_SERVICE_NAME, AUTOMATIC);
    setServiceRunning(host.registry, IME_SERVICE_NAME, false);
  }
  if (host.fs.stat(HEALTH_CHECK_XML_PATH) === undefined)
    host.fs.writeFile(HEALTH_CHECK_XML_PATH, formatHealthCheckXml(defaultHealthChecks(memoryThresholdMb)));
}

/** The IME service as the Service Control Manager has it; undefined before the install. */
export function imeService(host: Host): ServiceInfo | undefined {
  return findService(host.registry, IME_SERVICE_NAME);
}

/** Sets the IME service's start-up type, as `sc config IntuneManagementExtension start= disabled` does. */
export function setImeStartType(host: Host, startType: "automatic" | "manual" | "disabled"): void {
  const name = startType === "automatic" ? "Automatic" : startType === "manual" ? "Manual" : "Disabled";
  setServiceStart(host.registry, IME_SERVICE_NAME, START_TYPES.indexOf(name));
}

/** Sets the IME process's working set now (a leak); the next start resets it. */
export function setImeWorkingSetMb(host: Host, mb: number): void {
  setServiceWorkingSetMb(host.registry, IME_SERVICE_NAME, mb);
}

/** Keeps the service's run state (and a fresh process's memory) on the device in step with the agent. */
export function recordImeRunning(host: Host, running: boolean): void {
  setServiceRunning(host.registry, IME_SERVICE_NAME, running);
  if (running) setServiceWorkingSetMb(host.registry, IME_SERVICE_NAME, IME_BASELINE_WORKING_SET_MB);
}

/**
 * Whether Windows starts the IME when the device boots: yes for an automatic service, no for a manual or
 * disabled one; yes when no service is registered (a device without the health model starts it as before).
 */
export function imeStartsAtBoot(host: Host): boolean {
  const service = imeService(host);
  return service === undefined || service.start === AUTOMATIC;
}
