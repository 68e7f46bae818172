// The lookups and effects of a check-in: token, app lists per session, planning, status upload.
import { Intent, TargetType } from "@imesim/contracts/enums";
import type { Win32AppResult } from "@imesim/contracts/gateway";
import { type DecodedImePolicy, parsePolicies } from "@imesim/contracts/ime";
import type { Clock } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import { type AppListKind, DEVICE_USER_ID } from "../events/types.ts";
import type { CheckinIntervalCache } from "../ime/checkin-interval-cache.ts";
import { type ImeStateStore, subgraphHash } from "../ime/state-store.ts";
import { callService, type TokenProvider } from "../service-client/token-provider.ts";
import type { ImeServiceClient } from "../service-client/types.ts";
import type { CheckinContext, CheckinLogic, CheckinSession } from "./checkin-machine.ts";
import { planSubgraphs, type Targeting } from "./decisions.ts";
import type { SubgraphInput, SubgraphLogic } from "./subgraph-machine.ts";

/** How often a full status report goes out; the real cadence is not documented (ime.md §9 [?]), we choose daily. */
export const FULL_REPORT_INTERVAL_MS = 24 * 3_600_000;

export interface CheckinDeps {
  readonly events: ImeEventStream;
  readonly store: ImeStateStore;
  readonly clock: Clock;
  readonly service: ImeServiceClient;
  readonly tokens: TokenProvider;
  readonly subgraph: SubgraphLogic;
  /** The subgraph logic's skip for a re-evaluation not yet due, run without a subgraph chart (CheckinLogic). */
  readonly notDue?: CheckinLogic["notDue"];
  /** The subgraph logic's evaluation of a lone app that settles without content, run without its charts. */
  readonly inPlace?: CheckinLogic["inPlace"];
  /** Where the service's CheckinIntervalMinutes is kept for the next timer (ime.md §6). */
  readonly checkinIntervalCache?: CheckinIntervalCache;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A user's session evaluates device- and user-targeted apps together; the userless session only
 * device-targeted ones (ime.md §11a Sessions). The target decides, not each member: a dependency arrives
 * untargeted (TargetType 0, ime.md §2.8) and installs with its parent.
 */
function belongsToSession(policy: DecodedImePolicy, session: CheckinSession): boolean {
  return session.isUser || policy.TargetType !== TargetType.User;
}

/** Whose state an app's subgraph keeps: the user's for user-targeted apps, the device's otherwise (ime.md §4.1). */
function stateOwner(policy: DecodedImePolicy, session: CheckinSession): string {
  return policy.TargetType === TargetType.User ? session.userId : DEVICE_USER_ID;
}

const targetingOf = (policy: DecodedImePolicy): Targeting =>
  policy.Intent === Intent.Available
    ? "available"
    : policy.Intent === Intent.Uninstall
      ? "uninstall"
      : "required";

/** Builds the check-in chart's logic. */
export function createCheckinLogic(deps: CheckinDeps): CheckinLogic {
  const { events, store, clock, service, tokens } = deps;
  const resultsFor = (userId: string, appIds: readonly string[]): Win32AppResult[] => {
    const results: Win32AppResult[] = [];
    for (const appId of appIds) {
      const report = store.readReportingState(userId, appId);
      if (report === undefined) continue;
      const ref = { userId, appId, version: report.InternalVersion };
      results.push({
        ...report,
        UserId: userId,
        ComplianceStateMessage: store.readCompliance(ref) ?? null,
        EnforcementStateMessage: store.readEnforcement(ref) ?? null,
      });
    }
    return results;
  };
  /**
   * A session's subgraphs by the decoded list they were planned from (parsePolicies gives the same array while the text is the same)
   * and the session: planning, hashing and building the inputs again at each hourly check-in gave the same
   * result (issue 18). Only the plain case is kept, one list and no user request; the inputs are read-only.
   */
  const planned = new WeakMap<readonly DecodedImePolicy[], Map<string, readonly SubgraphInput[]>>();
  const sessionKey = (session: CheckinSession) =>
    `${session.session}\u0000${session.userId}\u0000${session.userSid}\u0000${session.isUser}`;
  const sessionOf = (context: CheckinContext): CheckinSession => context.sessions[context.sessionIndex]!;
  const subject = (context: CheckinContext) => ({ userId: sessionOf(context).userId });

  return {
    subgraph: deps.subgraph,
    ...(deps.notDue === undefined ? {} : { notDue: deps.notDue }),
    ...(deps.inPlace === undefined ? {} : { inPlace: deps.inPlace }),
    actors: {
      acquireToken: async () => {
        await tokens.get();
      },
      requestApps: async (context) => {
        const session = sessionOf(context);
        const requested = context.requestedApps.filter(
          (r) => r.userId.toLowerCase() === session.userId.toLowerCase(),
        );
        const kinds: AppListKind[] = requested.length > 0 ? ["required", "available"] : ["required"];
        const byId = new Map<string, DecodedImePolicy>();
        // The list the one request answered, when there was one request: its plan may be known already.
        let only: DecodedImePolicy[] | undefined;
        for (const kind of kinds) {
          events.emit({ phase: "apps.requesting", details: { kind } }, subject(context));
          try {
            const response = await callService(tokens, clock, (token) =>
              service.requestApps({ token, kind, userId: session.userId, reason: context.reason }),
            );
            deps.checkinIntervalCache?.remember(response.checkinIntervalMinutes);
            const policies = parsePolicies(response.policiesJson);
            events.emit(
              {
                phase: "apps.received",
                details: {
                  count: policies.length,
                  session: session.session,
                  policiesJson: response.policiesJson,
                },
              },
              subject(context),
            );
            for (const policy of policies) byId.set(policy.Id.toLowerCase(), policy);
            only = kinds.length === 1 ? policies : undefined;
          } catch (error) {
            events.emit(
              { phase: "apps.requestFailed", details: { kind, message: message(error) } },
              subject(context),
            );
            throw error;
          }
        }
        const known = only === undefined ? undefined : planned.get(only)?.get(sessionKey(session));
        if (known !== undefined) return known;
        const plans = planSubgraphs([...byId.values()]).filter((plan) =>
          belongsToSession(plan.target, session),
        );
        const requestedIds = new Set(requested.map((r) => r.appId.toLowerCase()));
        const subgraphs: SubgraphInput[] = [];
        for (const plan of plans) {
          const targeting = targetingOf(plan.target);
          const userRequested = requestedIds.has(plan.target.Id.toLowerCase());
          // Available apps install only on request (ime.md §5.2: user-initiated).
          if (targeting === "available" && !userRequested) continue;
          const userId = stateOwner(plan.target, session);
          subgraphs.push({
            plan,
            userId,
            // Every app of a user's session runs user-context installs as that user.
            ...(session.isUser ? { userSid: session.userSid } : {}),
            session: session.session,
            hash: subgraphHash(
              userId,
              plan.members.map((m) => ({ id: m.policy.Id, version: m.policy.Version })),
            ),
            targeting,
            userRequested,
          });
        }
        if (only !== undefined) {
          let bySession = planned.get(only);
          if (bySession === undefined) {
            bySession = new Map();
            planned.set(only, bySession);
          }
          bySession.set(sessionKey(session), subgraphs);
        }
        return subgraphs;
      },
      uploadResults: async (context) => {
        // Deltas: everything recorded but not yet delivered, including reports a crash kept from the last
        // run. About daily, or when LastFullReportTimeUtc is gone, a full report of every app (ime.md §9, §4.5).
        // Device-targeted apps keep their state under the device's id whichever session ran them.
        const owners = new Set([DEVICE_USER_ID, ...context.sessions.map((s) => s.userId)]);
        for (const userId of owners) {
          const last = store.lastFullReport(userId);
          const full = last === undefined || clock.now() - last >= FULL_REPORT_INTERVAL_MS;
          const results = resultsFor(
            userId,
            full ? store.reportedApps(userId) : store.pendingReports(userId),
          );
          if (results.length === 0) continue;
          try {
            await callService(tokens, clock, (token) => service.sendResults({ token, userId, results }));
          } catch (error) {
            events.emit({ phase: "report.uploadFailed", details: { message: message(error) } }, { userId });
            throw error;
          }
          store.clearPendingReports(
            userId,
            results.map((r) => r.ApplicationId),
          );
          if (full) store.recordFullReport(userId, clock.now());
        }
      },
    },
    effects: {
      announceStart(context) {
        events.emit({ phase: "checkin.started", details: { reason: context.reason } });
        events.emit({ phase: "poller.started", details: {} });
        events.emit({
          phase: "poller.sessions",
          details: { count: context.sessions.filter((s) => s.isUser).length },
        });
      },
      announceSession(context) {
        const session = sessionOf(context);
        events.emit(
          {
            phase: "poller.sessionStarted",
            details: {
              session: session.session,
              userId: session.userId,
              userSid: session.userSid,
              ...(session.accountName === undefined ? {} : { accountName: session.accountName }),
            },
          },
          subject(context),
        );
      },
      announceSubgraphs(context) {
        if (context.subgraphs.length === 0) {
          const session = sessionOf(context);
          events.emit(
            { phase: "poller.sessionEmpty", details: { session: session.session, userId: session.userId } },
            subject(context),
          );
          return;
        }
        // The session's last check-in time comes before its subgraphs (ime.md §11a); this one is recorded now.
        const owner = sessionOf(context).userId;
        const last = store.readCheckinEvaluation(owner);
        if (last !== undefined)
          events.emit({ phase: "reevaluation.checkinFound", details: { at: last } }, subject(context));
        store.recordCheckinEvaluation(owner, clock.now());
        events.emit(
          { phase: "subgraphs.processing", details: { count: context.subgraphs.length } },
          subject(context),
        );
      },
      completeSession(context) {
        // A session with nothing to do has no Completed line (ime.md §11a Sessions).
        if (context.subgraphs.length === 0 && !context.failed) return;
        const session = sessionOf(context);
        // A session cut short by a restart ends with the reboot line instead (ime.md §11a).
        if (context.stoppedForReboot) {
          events.emit(
            {
              phase: "poller.sessionInterrupted",
              details: { session: session.session, userId: session.userId },
            },
            subject(context),
          );
          return;
        }
        events.emit(
          { phase: "subgraphs.done", details: { count: context.subgraphs.length } },
          subject(context),
        );
        events.emit(
          {
            phase: "poller.sessionCompleted",
            details: { session: session.session, userId: session.userId, userSid: session.userSid },
          },
          subject(context),
        );
      },
      announceStop(context) {
        events.emit({ phase: "poller.stopped", details: {} });
        events.emit({
          phase: "checkin.completed",
          details: { reason: context.reason, failed: context.failed },
        });
      },
    },
  };
}
