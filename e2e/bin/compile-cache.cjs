// The CLI is TypeScript that Node strips and compiles at every start: ~1.7 s of CPU for `imesim run`'s modules, paid
// again by every fleet worker thread (issue 18). Node keeps what it stripped and compiled in an on-disk cache when
// asked (module.enableCompileCache; NODE_COMPILE_CACHE, which worker threads and restarted processes inherit, since
// a worker starts its own module loader and does not share the caller's switch). `imesim run` of the demo starts in
// 1.05 s instead of 1.55 s from the second run on. The cache sits in the project's node_modules, beside what npm
// installed, not in the temp folder the runs clean up; where it cannot be written Node says so in the status and
// compiles as before. A NODE_COMPILE_CACHE of the user's own, or NODE_DISABLE_COMPILE_CACHE, wins.
"use strict";

const module_ = require("node:module");
const { join } = require("node:path");

/** The project's compile cache folder. */
const COMPILE_CACHE_DIR = join(__dirname, "..", "..", "node_modules", ".cache", "imesim-compile");

/** Turns the cache on for this process and for the threads and processes it starts. */
function useCompileCache() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return;
  if (!process.env.NODE_COMPILE_CACHE) process.env.NODE_COMPILE_CACHE = COMPILE_CACHE_DIR;
  module_.enableCompileCache(process.env.NODE_COMPILE_CACHE);
}

module.exports = { COMPILE_CACHE_DIR, useCompileCache };
