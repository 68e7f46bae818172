// The deflate worker's code, run with `new Worker(source, { eval: true })`. It is plain JavaScript in a string
// on purpose: a .ts worker would load Node's type stripper into every worker isolate (+30 MB each, measured),
// and the codec must stay under 200 MB of peak RSS while it packs gigabytes.
//
// Each job compresses one chunk of a file as part of a longer raw-deflate stream. Non-final chunks end with a
// sync flush (byte-aligned, not final) so chunks concatenate into one valid stream; priming with the previous
// 32 KiB keeps the ratio close to a single-threaded deflate (pigz's method). Chunks whose first 64 KiB do not
// shrink (archives, media, cabinets) are written as stored blocks (level 0) inside the deflate stream: the entry
// is still a Deflate entry as the tool writes it, only the encoder skips a match search that cannot pay off.
// Dead chunk buffers are collected every ~48 MiB (see garbage-collection.ts for why).

import type * as zlib from "node:zlib";

/** What the pool sends: one chunk to compress. */
export interface DeflateJob {
  id: number;
  data: Uint8Array;
  dictionary: Uint8Array | undefined;
  final: boolean;
  level: number;
}

/** What a worker answers. */
export interface DeflateResult {
  id: number;
  compressed: Uint8Array;
  crc: number;
  length: number;
}

/**
 * One job's compression: the workers run it, and so does the inline pool (deflate-pool.ts) for packages too small
 * to be worth a worker, so both write the same bytes. The workers get it as its own source text
 * (`deflateChunk.toString()`), so it must use nothing but its arguments: no imports, no outer names.
 */
export function deflateChunk(zlibModule: typeof zlib, job: Omit<DeflateJob, "id">): Buffer {
  const SAMPLE = 64 * 1024;
  const INCOMPRESSIBLE_RATIO = 0.97;
  let level = job.level;
  if (level !== 0 && job.data.length > SAMPLE) {
    const sample = job.data.subarray(0, SAMPLE);
    if (zlibModule.deflateRawSync(sample, { level: 1 }).length > sample.length * INCOMPRESSIBLE_RATIO)
      level = 0;
  }
  const options: zlib.ZlibOptions = {
    level,
    finishFlush: job.final ? zlibModule.constants.Z_FINISH : zlibModule.constants.Z_SYNC_FLUSH,
  };
  if (job.dictionary !== undefined) options.dictionary = job.dictionary;
  return zlibModule.deflateRawSync(job.data, options);
}

export const DEFLATE_WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const zlib = require("node:zlib");
require("node:v8").setFlagsFromString("--expose-gc");
const collectGarbage = require("node:vm").runInNewContext("gc");
const GC_INTERVAL = 8 * 1024 * 1024;
const JOB_COST = 256 * 1024;
let sinceGc = 0;
let collections = 0;
const deflateChunk = ${deflateChunk.toString()};
parentPort.on("message", (job) => {
  const output = deflateChunk(zlib, job);
  const whole = output.byteOffset === 0 && output.byteLength === output.buffer.byteLength;
  const compressed = whole ? output : new Uint8Array(output);
  parentPort.postMessage({ id: job.id, compressed, crc: zlib.crc32(job.data), length: job.data.length }, [compressed.buffer]);
  sinceGc += Math.max(JOB_COST, job.data.length + output.buffer.byteLength);
  if (sinceGc >= GC_INTERVAL) { sinceGc = 0; collections += 1; collectGarbage({ type: collections % 4 === 0 ? "major" : "minor" }); }
});
`;
