// How the script workloads ride along with the agent without touching the service chart: they follow the
// service's own events (started → start-up delay and fetch; stopping → everything queued is dropped) and the
// logons and logoffs the agent is told of. An agent whose service client cannot make script calls has none.
import type { Clock } from "../../clock/clock.ts";
import type { ImeEventStream } from "../../events/stream.ts";
import { DEVICE_USER_ID } from "../../events/types.ts";
import type { ScriptRunner } from "../../host/scripts/script-runner.ts";
import type { Host } from "../../host/types.ts";
import type { TokenProvider } from "../../service-client/token-provider.ts";
import type { ImeServiceClient } from "../../service-client/types.ts";
import type { LoggedOnUser } from "../service-machine.ts";
import { SYNCCOMPLIANCE_MONIKER } from "./compliance-run.ts";
import { createScriptWorkloads } from "./script-workload.ts";

export interface ScriptHookDeps {
  readonly events: ImeEventStream;
  readonly clock: Clock;
  readonly host: Host;
  readonly serviceClient: ImeServiceClient;
  readonly tokens: TokenProvider;
  readonly runner: ScriptRunner;
  readonly users: readonly LoggedOnUser[];
  readonly utcOffsetMinutes: number;
  /** An Entra-registered device skips user-context scripts (ime.md §11b). */
  readonly entraRegistered?: boolean;
}

/** A trigger the agent received, as far as sessions go. */
type SessionTrigger = { readonly logon: LoggedOnUser } | { readonly logoff: string } | string | object;

/** Wires the workloads to the agent's event stream; undefined when the client has no script calls. */
export function startScriptWorkloads(deps: ScriptHookDeps) {
  const scriptSession = deps.serviceClient.scriptSession?.bind(deps.serviceClient);
  if (scriptSession === undefined) return undefined;
  const users = new Map(deps.users.map((user) => [user.userId.toLowerCase(), user]));
  const workloads = createScriptWorkloads({
    events: deps.events,
    clock: deps.clock,
    host: deps.host,
    runner: deps.runner,
    service: { scriptSession },
    tokens: deps.tokens,
    sessions: () => [
      { userId: DEVICE_USER_ID, userSid: "" },
      ...[...users.values()].map((user) => ({ userId: user.userId, userSid: user.userSid })),
    ],
    utcOffsetMinutes: deps.utcOffsetMinutes,
    entraRegistered: deps.entraRegistered === true,
  });
  const unsubscribe = deps.events.subscribe((event) => {
    if (event.phase === "service.started") workloads.start();
    else if (event.phase === "service.stopping") workloads.stop();
  });
  return {
    observe(trigger: SessionTrigger): void {
      if (trigger === "synccompliance" || trigger === SYNCCOMPLIANCE_MONIKER) workloads.syncCompliance();
      if (typeof trigger !== "object") return;
      if ("logon" in trigger) users.set(trigger.logon.userId.toLowerCase(), trigger.logon);
      else if ("logoff" in trigger) users.delete(trigger.logoff.toLowerCase());
    },
    failure: workloads.failure,
    dispose(): void {
      unsubscribe();
      workloads.stop();
    },
  };
}
