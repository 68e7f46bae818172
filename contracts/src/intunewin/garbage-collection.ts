import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// Streaming gigabytes allocates a 1 MiB Buffer per chunk for ciphertext and compressed data. V8 frees their
// memory only when it collects the small JS wrappers, and it waits until external memory is far past its limit,
// so each thread would hold 100+ MB of dead chunks. Collecting every few dozen MiB keeps peak RSS flat
// (the issue's < 200 MB goal). `gc` is exposed once, the documented way of reaching it from a running process.
setFlagsFromString("--expose-gc");
// A minor GC (scavenge) is enough: the Buffer wrappers of recent chunks are young objects, and it costs
// well under a millisecond where a full collection costs several.
const gc = runInNewContext("gc") as (options?: { type: "minor" | "major" }) => void;

const MINOR_INTERVAL_BYTES = 16 * 1024 * 1024;
const MAJOR_EVERY = 4;

/** Counts bytes that became garbage: a minor GC every ~16 MiB, a full one every ~64 MiB (chunks that lived
 * across a few awaits have been promoted, and only a full collection frees those). */
export function garbageBudget(): (bytes: number) => void {
  let since = 0;
  let minors = 0;
  return (bytes) => {
    since += bytes;
    if (since < MINOR_INTERVAL_BYTES) return;
    since = 0;
    minors += 1;
    gc({ type: minors % MAJOR_EVERY === 0 ? "major" : "minor" });
  };
}
