/** What everything time-driven reads: epoch milliseconds, real or virtual (agent/src/clock). */
export interface TimeSource {
  now(): number;
}
