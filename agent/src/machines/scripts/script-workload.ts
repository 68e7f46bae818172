// The IME's PowerShell workload (ime.md §6, §11b): it starts with the service, waits the workload start-up
// delay ("Delaying PS and Win32 app workload checkins by 147 s", ime.md §1.3.11), fetches the script
// policies for the device and every logged-on user, runs the due platform scripts and reports them, hands
// the remediations to their runner, and fetches again every 8 hours (S12: "fetched at an agent start or
// restart and otherwise every 8 hours"; the hourly Win32 check-ins fetch no script policy).
import {
  type ComplianceScriptResult,
  type HealthScriptPolicy,
  parseComplianceScriptPolicies,
  parseHealthScriptPolicies,
  parsePlatformScriptPolicies,
  type ScriptResult,
} from "@imesim/contracts/gateway";
import { type Actor, assign, createActor, setup } from "xstate";
import type { Clock } from "../../clock/clock.ts";
import type { ScriptWorkload } from "../../events/script-events.ts";
import type { ImeEventStream } from "../../events/stream.ts";
import type { CheckinReasonName } from "../../events/types.ts";
import type { ScriptRunner } from "../../host/scripts/script-runner.ts";
import type { Host } from "../../host/types.ts";
import { createScriptState } from "../../ime/scripts/script-state.ts";
import { callService, type TokenProvider } from "../../service-client/token-provider.ts";
import type { ImeServiceClient, ScriptSessionRequest } from "../../service-client/types.ts";
import { STARTUP_DELAY_WIN32_MS } from "../decisions.ts";
import { waitingStep } from "../waiting-step.ts";
import { runComplianceScripts } from "./compliance-run.ts";
import { runPlatformScripts } from "./platform-scripts.ts";
import { createRemediationScheduler, type RemediationEntry } from "./remediation-scheduler.ts";
import type { ScriptSession } from "./script-session.ts";

/** The request type each workload fetches its policies with (GetComplianceScript is imesim's). */
const FETCH_TYPE = {
  platform: "PolicyRequest",
  health: "GetScript",
  compliance: "GetComplianceScript",
} as const;

/** How often the script policies are fetched while the service runs (S12). */
export const SCRIPT_POLICY_INTERVAL_MS = 8 * 3_600_000;

export interface ScriptWorkloadDeps {
  readonly events: ImeEventStream;
  readonly clock: Clock;
  readonly host: Host;
  readonly runner: ScriptRunner;
  readonly service: Required<Pick<ImeServiceClient, "scriptSession">>;
  readonly tokens: TokenProvider;
  /** The device session and the logged-on users' sessions, as they are now. */
  readonly sessions: () => readonly ScriptSession[];
  readonly utcOffsetMinutes: number;
  /** The device is Entra registered, not joined: user-context scripts are skipped (ime.md §11b). */
  readonly entraRegistered?: boolean;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The workload's chart: start-up delay → fetch → wait 8 h → fetch …; stopping the actor stops it. */
export function createScriptWorkloadMachine(fetchAndRun: (reason: CheckinReasonName) => Promise<void>) {
  return setup({
    types: { context: {} as { reason: CheckinReasonName } },
    actors: { fetch: waitingStep<void, CheckinReasonName>(fetchAndRun) },
    delays: { startupDelay: STARTUP_DELAY_WIN32_MS, policyInterval: SCRIPT_POLICY_INTERVAL_MS },
  }).createMachine({
    id: "scriptWorkload",
    context: { reason: "AgentRestart" },
    initial: "delayingStartup",
    states: {
      delayingStartup: { after: { startupDelay: "fetching" } },
      fetching: {
        invoke: {
          src: "fetch",
          input: ({ context }) => context.reason,
          onDone: "waiting",
          onError: "waiting",
        },
      },
      waiting: {
        entry: assign({ reason: "MaintenanceTimer" }),
        after: { policyInterval: "fetching" },
      },
    },
  });
}

/** The platform-script and remediation workloads of one agent. */
export function createScriptWorkloads(deps: ScriptWorkloadDeps) {
  const { events, clock, service, tokens } = deps;
  const state = createScriptState(deps.host.registry);
  let failure: unknown;
  const fail = (error: unknown): void => {
    failure ??= error;
  };
  const call = (request: Omit<ScriptSessionRequest, "token">) =>
    callService(tokens, clock, (token) => service.scriptSession({ ...request, token }));
  const upload = async (
    workload: ScriptWorkload,
    userId: string,
    results: readonly (ScriptResult | ComplianceScriptResult)[],
  ) => {
    try {
      await call({
        userId,
        contentType: workload === "compliance" ? "ComplianceScriptResult" : "PolicyResult",
        payload: JSON.stringify(results),
        reason: "Unknown",
      });
      events.emit({ phase: "scripts.reported", details: { workload, count: results.length } }, { userId });
    } catch (error) {
      events.emit(
        { phase: "scripts.reportFailed", details: { workload, message: message(error) } },
        { userId },
      );
    }
  };
  const execution = { host: deps.host, clock, events, runner: deps.runner, state };
  const remediations = createRemediationScheduler({
    ...execution,
    utcOffsetMinutes: deps.utcOffsetMinutes,
    upload: (userId, results) => upload("health", userId, results),
    fail,
  });

  const fetchList = async <T>(
    workload: ScriptWorkload,
    session: ScriptSession,
    reason: CheckinReasonName,
    parse: (text: string) => T[],
    idOf: (item: T) => string,
  ): Promise<T[] | undefined> => {
    const subject = { userId: session.userId };
    events.emit({ phase: "scripts.requesting", details: { workload } }, subject);
    try {
      const text = await call({
        userId: session.userId,
        contentType: FETCH_TYPE[workload],
        payload: "[]",
        reason,
      });
      const list = parse(text ?? "[]");
      events.emit({ phase: "scripts.received", details: { workload, policyIds: list.map(idOf) } }, subject);
      return list;
    } catch (error) {
      events.emit(
        { phase: "scripts.requestFailed", details: { workload, message: message(error) } },
        subject,
      );
      return undefined;
    }
  };

  // Bumped at every start and stop: a fetch still in flight when the service stopped does nothing more.
  let epoch = 0;
  let running = false;
  // Custom compliance in the device session (compliance-run.ts says when and why).
  const checkCompliance = async (reason: CheckinReasonName): Promise<void> => {
    const device = deps.sessions().find((s) => s.userSid === "");
    if (device === undefined) return;
    const policies = await fetchList(
      "compliance",
      device,
      reason,
      parseComplianceScriptPolicies,
      (p) => p.PolicyId,
    );
    if (policies === undefined || policies.length === 0) return;
    const results = await runComplianceScripts(execution, device, policies);
    await upload("compliance", device.userId, results);
  };
  const fetchAndRun = async (reason: CheckinReasonName): Promise<void> => {
    const mine = epoch;
    try {
      const entries: RemediationEntry[] = [];
      for (const session of deps.sessions()) {
        if (mine !== epoch) return;
        // A user-context script needs a user: the userless session never runs one (the service sends it only
        // to user sessions; a list that still holds one is filtered here) [our choice].
        // On an Entra-registered device a user session downloads user-context policies and skips each with
        // the IME's own line (S12 "Join type": "This is not AADJ/HAADJ device, skip user context").
        const runnable = <T extends { RunAsAccount: string; PolicyId: string }>(
          list: T[],
          workload: ScriptWorkload,
        ) => {
          if (session.userSid === "") return list.filter((p) => p.RunAsAccount !== "user");
          if (deps.entraRegistered !== true) return list;
          for (const policy of list.filter((p) => p.RunAsAccount === "user"))
            events.emit(
              { phase: "scripts.userContextSkipped", details: { workload, policyId: policy.PolicyId } },
              { userId: session.userId },
            );
          return list.filter((p) => p.RunAsAccount !== "user");
        };
        const platform = await fetchList(
          "platform",
          session,
          reason,
          (text) => runnable(parsePlatformScriptPolicies(text), "platform"),
          (p) => p.PolicyId,
        );
        if (platform !== undefined && platform.length > 0) {
          const results = await runPlatformScripts(execution, session, platform);
          if (results.length > 0) await upload("platform", session.userId, results);
        }
        const health = await fetchList(
          "health",
          session,
          reason,
          (text) => runnable(parseHealthScriptPolicies(text), "health"),
          (p: HealthScriptPolicy) => p.PolicyId,
        );
        for (const policy of health ?? []) entries.push({ session, policy });
      }
      if (mine === epoch) remediations.replace(entries);
      if (mine === epoch) await checkCompliance(reason);
    } catch (error) {
      fail(error);
      throw error;
    }
  };

  const machine = createScriptWorkloadMachine(fetchAndRun);
  let actor: Actor<typeof machine> | undefined;
  return {
    /** The service started: the workload begins its start-up delay. */
    start(): void {
      epoch += 1;
      running = true;
      actor?.stop();
      actor = createActor(machine, { clock });
      actor.start();
    },
    /** The service stops: timers, the fetch cadence and the queued remediation run are gone. */
    stop(): void {
      epoch += 1;
      running = false;
      actor?.stop();
      actor = undefined;
      remediations.stop();
    },
    /**
     * `intunemanagementextension://synccompliance` (ime.md §8): evaluates custom compliance now, also
     * during the start-up delay; nothing while the service is stopped (the moniker starts no service).
     */
    syncCompliance(): void {
      if (!running) return;
      // Someone asked for it: an on-demand check-in, as the syncapp moniker's (ime.md §6 CheckinReason).
      checkCompliance("OnDemand").catch(fail);
    },
    /** The first error that stopped a run (a script nothing answers, a bug), if any. */
    failure: (): unknown => failure,
  };
}

export type ScriptWorkloads = ReturnType<typeof createScriptWorkloads>;
