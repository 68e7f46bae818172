// The effects of the agent service chart: banners, the check-in cadence, the reboot flag.
import type { Clock } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import type { FileSystem } from "../host/types.ts";
import type { CheckinIntervalCache } from "../ime/checkin-interval-cache.ts";
import { sweepStaleContent } from "../ime/content-sweep.ts";
import type { ImeStateStore } from "../ime/state-store.ts";
import type { CheckinLogic } from "./checkin-machine.ts";
import {
  checkinIntervalMs,
  checkinIntervalSource,
  REBOOT_DOWNTIME_MS,
  STARTUP_DELAY_ALL_MS,
  STARTUP_DELAY_WIN32_MS,
} from "./decisions.ts";
import type { ServiceContext, ServiceLogic } from "./service-machine.ts";

export interface ServiceDeps {
  readonly events: ImeEventStream;
  readonly clock: Clock;
  readonly store: ImeStateStore;
  readonly fs: FileSystem;
  readonly checkin: CheckinLogic;
  readonly agentVersion: string;
  /** The server's CheckinIntervalMinutes as the last check-in received it; the 58/62 alternation without it. */
  readonly checkinIntervalCache?: CheckinIntervalCache;
  /** Whether Windows starts the IME when the device boots (its service's start-up type); default always. */
  readonly startsAtBoot?: () => boolean;
}

/** Builds the service chart's logic. */
export function createServiceLogic(deps: ServiceDeps): ServiceLogic {
  const { events, store } = deps;
  const serverMinutes = () => deps.checkinIntervalCache?.serverMinutes();
  const interval = (context: ServiceContext) =>
    checkinIntervalMs(context.checkinCount, store.checkinIntervalSeconds(), serverMinutes());
  return {
    checkin: deps.checkin,
    checkinIntervalMs: interval,
    startupDelayMs: STARTUP_DELAY_WIN32_MS,
    rebootDowntimeMs: REBOOT_DOWNTIME_MS,
    startsAtBoot: deps.startsAtBoot ?? (() => true),
    effects: {
      announceStart(context) {
        events.emit({
          phase: "service.started",
          details: { agentVersion: deps.agentVersion, reason: context.startReason },
        });
      },
      sweepStaleContent() {
        sweepStaleContent(deps.fs, store);
      },
      announceStartupDelay() {
        events.emit({
          phase: "service.startupDelay",
          details: { allCheckinsMs: STARTUP_DELAY_ALL_MS, win32CheckinsMs: STARTUP_DELAY_WIN32_MS },
        });
      },
      announceStop(signal) {
        events.emit({ phase: "service.stopping", details: { signal } });
        events.emit({ phase: "service.stopped", details: {} });
      },
      announceSchedule(context) {
        events.emit({
          phase: "checkin.scheduled",
          details: {
            intervalMs: interval(context),
            source: checkinIntervalSource(store.checkinIntervalSeconds(), serverMinutes()),
          },
        });
      },
      clearPendingReboot() {
        store.setPendingHardReboot(false);
      },
      announceNotStartedAtBoot() {
        events.emit({ phase: "service.notStartedAtBoot", details: {} });
      },
    },
  };
}
