// One HealthCheck.xml check and its remediation (ime.md §8: "checks that the IME service is installed, running
// and set to automatic, that the log/agent folders exist … restarts or repairs the IME when checks fail"
// [C*: S22]). Which remediation goes with which check is imesim's choice from that sentence: a wrong start-up
// type is reset, a stopped service started, a process over its memory limit restarted, a missing folder
// created; a missing service cannot be repaired here (MS removes and reinstalls an IME that stays broken,
// ime.md §8 [C: S1]).
import type { HealthRemediation } from "../events/health-events.ts";
import { findService, START_TYPES, serviceWorkingSetMb, setServiceStart } from "../host/process/services.ts";
import type { Host } from "../host/types.ts";
import { type HealthCheck, IME_SERVICE_NAME } from "./health-check-xml.ts";

const AUTOMATIC = 2;
const DISABLED = 4;
/** Windows' text for ERROR_SERVICE_DISABLED (1058), what Start-Service on a disabled service reports. */
export const SERVICE_DISABLED_MESSAGE =
  "The service cannot be started, either because it is disabled or because it has no enabled devices associated with it.";

/** How the task starts and restarts a service: the IME's own service goes through the agent's restart path. */
export interface ServiceControl {
  start(name: string): void;
  restart(name: string): void;
}

export interface CheckVerdict {
  readonly passed: boolean;
  readonly expected: string;
  readonly observed: string;
}

export interface RemediationOutcome {
  readonly action: HealthRemediation;
  readonly succeeded: boolean;
  readonly message: string;
}

const startTypeName = (start: number): string => START_TYPES[start] ?? String(start);

/** Evaluates one check against the device as it is now. */
export function evaluateCheck(host: Host, check: HealthCheck): CheckVerdict {
  const [target = "", expectedParam] = check.params;
  const service = () => findService(host.registry, target);
  switch (check.type) {
    case "ServiceExistence": {
      const found = service();
      return {
        passed: found !== undefined,
        expected: "Installed",
        observed: found ? "Installed" : "NotFound",
      };
    }
    case "ServiceStartupType": {
      const expected = expectedParam ?? "Automatic";
      const found = service();
      const observed = found === undefined ? "NotFound" : startTypeName(found.start);
      return { passed: observed.toLowerCase() === expected.toLowerCase(), expected, observed };
    }
    case "ServiceStatus": {
      const expected = expectedParam ?? "Running";
      const found = service();
      const observed = found === undefined ? "NotFound" : found.running ? "Running" : "Stopped";
      return { passed: observed.toLowerCase() === expected.toLowerCase(), expected, observed };
    }
    case "ProcessMonitoring": {
      // The IME's process is the service's; a stopped service has no process to measure (the status check says so).
      const limit = Number(expectedParam ?? Number.NaN);
      const ime = findService(host.registry, IME_SERVICE_NAME);
      const mb = ime?.running ? serviceWorkingSetMb(host.registry, ime.name) : 0;
      return {
        passed: !Number.isFinite(limit) || mb <= limit,
        expected: `<= ${expectedParam ?? "?"} MB`,
        observed: ime?.running ? `${mb} MB` : "NotRunning",
      };
    }
    case "FolderExistence": {
      const kind = host.fs.stat(target)?.kind;
      return {
        passed: kind === "directory",
        expected: "Exists",
        observed: kind === "directory" ? "Exists" : "Missing",
      };
    }
  }
}

/** Repairs what a failed check found; undefined when the check has no remediation. */
export function remediate(
  host: Host,
  control: ServiceControl,
  check: HealthCheck,
): RemediationOutcome | undefined {
  const [target = ""] = check.params;
  switch (check.type) {
    case "ServiceExistence":
      return undefined;
    case "ServiceStartupType": {
      if (findService(host.registry, target) === undefined) return undefined;
      setServiceStart(host.registry, findService(host.registry, target)!.name, AUTOMATIC);
      return { action: "resetStartupType", succeeded: true, message: "start-up type set to Automatic" };
    }
    case "ServiceStatus": {
      const found = findService(host.registry, target);
      if (found === undefined) return undefined;
      if (found.start === DISABLED)
        return { action: "startService", succeeded: false, message: SERVICE_DISABLED_MESSAGE };
      control.start(found.name);
      const running = findService(host.registry, found.name)?.running === true;
      return {
        action: "startService",
        succeeded: running,
        message: running ? "service started" : "the service did not start",
      };
    }
    case "ProcessMonitoring": {
      const ime = findService(host.registry, IME_SERVICE_NAME);
      if (ime === undefined || !ime.running) return undefined;
      control.restart(ime.name);
      return { action: "restartService", succeeded: true, message: "service restarted" };
    }
    case "FolderExistence":
      host.fs.mkdir(target);
      return { action: "createFolder", succeeded: true, message: "folder created" };
  }
}
