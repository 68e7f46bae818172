// How the health evaluation rides along with the agent (like the script workloads, agent/src/machines/scripts/
// agent-hook.ts): the IME install registers the service and writes HealthCheck.xml; the service's own events
// keep the service's run state on the virtual device; the daily task (ime.md §8) runs on the agent's clock
// whether the service runs or not, and starts or restarts it through the agent's restart path.
import type { Clock, TimerHandle } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import {
  findService,
  SERVICES_KEY,
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
import type { ServiceControl } from "./health-checks.ts";
import { nextHealthRun } from "./health-schedule.ts";
import { runHealthEvaluation } from "./health-task.ts";

/** The IME process's working set after a start [our choice: no public figure]. */
export const IME_BASELINE_WORKING_SET_MB = 60;
const AUTOMATIC = 2;

export interface HealthOptions {
  /** Seeds the task's daily random delay (default: the device id), so a device's runs repeat run to run. */
  readonly seed?: string;
  /** The ProcessMonitoring limit written into HealthCheck.xml (default 500 MB). */
  readonly memoryThresholdMb?: number;
}

export interface HealthHookDeps extends HealthOptions {
  readonly events: ImeEventStream;
  readonly clock: Clock;
  readonly host: Host;
  readonly agentVersion: string;
  readonly seed: string;
  /** Starts the IME service, or restarts it when it runs: the agent's `restart` trigger. */
  readonly restartIme: () => void;
}

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

/** Wires the health task to the agent; dispose stops its timer. */
export function startHealthEvaluation(deps: HealthHookDeps) {
  const { events, clock, host } = deps;
  installImeService(host, deps.memoryThresholdMb);
  let installedAt: number | undefined;
  let timer: TimerHandle | undefined;
  // Between a shutdown and the next start the device is off: the task cannot run then.
  let deviceDown = false;
  let failure: unknown;

  const control: ServiceControl = {
    start: (name) =>
      name.toLowerCase() === IME_SERVICE_NAME.toLowerCase()
        ? deps.restartIme()
        : setServiceRunning(host.registry, name, true),
    restart: (name) =>
      name.toLowerCase() === IME_SERVICE_NAME.toLowerCase()
        ? deps.restartIme()
        : setServiceRunning(host.registry, name, true),
  };

  const schedule = (): void => {
    if (installedAt === undefined) return;
    const run = nextHealthRun(installedAt, clock.now(), deps.seed);
    events.emit(
      {
        phase: "health.scheduled",
        details: { triggerAt: run.triggerAt, delayMs: run.delayMs, runAt: run.runAt },
      },
      { thread: 1 },
    );
    clock.clearTimeout(timer);
    timer = clock.setTimeout(() => {
      try {
        if (!deviceDown)
          runHealthEvaluation({ host, events, clock, control, agentVersion: deps.agentVersion });
      } catch (error) {
        failure ??= error;
      }
      schedule();
    }, run.runAt - clock.now());
  };

  const unsubscribe = events.subscribe((event) => {
    if (event.phase === "service.started") {
      deviceDown = false;
      setServiceRunning(host.registry, IME_SERVICE_NAME, true);
      setServiceWorkingSetMb(host.registry, IME_SERVICE_NAME, IME_BASELINE_WORKING_SET_MB);
      // The first start is the install: the task's daily trigger counts from it.
      if (installedAt === undefined) {
        installedAt = clock.now();
        schedule();
      }
    } else if (event.phase === "service.stopping" && event.details.signal === "shutdown") deviceDown = true;
    else if (event.phase === "service.stopped") setServiceRunning(host.registry, IME_SERVICE_NAME, false);
  });

  return {
    /** Runs the evaluation now, as `schtasks /run` would (tests, outside triggers). */
    runNow: () => runHealthEvaluation({ host, events, clock, control, agentVersion: deps.agentVersion }),
    failure: (): unknown => failure,
    dispose(): void {
      unsubscribe();
      clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}

export type HealthEvaluation = ReturnType<typeof startHealthEvaluation>;
