// How the inventory collector rides along with the agent without touching the service chart (like the script
// workloads, machines/scripts/agent-hook.ts): it follows the service's started/stopping events and sends its
// syncs through the service client's gateway session call, in the device session. An agent whose service
// client has no session call has no inventory.
import type { Clock } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import { DEVICE_USER_ID } from "../events/types.ts";
import type { Host } from "../host/types.ts";
import { callService, type TokenProvider } from "../service-client/token-provider.ts";
import type { ImeServiceClient } from "../service-client/types.ts";
import { createInventoryCollector } from "./inventory-collector.ts";

export interface InventoryHookDeps {
  readonly events: ImeEventStream;
  readonly clock: Clock;
  readonly host: Host;
  readonly serviceClient: ImeServiceClient;
  readonly tokens: TokenProvider;
}

/** Wires the collector to the agent's event stream; undefined when the client has no session call. */
export function startInventory(deps: InventoryHookDeps) {
  const session = deps.serviceClient.scriptSession?.bind(deps.serviceClient);
  if (session === undefined) return undefined;
  const collector = createInventoryCollector({
    events: deps.events,
    clock: deps.clock,
    registry: deps.host.registry,
    send: (payload) =>
      callService(deps.tokens, deps.clock, (token) =>
        session({
          token,
          // The inventory is the device's: the userless session sends it [our choice; ime.md is silent].
          userId: DEVICE_USER_ID,
          contentType: "ApplicationInventory",
          payload,
          reason: "Unknown",
        }),
      ),
  });
  const unsubscribe = deps.events.subscribe((event) => {
    if (event.phase === "service.started") collector.start();
    else if (event.phase === "service.stopping") collector.stop();
  });
  return {
    failure: collector.failure,
    dispose(): void {
      unsubscribe();
      collector.dispose();
    },
  };
}
