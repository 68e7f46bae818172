// The lookups and effects around a subgraph: the gate (reboot, filters, re-evaluation with its override
// conditions), early termination and the re-evaluation schedule.
import {
  Applicability,
  DetectionType,
  EnforcementState,
  ExtendedRequirementType,
  RunAs,
} from "@imesim/contracts/enums";
import type { Clock } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import type { SubgraphSkipReason } from "../events/types.ts";
import type { ImeStateStore } from "../ime/state-store.ts";
import {
  DEFAULT_REEVALUATION_MINUTES,
  GRS_WINDOW_MS,
  grsAllowsEnforcement,
  grsVerdict,
  reevaluationDue,
} from "./decisions.ts";
import { initialEnforcementContext } from "./enforcement-context.ts";
import type { EnforcementLogicWithRecorder, KnownEvaluation } from "./enforcement-logic.ts";
import type { EnforcementResult } from "./enforcement-types.ts";
import type { ApplicabilityOutcome } from "./ports.ts";
import {
  initialSubgraphContext,
  memberInput,
  predetectionOrder,
  type SubgraphContext,
  type SubgraphInput,
  type SubgraphLogic,
} from "./subgraph-machine.ts";

/** What the subgraph logic reads and writes. */
export interface SubgraphDeps {
  readonly store: ImeStateStore;
  readonly events: ImeEventStream;
  readonly clock: Clock;
  readonly enforcementLogic: EnforcementLogicWithRecorder;
}

/** Assignment filters excluded the device (ime.md §7.6: Applicability 1010). */
const FILTERED_OUT = 1010;

/**
 * An override condition of the re-evaluation interval (ime.md §5.3): a user request, an app the IME
 * has no finished state for (new, changed, or interrupted mid-flight), or a failed app whose GRS ran out.
 */
function overrideApplies(context: SubgraphInput, store: ImeStateStore, now: number): boolean {
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

/** The subgraph logic, with the check-in's fast path for subgraphs whose re-evaluation is not due. */
export interface SubgraphLogicWithSkip extends SubgraphLogic {
  /**
   * When the subgraph would be skipped only because its re-evaluation interval has not expired (ime.md §5.3),
   * the time it was last evaluated; undefined when the subgraph chart has to run (or skip it for another reason).
   * Reads only: nothing is written or emitted.
   */
  notDueSince(input: SubgraphInput): number | undefined;
  /** What the subgraph chart emits for that skip, in the same order: processing, found, skipped, done. */
  skipNotDue(input: SubgraphInput, last: number): void;
  /**
   * For a lone app (no dependencies or supersedence) that is due, not skipped, and whose enforcement ends without
   * content (already in its desired state, not applicable, or held by GRS): its detection and requirement check,
   * evaluated here without their lines. Undefined otherwise, and when a detection or requirement script would
   * run (a script runs once, where the chart runs it). Reads only.
   */
  settledEvaluation(input: SubgraphInput): KnownEvaluation | undefined;
  /**
   * The subgraph and enforcement charts' run for such an app, as plain steps with the same lines and writes in
   * the same order: the gate, the enforcement (EnforcementLogicWithRecorder.settleInPlace), the re-evaluation
   * time. `known` is settledEvaluation's, taken just before.
   */
  reevaluateInPlace(
    input: SubgraphInput,
    known: KnownEvaluation,
  ): { readonly results: readonly EnforcementResult[]; readonly stoppedForReboot: boolean };
}

/** Builds the subgraph chart's logic. */
export function createSubgraphLogic(deps: SubgraphDeps): SubgraphLogicWithSkip {
  const { store, events, clock } = deps;
  const intervalMinutes = (context: SubgraphInput) =>
    context.plan.target.ReevaluationInterval ?? DEFAULT_REEVALUATION_MINUTES;
  const subject = (context: SubgraphInput, appId?: string) => ({
    userId: context.userId,
    ...(appId === undefined ? {} : { appId }),
  });
  const announceProcessing = (context: SubgraphInput): void => {
    events.emit(
      {
        phase: "subgraph.processing",
        details: { appIds: context.plan.members.map((m) => m.policy.Id), hash: context.hash },
      },
      subject(context),
    );
  };
  const announceFound = (context: SubgraphInput, last: number): void => {
    events.emit({ phase: "reevaluation.found", details: { hash: context.hash, at: last } }, subject(context));
  };
  const announceSkip = (context: SubgraphInput, reason: SubgraphSkipReason | undefined): void => {
    events.emit(
      {
        phase: "subgraph.skipped",
        details: { reason: reason ?? "reevaluationNotExpired", hash: context.hash },
      },
      subject(context),
    );
    if (reason === "reevaluationNotExpired")
      events.emit({ phase: "subgraph.done", details: { hash: context.hash } }, subject(context));
  };
  /** The skips decided before the subgraph is bracketed with its `Processing subgraph` line. */
  const earlySkip = (context: SubgraphInput): SubgraphSkipReason | undefined => {
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
    return undefined;
  };
  const skipReason = (context: SubgraphContext): SubgraphSkipReason | undefined => {
    const early = earlySkip(context);
    if (early !== undefined) return early;
    // From here the subgraph is processed, or skipped for its re-evaluation interval; either way the
    // IME brackets it with `Processing subgraph with app ids` … `Done processing subgraph.` (ime.md §11a GRS).
    announceProcessing(context);
    const now = clock.now();
    const last = store.readSubgraphEvaluation(context.userId, context.hash);
    if (last !== undefined) announceFound(context, last);
    if (reevaluationDue(last, now, intervalMinutes(context))) return undefined;
    return overrideApplies(context, store, now) ? undefined : "reevaluationNotExpired";
  };
  // The same decision as skipReason, without its lines: most subgraphs of an hourly check-in are not due, and
  // the check-in skips those without starting a subgraph chart (issue 18: actor start-up dominated).
  const notDueSince = (context: SubgraphInput): number | undefined => {
    if (context.userRequested || earlySkip(context) !== undefined) return undefined;
    const last = store.readSubgraphEvaluation(context.userId, context.hash);
    const now = clock.now();
    if (reevaluationDue(last, now, intervalMinutes(context))) return undefined;
    return overrideApplies(context, store, now) ? undefined : last;
  };
  const finish = (context: SubgraphContext): void => {
    const now = clock.now();
    store.recordSubgraphEvaluation(context.userId, context.hash, now);
    events.emit(
      { phase: "reevaluation.scheduled", details: { hash: context.hash, at: now } },
      subject(context),
    );
    events.emit({ phase: "subgraph.done", details: { hash: context.hash } }, subject(context));
  };
  const terminateEarly = (context: SubgraphContext): void => {
    for (const member of context.plan.members.slice(context.index)) {
      store.clearGrs(context.userId, context.hash, member.policy.Id);
      events.emit(
        { phase: "grs.reset", details: { earlyTermination: true } },
        subject(context, member.policy.Id),
      );
    }
    events.emit({ phase: "reboot.blocking", details: {} }, subject(context));
  };
  /** The enforcement context of a lone app's member, as the subgraph chart hands it to the enforcement chart. */
  const loneMemberContext = (context: SubgraphContext) => initialEnforcementContext(memberInput(context));
  return {
    notDueSince,
    skipNotDue(context, last) {
      announceProcessing(context);
      announceFound(context, last);
      announceSkip(context, "reevaluationNotExpired");
    },
    settledEvaluation(input) {
      const member = input.plan.members[0];
      if (input.plan.members.length !== 1 || member?.role.kind !== "target") return undefined;
      const { policy } = member;
      if (policy.DetectionRule.some((rule) => rule.DetectionType === DetectionType.Script)) return undefined;
      if (earlySkip(input) !== undefined) return undefined;
      // An app never enforced is nearly always about to install: reading it ahead would only repeat the chart's
      // detection and requirement check (the chart writes the same lines either way).
      const ref = { userId: input.userId, appId: policy.Id, version: policy.Version };
      if (store.readEnforcement(ref) === undefined) return undefined;
      const context = loneMemberContext(initialSubgraphContext(input));
      const detection = deps.enforcementLogic.detectQuietly(context);
      // The enforcement chart's routing and deciding, read ahead.
      if (detection.errorCode !== undefined) return undefined;
      const uninstall = context.mode === "uninstall";
      if (detection.detected !== uninstall) return { detection };
      let applicability: ApplicabilityOutcome | undefined;
      if (!uninstall) {
        if (policy.ExtendedRequirementRules.some((rule) => rule.Type === ExtendedRequirementType.Script))
          return undefined;
        applicability = deps.enforcementLogic.checkApplicabilityQuietly(context);
        if (applicability.applicability !== 0) return { detection, applicability };
      }
      const grs = grsVerdict(
        store.readGrs(input.userId, input.hash, policy.Id),
        clock.now(),
        input.targeting,
      );
      if (grsAllowsEnforcement(grs)) return undefined;
      return applicability === undefined ? { detection } : { detection, applicability };
    },
    reevaluateInPlace(input, known) {
      // gating → (nothing to predetect) processing → enforcing → advancing → processing → finishing.
      const started = initialSubgraphContext(input);
      const reason = skipReason(started);
      const gated = { ...started, skipReason: reason };
      if (reason !== undefined) {
        announceSkip(gated, reason);
        return { results: [], stoppedForReboot: reason === "restartRequired" };
      }
      const result = deps.enforcementLogic.settleInPlace(loneMemberContext(gated), known);
      const advanced = { ...gated, results: [result], index: gated.index + 1 };
      if (result.rebootPending) {
        terminateEarly(advanced);
        return { results: advanced.results, stoppedForReboot: true };
      }
      finish(advanced);
      return { results: advanced.results, stoppedForReboot: false };
    },
    enforcement: deps.enforcementLogic,
    steps: { gate: skipReason },
    actors: {
      recordNotApplicable: async (context) => {
        const reason = context.skipReason;
        if (reason === "assignmentFilters") {
          // Filtered-out apps are reported not applicable, Applicability 1010 (ime.md §7.6).
          for (const index of context.plan.members.keys()) {
            const base = initialEnforcementContext(memberInput(context, index));
            deps.enforcementLogic.recordOutcome({
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
            deps.enforcementLogic.recordOutcome({
              ...base,
              applicability: {
                applicability: Applicability.UserContextAppNotSupportedDuringDeviceOnlyCheckin,
                lines: [],
              },
              finalState: EnforcementState.RequirementsNotMet,
            });
          }
        }
      },
      recordNotAttempted: async (input) => {
        const base = initialEnforcementContext(memberInput(input.context));
        // The parent is detected, then nothing ("child detection, parent detection, then nothing", ime.md
        // §11a), unless the subgraph looked at it first.
        const detection =
          base.predetected === true ? undefined : deps.enforcementLogic.predetect(base, false).outcome;
        return deps.enforcementLogic.recordOutcome({
          ...base,
          ...(detection === undefined ? {} : { detection }),
          finalState: input.state,
          errorCode: 0,
        });
      },
      predetect: async (context) => {
        const reported: Record<string, string | null> = {};
        for (const { index, root } of predetectionOrder(context.plan)) {
          const base = initialEnforcementContext(memberInput(context, index));
          const { reportedDetection } = deps.enforcementLogic.predetect(base, root);
          reported[base.policy.Id] = reportedDetection ?? null;
        }
        return reported;
      },
    },
    effects: {
      announceSkip(context) {
        announceSkip(context, context.skipReason);
      },
      terminateEarly,
      finish,
    },
  };
}
