// The four charts as Mermaid pictures, for docs and `imesim explain`. The charts are built without a device: each
// device's logic comes with its input.

import { checkinMachine } from "./checkin-machine.ts";
import { enforcementMachine } from "./enforcement-machine.ts";
import { toMermaid } from "./mermaid.ts";
import { createScriptWorkloadMachine } from "./scripts/script-workload.ts";
import { serviceMachine } from "./service-machine.ts";
import { subgraphMachine } from "./subgraph-machine.ts";

/** The service, check-in, subgraph and enforcement machine objects. */
export function chartMachines() {
  return {
    service: serviceMachine,
    checkin: checkinMachine,
    subgraph: subgraphMachine,
    enforcement: enforcementMachine,
  };
}

/** Mermaid `stateDiagram-v2` text of the service, check-in, subgraph and enforcement charts. */
export function chartDiagrams(): Record<
  "service" | "checkin" | "subgraph" | "enforcement" | "scriptWorkload",
  string
> {
  const { service, checkin, subgraph, enforcement } = chartMachines();
  return {
    service: toMermaid(service),
    checkin: toMermaid(checkin),
    subgraph: toMermaid(subgraph),
    enforcement: toMermaid(enforcement),
    // The PowerShell workload's fetch cadence (issue 16), drawn without its effects.
    scriptWorkload: toMermaid(createScriptWorkloadMachine(async () => {})),
  };
}
