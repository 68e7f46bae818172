// The lookups and effects around a subgraph: the gate (reboot, filters, re-evaluation with its override
// conditions), early termination and the re-evaluation schedule.
import { Applicability, EnforcementState, RunAs } from "@imesim/contracts/enums";
import { fromPromise } from "xstate";
import type { Clock } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import type { SubgraphSkipReason } from "../events/types.ts";
import type { ImeStateStore } from "../ime/state-store.ts";
import { DEFAULT_REEVALUATION_MINUTES, GRS_WINDOW_MS, reevaluationDue } from "./decisions.ts";
import { initialEnforcementContext } from "./enforcement-context.ts";
import type { EnforcementLogicWithRecorder } from "./enforcement-logic.ts";
import type { EnforcementMachine } from "./enforcement-machine.ts";
import {
  memberInput,
  predetectionOrder,
  type SubgraphContext,
  type SubgraphLogic,
} from "./subgraph-machine.ts";

/** What the subgraph logic reads and writes. */
export interface SubgraphDeps {
  readonly store: ImeStateStore;
  readonly events: ImeEventStream;
  readonly clock: Clock;
  readonly enforcement: EnforcementMachine;
  readonly enforcementLogic: EnforcementLogicWithRecorder;
}

/** Assignment filters excluded the device (ime.md §7.6: Applicability 1010). */
const FILTERED_OUT = 1010;

/**
 * An override condition of the re-evaluation interval (ime.md §5.3): a user request, an app the IME
 * has no finished state for (new, changed, or interrupted mid-flight), or a failed app whose GRS ran out.
 */
function overrideApplies(context: SubgraphContext, store: ImeStateStore, now: number): boolean {
  if (context.userRequested) return true;
  for (const member of context.plan.members) {
    const ref = { userId: context.userId, appId: member.policy.Id, version: member.policy.Version };
    const enforcement = store.readEnforcement(ref);
    if (enforcement === undefined) return true;
    const band = Math.floor(enforcement.EnforcementState / 1000);
    if (band === 2) return true;
    if (band === 5) {
      const grs = store.readGrs(context.userId, context.hash, member.policy.Id);
      if (grs === undefined || now - grs >= GRS_WINDOW_MS) return true;
    }
  }
  return false;
}

/** Builds the subgraph chart's logic. */
export function createSubgraphLogic(deps: SubgraphDeps): SubgraphLogic {
  const { store, events, clock } = deps;
  const intervalMinutes = (context: SubgraphContext) =>
    context.plan.target.ReevaluationInterval ?? DEFAULT_REEVALUATION_MINUTES;
  const subject = (context: SubgraphContext, appId?: string) => ({
    userId: context.userId,
    ...(appId === undefined ? {} : { appId }),
  });
  const announceProcessing = (context: SubgraphContext): void => {
    events.emit(
      {
        phase: "subgraph.processing",
        details: { appIds: context.plan.members.map((m) => m.policy.Id), hash: context.hash },
      },
      subject(context),
    );
  };
  const skipReason = (context: SubgraphContext): SubgraphSkipReason | undefined => {
    if (store.pendingHardReboot()) return "restartRequired";
    if (
      context.plan.members.every((m) => m.policy.AppApplicabilityStateDueToAssginmentFilters === FILTERED_OUT)
    ) {
      return "assignmentFilters";
    }
    if (
      context.userSid === undefined &&
      context.plan.members.every((m) => m.policy.InstallEx.RunAs !== RunAs.System)
    ) {
      return "userNotLoggedIn";
    }
    // From here the subgraph is processed, or skipped for its re-evaluation interval; either way the
    // IME brackets it with `Processing subgraph with app ids` … `Done processing subgraph.` (ime.md §11a GRS).
    announceProcessing(context);
    const now = clock.now();
    const last = store.readSubgraphEvaluation(context.userId, context.hash);
    if (last !== undefined) {
      events.emit(
        { phase: "reevaluation.found", details: { hash: context.hash, at: last } },
        subject(context),
      );
    }
    if (reevaluationDue(last, now, intervalMinutes(context))) return undefined;
    return overrideApplies(context, store, now) ? undefined : "reevaluationNotExpired";
  };
  return {
    enforcement: deps.enforcement,
    actors: {
      gate: fromPromise(async ({ input: context }) => {
        const reason = skipReason(context);
        if (reason === "assignmentFilters") {
          // Filtered-out apps are reported not applicable, Applicability 1010 (ime.md §7.6).
          for (const index of context.plan.members.keys()) {
            const base = initialEnforcementContext(memberInput(context, index));
            await deps.enforcementLogic.recordOutcome({
              ...base,
              applicability: { applicability: FILTERED_OUT, lines: [] },
              finalState: EnforcementState.RequirementsNotMet,
            });
          }
        }
        if (reason === "userNotLoggedIn") {
          // A userless (device-only) check-in reports user-context apps not applicable, Applicability 1012,
          // with the IME's line for each (ime.md §7.6, §1.3.5). Their state is RequirementsNotMet, as for
          // the other not-applicable outcomes [I].
          for (const [index, member] of context.plan.members.entries()) {
            events.emit(
              { phase: "applicability.userlessCheckin", details: {} },
              subject(context, member.policy.Id),
            );
            const base = initialEnforcementContext(memberInput(context, index));
            await deps.enforcementLogic.recordOutcome({
              ...base,
              applicability: {
                applicability: Applicability.UserContextAppNotSupportedDuringDeviceOnlyCheckin,
                lines: [],
              },
              finalState: EnforcementState.RequirementsNotMet,
            });
          }
        }
        return reason;
      }),
      recordNotAttempted: fromPromise(async ({ input }) => {
        const base = initialEnforcementContext(memberInput(input.context));
        // The parent is detected, then nothing ("child detection, parent detection, then nothing", ime.md
        // §11a), unless the subgraph looked at it first.
        const detection =
          base.predetected === true
            ? undefined
            : (await deps.enforcementLogic.predetect(base, false)).outcome;
        return deps.enforcementLogic.recordOutcome({
          ...base,
          ...(detection === undefined ? {} : { detection }),
          finalState: input.state,
          errorCode: 0,
        });
      }),
      predetect: fromPromise(async ({ input: context }) => {
        const reported: Record<string, string | null> = {};
        for (const { index, root } of predetectionOrder(context.plan)) {
          const base = initialEnforcementContext(memberInput(context, index));
          const { reportedDetection } = await deps.enforcementLogic.predetect(base, root);
          reported[base.policy.Id] = reportedDetection ?? null;
        }
        return reported;
      }),
    },
    effects: {
      announceSkip(context) {
        events.emit(
          {
            phase: "subgraph.skipped",
            details: { reason: context.skipReason ?? "reevaluationNotExpired", hash: context.hash },
          },
          subject(context),
        );
        if (context.skipReason === "reevaluationNotExpired")
          events.emit({ phase: "subgraph.done", details: { hash: context.hash } }, subject(context));
      },
      terminateEarly(context) {
        for (const member of context.plan.members.slice(context.index)) {
          store.clearGrs(context.userId, context.hash, member.policy.Id);
          events.emit(
            { phase: "grs.reset", details: { earlyTermination: true } },
            subject(context, member.policy.Id),
          );
        }
        events.emit({ phase: "reboot.blocking", details: {} }, subject(context));
      },
      finish(context) {
        const now = clock.now();
        store.recordSubgraphEvaluation(context.userId, context.hash, now);
        events.emit(
          { phase: "reevaluation.scheduled", details: { hash: context.hash, at: now } },
          subject(context),
        );
        events.emit({ phase: "subgraph.done", details: { hash: context.hash } }, subject(context));
      },
    },
  };
}
