export { sweepStaleContent } from "./content-sweep.ts";
export * from "./paths.ts";
export type { AppStateRef, ImeStateStore } from "./state-store.ts";
export { createImeStateStore, subgraphHash } from "./state-store.ts";
export { formatImeTimestamp, parseImeTimestamp } from "./timestamps.ts";
