// How the health evaluation rides along with the agent (like the script workloads, agent/src/machines/scripts/
// agent-hook.ts): the IME install registers the service and writes HealthCheck.xml; the service's own events
// keep the service's run state on the virtual device; the daily task (ime.md §8) runs on the agent's clock
// whether the service runs or not, and starts or restarts it through the agent's restart path.
import type { Clock, TimerHandle } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import { setServiceRunning } from "../host/process/services.ts";
import type { Host } from "../host/types.ts";
import { IME_SERVICE_NAME } from "./health-check-xml.ts";
import type { ServiceControl } from "./health-checks.ts";
import { nextHealthRun } from "./health-schedule.ts";
import { runHealthEvaluation } from "./health-task.ts";
import { installImeService, recordImeRunning } from "./ime-service.ts";

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

/** Wires the health task to the agent; dispose stops its timer. */
export function startHealthEvaluation(deps: HealthHookDeps) {
  const { events, clock, host } = deps;
  installImeService(host, deps.memoryThresholdMb);
  let installedAt: number | undefined;
  let timer: TimerHandle | undefined;
  // Between a shutdown and the next start the device is off: the task cannot run then, and a missed run is
  // not made up [our choice; whether the task runs late after a missed start is not known].
  let deviceDown = false;
  let failure: unknown;

  // The IME goes through the agent's restart path (a stopped service starts, a running one restarts); any
  // other service a HealthCheck.xml names only changes its state on the device.
  const startOrRestart = (name: string): void =>
    name.toLowerCase() === IME_SERVICE_NAME.toLowerCase()
      ? deps.restartIme()
      : setServiceRunning(host.registry, name, true);
  const control: ServiceControl = { start: startOrRestart, restart: startOrRestart };

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
      recordImeRunning(host, true);
      // The first start is the install: the task's daily trigger counts from it.
      if (installedAt === undefined) {
        installedAt = clock.now();
        // After the start's own listeners: the schedule's event follows the start in every recording.
        timer = clock.setTimeout(schedule, 0);
      }
    } else if (event.phase === "service.notStartedAtBoot") deviceDown = false;
    else if (event.phase === "service.stopping" && event.details.signal === "shutdown") deviceDown = true;
    else if (event.phase === "service.stopped") recordImeRunning(host, false);
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
