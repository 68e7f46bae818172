export { type CheckinIntervalCache, createCheckinIntervalCache } from "./checkin-interval-cache.ts";
export { sweepStaleContent } from "./content-sweep.ts";
export * from "./paths.ts";
export type { AppStateRef, ImeStateStore } from "./state-store.ts";
export { createImeStateStore, subgraphHash } from "./state-store.ts";
export { appInstallStatusOf, statusServiceReportOf } from "./status-service-report.ts";
export { formatImeTimestamp, parseImeTimestamp } from "./timestamps.ts";
