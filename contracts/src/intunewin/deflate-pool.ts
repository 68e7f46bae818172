import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import * as zlib from "node:zlib";
import { ImesimError } from "../errors/index.ts";
import {
  DEFLATE_WORKER_SOURCE,
  type DeflateJob,
  type DeflateResult,
  deflateChunk,
} from "./deflate-worker-source.ts";
import { IntunewinErrorCode } from "./error-codes.ts";

const WORKER_YOUNG_GENERATION_MB = 8;

/** A few worker threads compressing chunks in parallel; results come back through promises. */
export interface DeflatePool {
  readonly size: number;
  deflate(
    data: Buffer,
    dictionary: Buffer | undefined,
    final: boolean,
    level: number,
  ): Promise<DeflateResult>;
  close(): Promise<void>;
}

/**
 * Starts `threads` deflate workers. The default leaves one core to the main thread, which encrypts, MACs and
 * hashes the stream at the same time, so every core works and none is oversubscribed (on 2 cores: 1 worker).
 */
export function createDeflatePool(threads = Math.max(1, availableParallelism() - 1)): DeflatePool {
  const count = Math.max(1, threads);
  const workers: Worker[] = [];
  const load: number[] = [];
  const waiting = new Map<
    number,
    { resolve: (r: DeflateResult) => void; reject: (e: unknown) => void; worker: number }
  >();
  let nextId = 0;
  let failure: unknown;
  for (let index = 0; index < count; index += 1) {
    const worker = new Worker(DEFLATE_WORKER_SOURCE, {
      eval: true,
      // A worker keeps only small wrappers on its heap (chunk bytes are external), yet thousands of tiny files
      // grow its young generation to V8's default limit; a small one keeps pack's RSS flat in the file count.
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.on("message", (result: DeflateResult) => {
      const pending = waiting.get(result.id);
      if (pending === undefined) return;
      waiting.delete(result.id);
      load[pending.worker] = (load[pending.worker] ?? 1) - 1;
      pending.resolve(result);
    });
    worker.on("error", (error) => {
      failure = error;
      for (const pending of waiting.values()) pending.reject(error);
      waiting.clear();
    });
    workers.push(worker);
    load.push(0);
  }
  return {
    size: count,
    deflate(data, dictionary, final, level) {
      if (failure !== undefined) {
        return Promise.reject(
          new ImesimError(
            IntunewinErrorCode.ioFailed,
            `deflate worker failed: ${(failure as Error).message}`,
          ),
        );
      }
      // Least-loaded worker; ties go to the lowest index, which keeps jobs spread evenly.
      let target = 0;
      for (let index = 1; index < count; index += 1)
        if ((load[index] ?? 0) < (load[target] ?? 0)) target = index;
      load[target] = (load[target] ?? 0) + 1;
      const id = nextId++;
      const job: DeflateJob = { id, data, dictionary, final, level };
      return new Promise<DeflateResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject, worker: target });
        const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
        workers[target]?.postMessage(job, whole ? [data.buffer as ArrayBuffer] : []);
      });
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/**
 * A pool with no workers: each chunk is compressed on the calling thread, with the workers' code. For packages
 * of a few KiB (a scenario's inline files), where a round trip to a worker costs more than the deflate and leaves
 * this thread idle while it waits; the bytes are the ones a worker pool writes.
 */
export function createInlineDeflatePool(): DeflatePool {
  let nextId = 0;
  return {
    size: 1,
    async deflate(data, dictionary, final, level) {
      const compressed = deflateChunk(zlib, { data, dictionary, final, level });
      return { id: nextId++, compressed, crc: zlib.crc32(data), length: data.length };
    },
    async close() {},
  };
}
