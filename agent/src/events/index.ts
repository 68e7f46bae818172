export type {
  HealthCheckType,
  HealthEventBody,
  HealthOverallState,
  HealthRemediation,
} from "./health-events.ts";
export type { EventSubject, ImeEventListener, ImeEventStream } from "./stream.ts";
export { createEventStream, recordEvents } from "./stream.ts";
export type {
  AppListKind,
  CheckinReasonName,
  DeliveryTelemetry,
  ExecutionIntent,
  GrsVerdict,
  ImeEvent,
  ImeEventBody,
  ImeEventEnvelope,
  ImeEventOf,
  ImePhase,
  ReportDelta,
  ReturnCodeWord,
  SubgraphSkipReason,
} from "./types.ts";
export { DEVICE_USER_ID } from "./types.ts";
