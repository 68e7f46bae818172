// The IME service (ime.md §6): start-up delays → check-in (AgentRestart) → waiting on the timer (about
// hourly, Settings\Interval overrides) and on triggers: the syncapp moniker, user logon, an available
// install request, service restart and device reboot. Check-ins never overlap: a trigger that arrives
// during one is queued and runs right after it.
import { assign, cancel, raise, setup } from "xstate";
import type { CheckinReasonName } from "../events/types.ts";
import {
  type AppRequest,
  type CheckinLogic,
  type CheckinSession,
  checkinMachine,
} from "./checkin-machine.ts";

/** A logged-on user as the IME sees a session (ime.md §1.3.1). */
export interface LoggedOnUser {
  readonly userId: string;
  readonly userSid: string;
  readonly session: number;
  /** The Windows account name (`AzureAD\<name>` once impersonated, ime.md §11a Sessions). */
  readonly accountName?: string;
}

/** What can happen to the service from outside. */
export type ServiceEvent =
  | { type: "START" }
  | { type: "STOP" }
  | { type: "RESTART" }
  | { type: "REBOOT" }
  | { type: "SYNC" }
  | { type: "USER_LOGON"; user: LoggedOnUser }
  | { type: "USER_LOGOFF"; userId: string }
  | { type: "INSTALL_AVAILABLE"; request: AppRequest };

/**
 * What starts the service: the users logged on, and the device's logic the chart's steps call. The chart is built
 * once per process (issue 18: building it per device cost more than running it); the logic rides in the context.
 * Nothing persists, compares or sends the charts' snapshots (the agent reads only the service's state value), so
 * the logic in the contexts changes no output.
 */
export interface ServiceInput {
  readonly users?: readonly LoggedOnUser[];
  readonly logic: ServiceLogic;
}

export interface ServiceContext {
  readonly users: readonly LoggedOnUser[];
  readonly checkinCount: number;
  readonly startReason: "start" | "restart" | "reboot";
  readonly reason: CheckinReasonName;
  readonly queued: CheckinReasonName | undefined;
  readonly requestedApps: readonly AppRequest[];
  readonly inFlightRequests: readonly AppRequest[];
  readonly logic: ServiceLogic;
}

/** The service's lookups and effects. */
export interface ServiceLogic {
  /** The logic of the service's check-ins. */
  readonly checkin: CheckinLogic;
  /** How long the device is down across a restart, from shutdown to the service's start. */
  readonly rebootDowntimeMs: number;
  /** The next timer interval, in ms. */
  checkinIntervalMs(context: ServiceContext): number;
  readonly startupDelayMs: number;
  /** Whether Windows starts the service when it boots: only when its start-up type is automatic. */
  startsAtBoot(): boolean;
  readonly effects: {
    announceStart(context: ServiceContext): void;
    /** Content an interrupted run left behind goes; in-progress downloads and timed-out installs stay. */
    sweepStaleContent(): void;
    announceStartupDelay(context: ServiceContext): void;
    announceStop(signal: "stop" | "shutdown"): void;
    announceSchedule(context: ServiceContext): void;
    /** The device came back from a reboot: a pending hard reboot is satisfied (ime.md §5.4). */
    clearPendingReboot(): void;
    /** The device is back, but its IME was not started (not an automatic service). */
    announceNotStartedAtBoot(): void;
  };
}

/** Id of the delayed REBOOT the IME schedules for a hard reboot it carries out itself. */
const SCHEDULED_RESTART = "imeScheduledRestart";

/** The userless session: the only one when nobody is logged on (state under the all-zero user id, ime.md §4.1). */
export const DEVICE_SESSION: CheckinSession = {
  session: 0,
  userId: "00000000-0000-0000-0000-000000000000",
  userSid: "S-1-5-18",
  isUser: false,
};

/**
 * The sessions a check-in walks: one per logged-on user, each evaluating device- and user-targeted apps
 * together; session 0 only when nobody is logged on (ime.md §11a Sessions).
 */
export function sessionsOf(users: readonly LoggedOnUser[]): CheckinSession[] {
  if (users.length === 0) return [DEVICE_SESSION];
  return users.map((u) => ({
    session: u.session,
    userId: u.userId,
    userSid: u.userSid,
    isUser: true,
    ...(u.accountName === undefined ? {} : { accountName: u.accountName }),
  }));
}

/** The agent service chart; each device's logic comes with its input. */
export const serviceMachine = setup({
  types: { context: {} as ServiceContext, events: {} as ServiceEvent, input: {} as ServiceInput },
  actors: { checkin: checkinMachine },
  guards: {
    triggerQueued: ({ context }) => context.queued !== undefined,
    startsAtBoot: ({ context }) => context.logic.startsAtBoot(),
  },
  actions: {
    announceStart: ({ context }) => context.logic.effects.announceStart(context),
    sweepStaleContent: ({ context }) => context.logic.effects.sweepStaleContent(),
    announceStartupDelay: ({ context }) => context.logic.effects.announceStartupDelay(context),
    announceStop: ({ context }, params: { signal: "stop" | "shutdown" }) =>
      context.logic.effects.announceStop(params.signal),
    announceSchedule: ({ context }) => context.logic.effects.announceSchedule(context),
    clearPendingReboot: ({ context }) => context.logic.effects.clearPendingReboot(),
    announceNotStartedAtBoot: ({ context }) => context.logic.effects.announceNotStartedAtBoot(),
    queue: assign((_, params: { reason: CheckinReasonName }) => ({ queued: params.reason })),
    // Requests a check-in handled are done; ones that arrived during it wait for the next.
    completeCheckin: assign(({ context }) => ({
      checkinCount: context.checkinCount + 1,
      requestedApps: context.requestedApps.filter((r) => !context.inFlightRequests.includes(r)),
      inFlightRequests: [],
    })),
  },
  delays: {
    startupDelay: ({ context }) => context.logic.startupDelayMs,
    rebootDowntime: ({ context }) => context.logic.rebootDowntimeMs,
    checkinInterval: ({ context }) => context.logic.checkinIntervalMs(context),
  },
}).createMachine({
  id: "imeService",
  context: ({ input }) => ({
    users: input.users ?? [],
    checkinCount: 0,
    startReason: "start",
    reason: "AgentRestart",
    queued: undefined,
    requestedApps: [],
    inFlightRequests: [],
    logic: input.logic,
  }),
  initial: "stopped",
  states: {
    stopped: {
      on: {
        START: { target: "running", actions: assign({ startReason: "start" }) },
        // Restart-Service starts a stopped service; a rebooted device starts it (automatic start).
        RESTART: { target: "running", actions: assign({ startReason: "restart" }) },
        REBOOT: "rebooting",
      },
    },
    // Down for a restart (ime.md §11a Time: "the machine is down for minutes, and the logs show it"):
    // nothing runs, no line is written; the service starts when Windows is back.
    // A service set to manual or disabled is not started at boot: it stays stopped until someone (the health
    // evaluation task, ime.md §8) starts it.
    rebooting: {
      after: {
        rebootDowntime: [
          {
            guard: "startsAtBoot",
            target: "running",
            actions: ["clearPendingReboot", assign({ startReason: "reboot" })],
          },
          { target: "stopped", actions: ["clearPendingReboot", "announceNotStartedAtBoot"] },
        ],
      },
    },
    running: {
      entry: ["announceStart", "sweepStaleContent"],
      on: {
        STOP: { target: "stopped", actions: { type: "announceStop", params: { signal: "stop" } } },
        RESTART: {
          target: "running",
          reenter: true,
          actions: [{ type: "announceStop", params: { signal: "stop" } }, assign({ startReason: "restart" })],
        },
        // The device shuts down, stays down while Windows restarts, and starts the service again.
        REBOOT: {
          target: "rebooting",
          actions: [cancel(SCHEDULED_RESTART), { type: "announceStop", params: { signal: "shutdown" } }],
        },
        SYNC: { actions: { type: "queue", params: { reason: "OnDemand" } } },
        USER_LOGON: {
          actions: [
            assign({
              users: ({ context, event }) => [
                ...context.users.filter((u) => u.userId !== event.user.userId),
                event.user,
              ],
            }),
            { type: "queue", params: { reason: "UserLogOn" } },
          ],
        },
        USER_LOGOFF: {
          actions: assign({
            users: ({ context, event }) => context.users.filter((u) => u.userId !== event.userId),
          }),
        },
        INSTALL_AVAILABLE: {
          actions: [
            assign({ requestedApps: ({ context, event }) => [...context.requestedApps, event.request] }),
            { type: "queue", params: { reason: "OnDemand" } },
          ],
        },
      },
      initial: "delayingStartup",
      states: {
        delayingStartup: {
          entry: [assign({ queued: undefined }), "announceStartupDelay"],
          after: { startupDelay: { target: "checkingIn", actions: assign({ reason: "AgentRestart" }) } },
        },
        checkingIn: {
          entry: assign(({ context }) => ({ queued: undefined, inFlightRequests: context.requestedApps })),
          invoke: {
            src: "checkin",
            input: ({ context }) => ({
              reason: context.reason,
              sessions: sessionsOf(context.users),
              requestedApps: context.inFlightRequests,
              logic: context.logic.checkin,
            }),
            onDone: [
              {
                guard: ({ event }) => event.output.restartAfterMs !== undefined,
                target: "waiting",
                actions: [
                  "completeCheckin",
                  // The IME carries out the hard reboot itself after the grace period (ime.md §5.4).
                  raise(
                    { type: "REBOOT" },
                    {
                      id: SCHEDULED_RESTART,
                      delay: ({ event }) => event.output.restartAfterMs ?? 0,
                    },
                  ),
                ],
              },
              { target: "waiting", actions: "completeCheckin" },
            ],
            onError: { target: "waiting", actions: "completeCheckin" },
          },
        },
        waiting: {
          entry: "announceSchedule",
          always: {
            guard: "triggerQueued",
            target: "checkingIn",
            actions: assign(({ context }) => ({ reason: context.queued ?? "OnDemand" })),
          },
          after: {
            checkinInterval: { target: "checkingIn", actions: assign({ reason: "MaintenanceTimer" }) },
          },
        },
      },
    },
  },
});

/** The service chart's type. */
export type ServiceMachine = typeof serviceMachine;
