// The four charts as Mermaid pictures, for docs and `imesim explain`. Building the logic touches none of
// its dependencies, so the charts can be drawn without a device or a service.

import type { CheckinDeps } from "./checkin-logic.ts";
import { createCheckinLogic } from "./checkin-logic.ts";
import { createCheckinMachine } from "./checkin-machine.ts";
import { createEnforcementLogic, type EnforcementDeps } from "./enforcement-logic.ts";
import { createEnforcementMachine } from "./enforcement-machine.ts";
import { toMermaid } from "./mermaid.ts";
import { createScriptWorkloadMachine } from "./scripts/script-workload.ts";
import { createServiceLogic, type ServiceDeps } from "./service-logic.ts";
import { createServiceMachine } from "./service-machine.ts";
import { createSubgraphLogic, type SubgraphDeps } from "./subgraph-logic.ts";
import { createSubgraphMachine } from "./subgraph-machine.ts";

/** The service, check-in, subgraph and enforcement machine objects, built without effects (for drawing only). */
export function chartMachines() {
  const enforcementLogic = createEnforcementLogic({} as EnforcementDeps);
  const enforcement = createEnforcementMachine(enforcementLogic);
  const subgraph = createSubgraphMachine(
    createSubgraphLogic({ enforcement, enforcementLogic } as SubgraphDeps),
  );
  const checkin = createCheckinMachine(createCheckinLogic({ subgraph } as CheckinDeps));
  const service = createServiceMachine(createServiceLogic({ checkin } as ServiceDeps));
  return { service, checkin, subgraph, enforcement };
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
