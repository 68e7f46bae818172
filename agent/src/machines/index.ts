export { createCheckinLogic } from "./checkin-logic.ts";
export type {
  AppRequest,
  CheckinContext,
  CheckinInput,
  CheckinLogic,
  CheckinMachine,
  CheckinOutput,
  CheckinSession,
  SessionResults,
} from "./checkin-machine.ts";
export { checkinMachine } from "./checkin-machine.ts";
export type { DeliverySources } from "./content-download.ts";
export { deliveryFileId, deliveryTelemetry } from "./content-download.ts";
export * from "./decisions.ts";
export { chartDiagrams, chartMachines } from "./diagrams.ts";
export { initialEnforcementContext } from "./enforcement-context.ts";
export type { EnforcementDeps, EnforcementLogicWithRecorder } from "./enforcement-logic.ts";
export { createEnforcementLogic } from "./enforcement-logic.ts";
export type { EnforcementChartInput, EnforcementLogic, EnforcementMachine } from "./enforcement-machine.ts";
export { enforcementMachine } from "./enforcement-machine.ts";
export { imeRestartDelayMs } from "./enforcement-record.ts";
export type {
  EnforcementContext,
  EnforcementInput,
  EnforcementResult,
  ExecutionMode,
} from "./enforcement-types.ts";
export type { ChartStateNode, ChartStructure, ChartTransition } from "./graph-export.ts";
export { chartStructure } from "./graph-export.ts";
export { createIntunewinCodec } from "./intunewin-codec.ts";
export { toMermaid } from "./mermaid.ts";
export type {
  AppEvaluator,
  ApplicabilityOutcome,
  ContentCodec,
  DetectionOutcome,
  EvaluationContext,
  PackageEntry,
} from "./ports.ts";
export { createServiceLogic } from "./service-logic.ts";
export type {
  LoggedOnUser,
  ServiceContext,
  ServiceEvent,
  ServiceLogic,
  ServiceMachine,
} from "./service-machine.ts";
export { DEVICE_SESSION, serviceMachine, sessionsOf } from "./service-machine.ts";
export { createSubgraphLogic } from "./subgraph-logic.ts";
export type {
  SubgraphContext,
  SubgraphInput,
  SubgraphLogic,
  SubgraphMachine,
  SubgraphOutput,
} from "./subgraph-machine.ts";
export { memberInput, subgraphMachine } from "./subgraph-machine.ts";
