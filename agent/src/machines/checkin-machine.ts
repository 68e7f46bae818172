// One app check-in (ime.md §1.3.1, §1.3.2): token → for each session (the device, then each logged-on
// user) the app list → its subgraphs in order → the status upload → the poller banners.
import { assign, setup } from "xstate";
import type { CheckinReasonName } from "../events/types.ts";
import type { KnownEvaluation } from "./enforcement-logic.ts";
import type { EnforcementResult } from "./enforcement-types.ts";
import {
  type SubgraphInput,
  type SubgraphLogic,
  type SubgraphOutput,
  subgraphMachine,
} from "./subgraph-machine.ts";
import { waitingStep as promiseStep } from "./waiting-step.ts";

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
  /** The logic of the check-in's subgraphs. */
  readonly subgraph: SubgraphLogic;
  /**
   * The subgraph chart's skip for a re-evaluation interval that has not expired, decided and announced without
   * starting that chart (the same lines, in the same order): `notDueSince` reads only, `skipNotDue` emits.
   */
  readonly notDue?: {
    notDueSince(input: SubgraphInput): number | undefined;
    skipNotDue(input: SubgraphInput, last: number): void;
  };
  /**
   * The evaluation of a lone app whose enforcement ends without content (already in its desired state, not
   * applicable, or held by GRS), decided and run without starting its subgraph and enforcement charts (the same
   * lines, in the same order): `settledEvaluation` reads only (what the enforcement would find next),
   * `reevaluateInPlace` runs the two charts' steps as plain functions.
   */
  readonly inPlace?: {
    settledEvaluation(input: SubgraphInput): KnownEvaluation | undefined;
    reevaluateInPlace(
      input: SubgraphInput,
      known: KnownEvaluation,
    ): Pick<SubgraphOutput, "results" | "stoppedForReboot">;
  };
  /** The steps that wait on the service, run as invoked actors. */
  readonly actors: {
    acquireToken(context: CheckinContext): Promise<void>;
    /** Fetches and plans the current session's app list. */
    requestApps(context: CheckinContext): Promise<readonly SubgraphInput[]>;
    /** The Win32AppResult upload of everything this check-in decided. */
    uploadResults(context: CheckinContext): Promise<void>;
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

/**
 * What starts a check-in: its reason and sessions, and the device's logic the chart's steps call. The chart is
 * built once per process (issue 18: building it per device cost more than running it); the logic rides in the
 * context.
 */
export interface CheckinChartInput extends CheckinInput {
  readonly logic: CheckinLogic;
}

/** The chart's context: the check-in's, and the device's logic. */
type CheckinChartContext = CheckinContext & { readonly logic: CheckinLogic };

/** A waiting step as an invoked actor: the device's logic runs it over the chart's context. */
const waitingStep = <T>(run: (context: CheckinChartContext) => Promise<T>) =>
  promiseStep<T, CheckinChartContext>(run);

/**
 * The subgraphs from the current one on whose re-evaluation is not due, with when each was last evaluated:
 * the guard's reading, handed to the skip actions of the same transition (nothing runs between the two).
 * One transition skips the whole run: a check-in of 50 apps, most not due, took one transition per app
 * (issue 18). Skipping writes nothing the next reading depends on, so reading the run first is the same.
 * Shared by every device's check-ins: keyed by the device's own subgraph inputs, read in the transition that wrote.
 */
const notDueRuns = new WeakMap<SubgraphInput, readonly (readonly [SubgraphInput, number])[]>();
const notDueRunOf = (context: CheckinChartContext): readonly (readonly [SubgraphInput, number])[] => {
  const first = context.subgraphs[context.subgraphIndex];
  const notDue = context.logic.notDue;
  if (first === undefined || notDue === undefined) return [];
  const run: (readonly [SubgraphInput, number])[] = [];
  for (let index = context.subgraphIndex; index < context.subgraphs.length; index += 1) {
    const input = context.subgraphs[index]!;
    const last = notDue.notDueSince(input);
    if (last === undefined) break;
    run.push([input, last]);
  }
  if (run.length === 0) notDueRuns.delete(first);
  else notDueRuns.set(first, run);
  return run;
};
/**
 * What `settlesInPlace` found for the current subgraph, handed to the evaluation of the same transition
 * (issue 18: a compliant re-evaluation started two charts, about 13 transitions, for lines that are plain
 * steps). Nothing runs between the guard and its action.
 */
const settled = new WeakMap<SubgraphInput, KnownEvaluation>();
const runAt = (context: CheckinChartContext) =>
  notDueRuns.get(context.subgraphs[context.subgraphIndex]!) ?? notDueRunOf(context);

/** The check-in chart; each actor gets its device's logic in its input. */
export const checkinMachine = setup({
  types: { context: {} as CheckinChartContext, input: {} as CheckinChartInput, output: {} as CheckinOutput },
  actors: {
    subgraph: subgraphMachine,
    acquireToken: waitingStep((context) => context.logic.actors.acquireToken(context)),
    requestApps: waitingStep((context) => context.logic.actors.requestApps(context)),
    uploadResults: waitingStep((context) => context.logic.actors.uploadResults(context)),
  },
  guards: {
    allSessionsDone: ({ context }) => context.sessionIndex >= context.sessions.length,
    allSubgraphsDone: ({ context }) => context.subgraphIndex >= context.subgraphs.length,
    stoppedForReboot: ({ context }) => context.stoppedForReboot,
    subgraphNotDue: ({ context }) => notDueRunOf(context).length > 0,
    settlesInPlace: ({ context }) => {
      const input = context.subgraphs[context.subgraphIndex]!;
      const known = context.logic.inPlace?.settledEvaluation(input);
      if (known === undefined) return false;
      settled.set(input, known);
      return true;
    },
  },
  actions: {
    skipNotDueSubgraphs: ({ context }) => {
      for (const [input, last] of runAt(context)) context.logic.notDue?.skipNotDue(input, last);
    },
    // An assign, so the lines are written as the transition resolves, in order with the skips around it.
    evaluateInPlace: assign(({ context }) => {
      const input = context.subgraphs[context.subgraphIndex]!;
      const known = settled.get(input)!;
      settled.delete(input);
      return afterSubgraph(context, context.logic.inPlace!.reevaluateInPlace(input, known));
    }),
    announceStart: ({ context }) => context.logic.effects.announceStart(context),
    announceSession: ({ context }) => context.logic.effects.announceSession(context),
    announceSubgraphs: ({ context }) => context.logic.effects.announceSubgraphs(context),
    completeSession: ({ context }) => context.logic.effects.completeSession(context),
    announceStop: ({ context }) => context.logic.effects.announceStop(context),
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
            "skipNotDueSubgraphs",
            assign(({ context }) => ({
              ...afterSubgraph(context, { results: [], stoppedForReboot: false }),
              subgraphIndex: context.subgraphIndex + runAt(context).length,
            })),
          ],
        },
        { guard: "settlesInPlace", actions: "evaluateInPlace" },
        { target: "runningSubgraph" },
      ],
    },
    runningSubgraph: {
      invoke: {
        src: "subgraph",
        input: ({ context }) => ({
          ...context.subgraphs[context.subgraphIndex]!,
          logic: context.logic.subgraph,
        }),
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

/** The check-in chart's type, for invoking it from the service chart. */
export type CheckinMachine = typeof checkinMachine;
