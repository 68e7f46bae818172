// One subgraph (an app with its dependencies and supersedence relations), as the V3 processor runs it
// (ime.md §1.3.2, §2.8): gate (reboot pending, re-evaluation) → the first look at a dependency root or a
// replace's apps (§11a order) → each member in order → record the re-evaluation time. A hard reboot stops the
// subgraph early and clears GRS for the apps left.
import type { ImpactingApp } from "@imesim/contracts/gateway";
import { assign, setup } from "xstate";
import type { SubgraphSkipReason } from "../events/types.ts";
import {
  type BlockReason,
  blockedParentState,
  type SubgraphMember,
  type SubgraphPlan,
  type Targeting,
} from "./decisions.ts";
import { type EnforcementLogic, enforcementMachine } from "./enforcement-machine.ts";
import type { EnforcementInput, EnforcementResult } from "./enforcement-types.ts";
import { waitingStep } from "./waiting-step.ts";

/** A subgraph to process in one session. */
export interface SubgraphInput {
  readonly plan: SubgraphPlan;
  /** The Win32Apps user key the state lands under (Entra object id or the all-zero device id). */
  readonly userId: string;
  readonly userSid?: string;
  readonly session: number;
  readonly hash: string;
  readonly targeting: Targeting;
  /** True when a user asked for this (available) app, an override of the re-evaluation interval. */
  readonly userRequested: boolean;
}

export interface SubgraphContext extends SubgraphInput {
  readonly index: number;
  readonly results: readonly EnforcementResult[];
  readonly blockReason: BlockReason | undefined;
  /** The relative that stopped the target, which its report names (ime.md §11a Reporting). */
  readonly blockedBy: string | undefined;
  /**
   * Apps the subgraph detected before running its members (ime.md §11a order), by id, with the DetectionState
   * their first delta reported (`Undetectable` for a dependency root the first time), or null.
   */
  readonly predetected: Readonly<Record<string, string | null>>;
  readonly skipReason: SubgraphSkipReason | undefined;
  readonly stoppedForReboot: boolean;
}

/** What a subgraph hands back to the check-in. */
export interface SubgraphOutput {
  readonly results: readonly EnforcementResult[];
  readonly stoppedForReboot: boolean;
  readonly skipped: SubgraphSkipReason | undefined;
}

/** The lookups and effects around the members' enforcements. */
export interface SubgraphLogic {
  /** The logic of the members' enforcements. */
  readonly enforcement: EnforcementLogic;
  /**
   * Steps that are synchronous lookups: run inside the chart's transitions, not as invoked actors (issue 18: an
   * actor per step per app evaluation was most of the chart cost).
   */
  readonly steps: {
    /**
     * The gate (ime.md §1.3.2, §5.3): why the subgraph is skipped, or undefined when it is processed
     * (then it also announces "Processing subgraph with app ids").
     */
    gate(context: SubgraphContext): SubgraphSkipReason | undefined;
  };
  /** The steps run as invoked actors. */
  readonly actors: {
    /**
     * The apps of a subgraph skipped for assignment filters or a userless check-in are still reported, not
     * applicable (ime.md §7.6).
     */
    recordNotApplicable(context: SubgraphContext): Promise<void>;
    /** Writes the NotAttempted state of a parent stopped by a dependency (ime.md §2.8). */
    recordNotAttempted(input: { context: SubgraphContext; state: number }): Promise<EnforcementResult>;
    /** The first look at the apps §11a's orders detect before the members run (predetectionOrder). */
    predetect(context: SubgraphContext): Promise<Record<string, string | null>>;
  };
  readonly effects: {
    announceSkip(context: SubgraphContext): void;
    /** Early termination: clear GRS of the apps not reached (ime.md §5.2). */
    terminateEarly(context: SubgraphContext): void;
    /** Re-evaluation time and the "Done processing subgraph." line. */
    finish(context: SubgraphContext): void;
  };
}

/** A fresh subgraph context for `input`, as the chart starts it (with whatever else the input carries). */
export function initialSubgraphContext<I extends SubgraphInput>(input: I): SubgraphContext & I {
  return {
    ...input,
    index: 0,
    results: [],
    blockReason: undefined,
    blockedBy: undefined,
    predetected: {},
    skipReason: undefined,
    stoppedForReboot: false,
  };
}

const current = (context: SubgraphContext): SubgraphMember | undefined => context.plan.members[context.index];

/**
 * Which members the subgraph detects before running any (ime.md §11a "Order inside a subgraph"), in order, and
 * whether each is a dependency root (first reported `Undetectable`):
 * - supersedence by replace: the old apps, then the new one ("old detection, new detection, …");
 * - auto-install dependencies: the parent first ("parent detection → child detection, download, install →
 *   parent detection, download, install"). A detect-only dependency has no such first look ("child detection,
 *   parent detection, then nothing").
 */
export function predetectionOrder(plan: SubgraphPlan): { index: number; root: boolean }[] {
  const roles = plan.members.map((m) => m.role);
  const replaces = roles.some((r) => r.kind === "superseded" && r.replace);
  const autoDependency = roles.some((r) => r.kind === "dependency" && r.autoInstall);
  const order: { index: number; root: boolean }[] = [];
  if (replaces) {
    roles.forEach((role, index) => {
      if (role.kind === "superseded" && role.replace) order.push({ index, root: false });
    });
  }
  if (replaces || autoDependency) order.push({ index: plan.members.length - 1, root: autoDependency });
  return order;
}

/** ImpactingApps of a member's report: the relatives on its side of each edge (ime.md §11a Reporting). */
function relativesOf(context: SubgraphContext, member: SubgraphMember): ImpactingApp[] {
  const type = (kind: "dependency" | "superseded") => (kind === "dependency" ? 0 : 1);
  if (member.role.kind !== "target") {
    // A blocked parent names the relative that stopped it; otherwise each names its parent.
    return [{ AppId: member.role.parentId, RelationshipType: type(member.role.kind) }];
  }
  const targetId = member.policy.Id.toLowerCase();
  const direct = context.plan.members.filter(
    (m) => m.role.kind !== "target" && m.role.parentId.toLowerCase() === targetId,
  );
  const blocker = context.plan.members.find(
    (m) => m.policy.Id.toLowerCase() === context.blockedBy?.toLowerCase(),
  );
  const named = blocker === undefined ? direct : [blocker];
  return named.map((m) => ({
    AppId: m.policy.Id,
    RelationshipType: type(m.role.kind === "target" ? "dependency" : m.role.kind),
  }));
}

/** The enforcement input for the member being processed. */
export function memberInput(context: SubgraphContext, index = context.index): EnforcementInput {
  const member = context.plan.members[index]!;
  const role = member.role;
  const reported = context.predetected[member.policy.Id];
  const relatives = relativesOf(context, member);
  const superseded = context.plan.members.flatMap((m) =>
    m.role.kind === "superseded" && role.kind === "target"
      ? [{ policy: m.policy, replace: m.role.replace }]
      : [],
  );
  const mode =
    role.kind === "dependency"
      ? role.autoInstall
        ? "install"
        : "detectOnly"
      : role.kind === "superseded"
        ? role.replace
          ? "uninstall"
          : "detectOnly"
        : context.targeting === "uninstall"
          ? "uninstall"
          : "install";
  return {
    policy: member.policy,
    userId: context.userId,
    ...(context.userSid === undefined ? {} : { userSid: context.userSid }),
    session: context.session,
    hash: context.hash,
    targeting: context.targeting,
    mode,
    targetingMethod: role.kind === "target" ? 0 : 1,
    ...(role.kind === "target" ? {} : { relation: role.kind }),
    ...(relatives.length === 0 ? {} : { relatives }),
    ...(reported === undefined ? {} : { predetected: true }),
    ...(reported === undefined || reported === null ? {} : { reportedDetection: reported }),
    ...(superseded.length === 0 ? {} : { superseded }),
  };
}

/** How a finished member affects its parent. */
function blockFrom(member: SubgraphMember, result: EnforcementResult): BlockReason | undefined {
  if (member.role.kind === "superseded") {
    const failed = result.enforcementState >= 5000 && result.enforcementState < 6000;
    return member.role.replace && failed ? "supersededUninstallFailed" : undefined;
  }
  if (member.role.kind !== "dependency") return undefined;
  if (result.applicability !== 0 && !result.detected) return "dependencyNotApplicable";
  if (!member.role.autoInstall) return result.detected ? undefined : "detectOnlyMissing";
  return result.enforcementState >= 5000 && result.enforcementState < 6000 ? "dependencyFailed" : undefined;
}

/**
 * What starts a subgraph: the subgraph, and the device's logic the chart's steps call. The chart is built once per
 * process (issue 18: building it per device cost more than running it); the logic rides in the context.
 */
export interface SubgraphChartInput extends SubgraphInput {
  readonly logic: SubgraphLogic;
}

/** The chart's context: the subgraph's, and the device's logic. */
type SubgraphChartContext = SubgraphContext & { readonly logic: SubgraphLogic };

/** The subgraph chart; each actor gets its device's logic in its input. */
export const subgraphMachine = setup({
  types: {
    context: {} as SubgraphChartContext,
    input: {} as SubgraphChartInput,
    output: {} as SubgraphOutput,
  },
  actors: {
    enforcement: enforcementMachine,
    recordNotApplicable: waitingStep<void, SubgraphChartContext>((input) =>
      input.logic.actors.recordNotApplicable(input),
    ),
    recordNotAttempted: waitingStep<EnforcementResult, { context: SubgraphChartContext; state: number }>(
      (input) => input.context.logic.actors.recordNotAttempted(input),
    ),
    predetect: waitingStep<Record<string, string | null>, SubgraphChartContext>((input) =>
      input.logic.actors.predetect(input),
    ),
  },
  guards: {
    skipped: ({ context }) => context.skipReason !== undefined,
    reportedNotApplicable: ({ context }) =>
      context.skipReason === "assignmentFilters" || context.skipReason === "userNotLoggedIn",
    allMembersDone: ({ context }) => context.index >= context.plan.members.length,
    parentBlocked: ({ context }) =>
      current(context)?.role.kind === "target" && context.blockReason !== undefined,
    rebootPending: ({ context }) => context.results.at(-1)?.rebootPending === true,
    // Only dependencies and replacing supersedence detect apps first (§11a order): a lone app goes straight on,
    // without a predetect actor that would find nothing to do (issue 18: 4,500 of them in a month of 50 apps).
    nothingToPredetect: ({ context }) => predetectionOrder(context.plan).length === 0,
  },
  actions: {
    gate: assign({ skipReason: ({ context }) => context.logic.steps.gate(context) }),
    announceSkip: ({ context }) => context.logic.effects.announceSkip(context),
    terminateEarly: ({ context }) => context.logic.effects.terminateEarly(context),
    finish: ({ context }) => context.logic.effects.finish(context),
  },
}).createMachine({
  id: "subgraph",
  context: ({ input }) => initialSubgraphContext(input),
  initial: "gating",
  states: {
    gating: {
      entry: "gate",
      always: [
        { guard: "reportedNotApplicable", target: "recordingNotApplicable" },
        { guard: "skipped", target: "skipped" },
        { guard: "nothingToPredetect", target: "processing" },
        { target: "predetecting" },
      ],
    },
    recordingNotApplicable: {
      invoke: { src: "recordNotApplicable", input: ({ context }) => context, onDone: "skipped" },
    },
    predetecting: {
      invoke: {
        src: "predetect",
        input: ({ context }) => context,
        onDone: { target: "processing", actions: assign({ predetected: ({ event }) => event.output }) },
      },
    },
    processing: {
      always: [
        { guard: "allMembersDone", target: "finishing" },
        { guard: "parentBlocked", target: "recordingNotAttempted" },
        { target: "enforcing" },
      ],
    },
    enforcing: {
      invoke: {
        src: "enforcement",
        input: ({ context }) => ({ ...memberInput(context), logic: context.logic.enforcement }),
        onDone: {
          target: "advancing",
          actions: assign(({ context, event }) => {
            const reason = context.blockReason ?? blockFrom(current(context)!, event.output);
            return {
              results: [...context.results, event.output],
              blockReason: reason,
              blockedBy:
                context.blockedBy ?? (reason === undefined ? undefined : current(context)!.policy.Id),
            };
          }),
        },
      },
    },
    recordingNotAttempted: {
      invoke: {
        src: "recordNotAttempted",
        input: ({ context }) => ({
          context,
          state: blockedParentState(context.blockReason ?? "dependencyFailed"),
        }),
        onDone: {
          target: "advancing",
          actions: assign(({ context, event }) => ({ results: [...context.results, event.output] })),
        },
      },
    },
    advancing: {
      always: [
        {
          guard: "rebootPending",
          target: "terminated",
          actions: [
            assign({ index: ({ context }) => context.index + 1, stoppedForReboot: true }),
            "terminateEarly",
          ],
        },
        { target: "processing", actions: assign({ index: ({ context }) => context.index + 1 }) },
      ],
    },
    finishing: { entry: "finish", always: "done" },
    skipped: { entry: "announceSkip", type: "final" },
    terminated: { type: "final" },
    done: { type: "final" },
  },
  output: ({ context }) => ({
    results: context.results,
    // A pending restart stops the session whether it came from this subgraph or an earlier check-in
    // ("A restart is required to continue processing apps. Stop processing.", ime.md §1.3.2, §5.4).
    stoppedForReboot: context.stoppedForReboot || context.skipReason === "restartRequired",
    skipped: context.skipReason,
  }),
});

/** The subgraph chart's type, for invoking it from the check-in chart. */
export type SubgraphMachine = typeof subgraphMachine;
