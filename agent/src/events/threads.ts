// The managed thread each step is logged on. Real logs show the poller and the Delivery Optimization
// callbacks on different worker threads (e.g. 15, 26, 52), not one (ime.md §11a Other). Which ids a
// device uses varies; ours are fixed per kind of work so a run is reproducible [I].
import type { ImePhase } from "./types.ts";

/** The service's own start/stop work. */
const SERVICE_THREAD = 1;
/** The application poller: check-ins, sessions, subgraphs, enforcement. */
const POLLER_THREAD = 15;
/** Delivery Optimization's job callbacks: progress and completion. */
const DO_CALLBACK_THREAD = 26;
/** The status service answering the Company Portal. */
const STATUS_THREAD = 52;

/** The thread a phase's lines carry when the step names none. */
export function threadOf(phase: ImePhase): number {
  if (phase.startsWith("service.")) return SERVICE_THREAD;
  if (phase === "download.progress" || phase === "download.completed" || phase === "download.failed")
    return DO_CALLBACK_THREAD;
  if (phase === "report.sent") return STATUS_THREAD;
  return POLLER_THREAD;
}
