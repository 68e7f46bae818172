// V8 flags for the commands whose heap behaviour is measured (issues 18, 19). Heap sizes are fixed when the process
// starts, so the bin re-runs itself once with them; the benches start their children so too.
// - `imesim test` streams packages of any size through one process. V8's default young generation (semi-spaces up to
//   16 MiB each) lets some 40 MB of dead chunk wrappers and their buffers pile up between scavenges; a 2 MiB
//   semi-space keeps its peak RSS under 300 MB whatever the package size (issue 19; bench/package-test.bench.ts
//   measured 316 → about 250 MB at 1 GiB, in the same wall time).
// - `imesim run` simulates devices: millions of short-lived objects per simulated month (chart snapshots, log lines,
//   registry values). Node 24's default young generation grows to 128 MiB of new space; scavenging that much costs
//   more CPU than it saves (issue 18: `IMESIM_FLEET_ROWS=1 npm run bench -- fleet`, one device × 50 apps × 30 days,
//   CPU 13.2–16.4 s with `=32` against 10.6–13.6 s with `=11`, same runs). `=11` gives the 32 MiB new space the
//   fleet workers get from `resourceLimits.maxYoungGenerationSizeMb: 32` (e2e/src/run/fleet-workers.ts; both read
//   back as 32 MiB in v8.getHeapSpaceStatistics()), so one device runs alike in `imesim run` and in a fleet worker.
//   The flag is process-wide and wins over a worker's resourceLimits, so it is what sizes the fleet workers' young
//   generation too (fleet-workers.ts: semi-spaces of 32 or 64 MiB scavenged a half or a third as often for no
//   measurable CPU, and cost 60–190 MB more peak RSS at 1,000 devices).
//   And without allocation-site pretenuring: V8 moves an allocation site whose objects mostly survived their first
//   scavenges to allocating straight into the old generation, where only a full collection frees them, and
//   deoptimizes the code that allocates there whenever it changes its mind. A simulated device's objects live for
//   its whole run and then die together when its batch ends; here the guess costs more than it saves: the
//   10,000-device row (issue 18) took 65.00 / 69.08 s and 125.8 / 133.9 s of CPU without it against 71.35 / 72.50 s
//   and 138.7 / 140.6 s with it, alternate runs; one device × 50 apps × 30 days 3.27 / 3.32 s against 3.39 / 3.42 s.
"use strict";

/** The flags, for `node <flags> imesim.js test …`. */
const STREAMING_NODE_FLAGS = ["--max-semi-space-size=2"];

/** The flags, for `node <flags> imesim.js run …` (and the fleet bench, which runs the same code in-process). */
const SIMULATION_NODE_FLAGS = ["--max-semi-space-size=11", "--no-allocation-site-pretenuring"];

/** The flags the command in `argv` runs with. */
function nodeFlagsFor(argv) {
  if (argv[2] === "test") return STREAMING_NODE_FLAGS;
  if (argv[2] === "run") return SIMULATION_NODE_FLAGS;
  return [];
}

/** True when this process was started without the flags `nodeFlagsFor` gives its command. */
function needsNodeFlags(argv, execArgv) {
  return !nodeFlagsFor(argv).every((flag) => execArgv.includes(flag));
}

/** True when this process was started without the flags and the command is one that needs them. */
function needsStreamingFlags(argv, execArgv) {
  return argv[2] === "test" && needsNodeFlags(argv, execArgv);
}

module.exports = {
  STREAMING_NODE_FLAGS,
  SIMULATION_NODE_FLAGS,
  nodeFlagsFor,
  needsNodeFlags,
  needsStreamingFlags,
};
