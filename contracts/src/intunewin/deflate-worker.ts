// Worker thread: compresses one chunk of a file as part of a longer raw-deflate stream.
// Non-final chunks end with a sync flush (byte-aligned, not final) so chunks concatenate into one valid
// stream; priming with the previous 32 KiB keeps the ratio close to a single-threaded deflate (pigz's method).
import { parentPort } from "node:worker_threads";
import { constants, crc32, deflateRawSync } from "node:zlib";

export interface DeflateJob {
  id: number;
  data: Uint8Array;
  dictionary: Uint8Array | undefined;
  final: boolean;
  level: number;
}

export interface DeflateResult {
  id: number;
  compressed: Uint8Array;
  crc: number;
  length: number;
}

parentPort?.on("message", (job: DeflateJob) => {
  const compressed = deflateRawSync(job.data, {
    level: job.level,
    finishFlush: job.final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
    ...(job.dictionary === undefined ? {} : { dictionary: job.dictionary }),
  });
  const result: DeflateResult = { id: job.id, compressed, crc: crc32(job.data), length: job.data.length };
  const transfer = compressed.byteOffset === 0 && compressed.byteLength === compressed.buffer.byteLength;
  parentPort?.postMessage(result, transfer ? [compressed.buffer as ArrayBuffer] : []);
});
