// The remediation runner (ime.md §11b; S12): after each policy fetch a run is queued 5 minutes later
// ("Job is queued and will be scheduled to run at ..."); at a run every remediation that is due runs, one
// after another (a slow script holds the others); then the runner sleeps until the next one is due. A
// service stop discards the queue (S12: "Restarting IME before then discards the queued run"). Hourly
// schedules drift: the interval counts from the previous run and is rounded up to the runner's poll (S12 saw
// cycles 60–66 minutes apart; remediation-schedule.ts RUNNER_POLL_MS).
import type { HealthScriptPolicy, ScriptResult } from "@imesim/contracts/gateway";
import type { TimerHandle } from "../../clock/clock.ts";
import { type RemediationDeps, runRemediation } from "./remediation-run.ts";
import { nextRunAt, roundUpToPoll } from "./remediation-schedule.ts";
import type { ScriptSession } from "./script-session.ts";

/** Delay between a policy fetch and the remediation run it queues (S12). */
export const REMEDIATION_QUEUE_DELAY_MS = 5 * 60_000;

/** One remediation of one session. */
export interface RemediationEntry {
  readonly session: ScriptSession;
  readonly policy: HealthScriptPolicy;
}

export interface RemediationSchedulerDeps extends RemediationDeps {
  readonly utcOffsetMinutes: number;
  /** Uploads one session's results (PolicyResult). */
  upload(userId: string, results: readonly ScriptResult[]): Promise<void>;
  /** Called with an error that stopped a run (a script nobody scripted, a bug): the agent reports it. */
  fail(error: unknown): void;
}

/** The runner of one agent: replace the entries at each fetch, stop with the service. */
export function createRemediationScheduler(deps: RemediationSchedulerDeps) {
  let entries: readonly RemediationEntry[] = [];
  let timer: TimerHandle | undefined;
  let generation = 0;
  // The runner's polls fall every RUNNER_POLL_MS from the queued run of the latest fetch.
  let pollAnchor = 0;

  const dueAt = (entry: RemediationEntry): number | null => {
    const last = deps.state.lastRemediationRun(
      entry.session.userId,
      entry.policy.PolicyId,
      entry.policy.PolicyVersion,
    );
    const at = nextRunAt(entry.policy.Schedule, last, deps.clock.now(), deps.utcOffsetMinutes);
    // Only a repeating hourly cycle waits for the poll; daily and run-once times are kept to the second (S12).
    return at !== null && entry.policy.Schedule.Type === "Hourly" && last !== undefined
      ? roundUpToPoll(at, pollAnchor)
      : at;
  };

  const announce = (entry: RemediationEntry, next: number | null): void => {
    const { policy, session } = entry;
    deps.events.emit(
      {
        phase: "remediation.scheduled",
        details: {
          policyId: policy.PolicyId,
          version: policy.PolicyVersion,
          schedule: policy.Schedule.Type,
          interval: policy.Schedule.Interval,
          time: policy.Schedule.Time,
          date: policy.Schedule.Date,
          useUtc: policy.Schedule.UseUtc,
          lastRunAt:
            deps.state.lastRemediationRun(session.userId, policy.PolicyId, policy.PolicyVersion) ?? null,
          nextRunAt: next,
        },
      },
      { userId: session.userId },
    );
  };

  const setTimer = (at: number, run: () => void): void => {
    deps.clock.clearTimeout(timer);
    timer = deps.clock.setTimeout(run, Math.max(0, at - deps.clock.now()));
  };

  const cycle = async (mine: number): Promise<void> => {
    const results = new Map<string, ScriptResult[]>();
    for (const entry of entries) {
      if (mine !== generation) return;
      const due = dueAt(entry);
      if (due === null || due > deps.clock.now()) continue;
      const result = await runRemediation(deps, entry.session, entry.policy);
      results.set(entry.session.userId, [...(results.get(entry.session.userId) ?? []), result]);
      announce(entry, dueAt(entry));
    }
    for (const [userId, list] of results) await deps.upload(userId, list);
    if (mine !== generation) return;
    const next = entries
      .map(dueAt)
      .filter((at): at is number => at !== null)
      .reduce<number | undefined>(
        (soonest, at) => (soonest === undefined ? at : Math.min(soonest, at)),
        undefined,
      );
    if (next !== undefined) setTimer(next, () => start(mine));
  };

  const start = (mine: number): void => {
    cycle(mine).catch((error: unknown) => deps.fail(error));
  };

  return {
    /** A policy fetch: the session entries it brought replace the old ones, and a run is queued. */
    replace(next: readonly RemediationEntry[]): void {
      generation += 1;
      entries = next;
      if (entries.length === 0) {
        deps.clock.clearTimeout(timer);
        return;
      }
      for (const entry of entries) announce(entry, dueAt(entry));
      const at = deps.clock.now() + REMEDIATION_QUEUE_DELAY_MS;
      pollAnchor = at;
      deps.events.emit({ phase: "remediation.queued", details: { at } });
      const mine = generation;
      setTimer(at, () => start(mine));
    },
    /** The service stops: the queue is gone. */
    stop(): void {
      generation += 1;
      deps.clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}

export type RemediationScheduler = ReturnType<typeof createRemediationScheduler>;
