// V8 flags for the commands that stream packages of any size through one process (`imesim test`). V8's default
// young generation (semi-spaces up to 16 MiB each) lets some 40 MB of dead chunk wrappers and their buffers pile
// up between scavenges; a 2 MiB semi-space keeps `imesim test`'s peak RSS under 300 MB whatever the package size
// (issue 19; bench/package-test.bench.ts measured 316 → about 250 MB at 1 GiB, in the same wall time). Heap sizes
// are fixed when the process starts, so the bin re-runs itself once with them; the bench starts its child so too.
"use strict";

/** The flags, for `node <flags> imesim.js test …`. */
const STREAMING_NODE_FLAGS = ["--max-semi-space-size=2"];

/** True when this process was started without the flags and the command is one that needs them. */
function needsStreamingFlags(argv, execArgv) {
  return argv[2] === "test" && !STREAMING_NODE_FLAGS.every((flag) => execArgv.includes(flag));
}

module.exports = { STREAMING_NODE_FLAGS, needsStreamingFlags };
