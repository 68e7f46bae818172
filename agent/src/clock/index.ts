export type { Clock, TimerHandle } from "./clock.ts";
export { whileHeld } from "./clock.ts";
export { createRealClock, type RealClockOptions } from "./real-clock.ts";
export type { TimeSource } from "./types.ts";
export type { VirtualClock } from "./virtual-clock.ts";
export { createVirtualClock } from "./virtual-clock.ts";
