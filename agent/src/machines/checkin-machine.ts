// One app check-in (ime.md §1.3.1, §1.3.2): token → for each session (the device, then each logged-on
// user) the app list → its subgraphs in order → the status upload → the poller banners.
import { assign, type PromiseActorLogic, setup } from "xstate";
import type { CheckinReasonName } from "../events/types.ts";
import type { EnforcementResult } from "./enforcement-types.ts";
import type { SubgraphInput, SubgraphMachine, SubgraphOutput } from "./subgraph-machine.ts";

/** A session the poller walks: the device (session 0, all-zero user id) or a logged-on user. */
export interface CheckinSession {
  readonly session: number;
  readonly userId: string;
  readonly userSid: string;
  /** False for the device session. */
  readonly isUser: boolean;
  /** The user's Windows account name, when known. */
  readonly accountName?: string;
}

/** An available app a user asked for (Company Portal "Install"). */
export interface AppRequest {
  readonly appId: string;
  readonly userId: string;
}

export interface CheckinInput {
  readonly reason: CheckinReasonName;
  readonly sessions: readonly CheckinSession[];
  readonly requestedApps: readonly AppRequest[];
}

/** The results of one session, kept for the status upload. */
export interface SessionResults {
  readonly userId: string;
  readonly results: readonly EnforcementResult[];
}

export interface CheckinContext extends CheckinInput {
  readonly sessionIndex: number;
  readonly subgraphs: readonly SubgraphInput[];
  readonly subgraphIndex: number;
  readonly sessionResults: readonly SessionResults[];
  readonly stoppedForReboot: boolean;
  readonly failed: boolean;
}

export interface CheckinOutput {
  readonly reason: CheckinReasonName;
  readonly failed: boolean;
  readonly stoppedForReboot: boolean;
  readonly sessionResults: readonly SessionResults[];
  /** The IME restarts the device this long after the check-in (a hard reboot it is to carry out). */
  readonly restartAfterMs: number | undefined;
}

/** The check-in's lookups and effects. */
export interface CheckinLogic {
  readonly subgraph: SubgraphMachine;
  /**
   * The subgraph chart's skip for a re-evaluation interval that has not expired, decided and announced without
   * starting that chart (the same lines, in the same order): `notDueSince` reads only, `skipNotDue` emits.
   */
  readonly notDue?: {
    notDueSince(input: SubgraphInput): number | undefined;
    skipNotDue(input: SubgraphInput, last: number): void;
  };
  readonly actors: {
    readonly acquireToken: PromiseActorLogic<void, CheckinContext>;
    /** Fetches and plans the current session's app list. */
    readonly requestApps: PromiseActorLogic<readonly SubgraphInput[], CheckinContext>;
    /** The Win32AppResult upload of everything this check-in decided. */
    readonly uploadResults: PromiseActorLogic<void, CheckinContext>;
  };
  readonly effects: {
    announceStart(context: CheckinContext): void;
    announceSession(context: CheckinContext): void;
    announceSubgraphs(context: CheckinContext): void;
    completeSession(context: CheckinContext): void;
    announceStop(context: CheckinContext): void;
  };
}

/** The check-in's context after a subgraph ended with `output`: its results join the session's. */
function afterSubgraph(
  context: CheckinContext,
  output: Pick<SubgraphOutput, "results" | "stoppedForReboot">,
) {
  const session = context.sessions[context.sessionIndex]!;
  const previous = context.sessionResults.find((s) => s.userId === session.userId);
  const merged = {
    userId: session.userId,
    results: [...(previous?.results ?? []), ...output.results],
  };
  return {
    subgraphIndex: context.subgraphIndex + 1,
    stoppedForReboot: context.stoppedForReboot || output.stoppedForReboot,
    sessionResults: [...context.sessionResults.filter((s) => s.userId !== session.userId), merged],
  };
}

/** Builds the check-in chart over the given logic. */
export function createCheckinMachine(logic: CheckinLogic) {
  // The guard's reading, handed to the skip action of the same transition (nothing runs between the two).
  const notDueSince = new WeakMap<SubgraphInput, number>();
  const notDueOf = (context: CheckinContext): number | undefined => {
    const input = context.subgraphs[context.subgraphIndex];
    if (input === undefined || logic.notDue === undefined) return undefined;
    const last = logic.notDue.notDueSince(input);
    if (last === undefined) notDueSince.delete(input);
    else notDueSince.set(input, last);
    return last;
  };
  return setup({
    types: { context: {} as CheckinContext, input: {} as CheckinInput, output: {} as CheckinOutput },
    actors: {
      subgraph: logic.subgraph,
      acquireToken: logic.actors.acquireToken,
      requestApps: logic.actors.requestApps,
      uploadResults: logic.actors.uploadResults,
    },
    guards: {
      allSessionsDone: ({ context }) => context.sessionIndex >= context.sessions.length,
      allSubgraphsDone: ({ context }) => context.subgraphIndex >= context.subgraphs.length,
      stoppedForReboot: ({ context }) => context.stoppedForReboot,
      subgraphNotDue: ({ context }) => notDueOf(context) !== undefined,
    },
    actions: {
      skipNotDueSubgraph: ({ context }) => {
        const input = context.subgraphs[context.subgraphIndex]!;
        logic.notDue?.skipNotDue(input, notDueSince.get(input) ?? notDueOf(context)!);
      },
      announceStart: ({ context }) => logic.effects.announceStart(context),
      announceSession: ({ context }) => logic.effects.announceSession(context),
      announceSubgraphs: ({ context }) => logic.effects.announceSubgraphs(context),
      completeSession: ({ context }) => logic.effects.completeSession(context),
      announceStop: ({ context }) => logic.effects.announceStop(context),
    },
  }).createMachine({
    id: "checkin",
    context: ({ input }) => ({
      ...input,
      sessionIndex: 0,
      subgraphs: [],
      subgraphIndex: 0,
      sessionResults: [],
      stoppedForReboot: false,
      failed: false,
    }),
    initial: "acquiringToken",
    entry: "announceStart",
    states: {
      acquiringToken: {
        invoke: {
          src: "acquireToken",
          input: ({ context }) => context,
          onDone: "nextSession",
          onError: { target: "stopping", actions: assign({ failed: true }) },
        },
      },
      nextSession: {
        always: [{ guard: "allSessionsDone", target: "uploading" }, { target: "requestingApps" }],
      },
      requestingApps: {
        entry: "announceSession",
        invoke: {
          src: "requestApps",
          input: ({ context }) => context,
          onDone: {
            target: "processingSubgraphs",
            actions: [
              assign({ subgraphs: ({ event }) => event.output, subgraphIndex: 0 }),
              "announceSubgraphs",
            ],
          },
          onError: { target: "sessionDone", actions: assign({ failed: true, subgraphs: [] }) },
        },
      },
      processingSubgraphs: {
        always: [
          { guard: "allSubgraphsDone", target: "sessionDone" },
          { guard: "stoppedForReboot", target: "sessionDone" },
          {
            guard: "subgraphNotDue",
            actions: [
              "skipNotDueSubgraph",
              assign(({ context }) => afterSubgraph(context, { results: [], stoppedForReboot: false })),
            ],
          },
          { target: "runningSubgraph" },
        ],
      },
      runningSubgraph: {
        invoke: {
          src: "subgraph",
          input: ({ context }) => context.subgraphs[context.subgraphIndex]!,
          onDone: {
            target: "processingSubgraphs",
            actions: assign(({ context, event }) => afterSubgraph(context, event.output)),
          },
        },
      },
      sessionDone: {
        entry: "completeSession",
        always: {
          target: "nextSession",
          actions: assign({ sessionIndex: ({ context }) => context.sessionIndex + 1 }),
        },
      },
      uploading: {
        invoke: {
          src: "uploadResults",
          input: ({ context }) => context,
          onDone: "stopping",
          onError: "stopping",
        },
      },
      stopping: { entry: "announceStop", always: "done" },
      done: { type: "final" },
    },
    output: ({ context }) => ({
      reason: context.reason,
      failed: context.failed,
      stoppedForReboot: context.stoppedForReboot,
      sessionResults: context.sessionResults,
      restartAfterMs: context.sessionResults
        .flatMap((session) => session.results)
        .map((result) => result.restartAfterMs)
        .filter((ms) => ms !== undefined)
        .reduce<number | undefined>(
          (soonest, ms) => (soonest === undefined ? ms : Math.min(soonest, ms)),
          undefined,
        ),
    }),
  });
}

/** The check-in chart's type, for invoking it from the service chart. */
export type CheckinMachine = ReturnType<typeof createCheckinMachine>;
