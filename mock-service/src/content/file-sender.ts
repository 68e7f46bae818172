import { closeSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import type { FastifyReply } from "fastify";

/** How a byte range goes out: the plain case, or with the content faults and bandwidth cap applied. */
export interface SendPlan {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
  /** File offset whose byte is flipped on the way out. */
  readonly corruptOffset?: number;
  /** Stop after this many body bytes: end the body cleanly ("truncate") or destroy the connection ("drop"). */
  readonly stopAfter?: { readonly bytes: number; readonly how: "truncate" | "drop" };
  /** Cap on bytes per second; 0 or absent = unlimited. */
  readonly bytesPerSecond?: number;
}

// Reads go into a few reused buffers, each written to the socket and recycled when the write has
// flushed: memory per download stays at bufferCount × bufferBytes, with no per-chunk allocation
// or stream machinery between disk and socket (about twice the throughput of a read stream).
// Buffers are made only when a read needs one, no larger than what is left to send: a fleet's small
// packages would otherwise allocate 2 MiB per download and keep the garbage collector busy.
const bufferBytes = 512 * 1024;
const bufferCount = 4;

// A range up to this size is read with synchronous calls: a fleet's packages are a few KiB, and for those the
// thread-pool round trips and FileHandle objects of an asynchronous open, read and close cost far more than the
// reads themselves (a large share of the mock's time per download in bench/fleet.bench.ts). A blob lands by
// rename (blob-store.ts), so either way the reader sees one whole file.
const syncReadLimit = 64 * 1024;

/** Positional reads of one open file, and closing it. */
interface RangeSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** Reads from bytes already in memory, copied out so a corrupt fault's flipped byte never reaches them. */
function memorySource(bytes: Buffer): RangeSource {
  return {
    read: async (buffer, offset, length, position) => ({
      bytesRead: bytes.copy(buffer, offset, position, Math.min(bytes.length, position + length)),
    }),
    close: async () => {},
  };
}

async function openSource(path: string | Buffer, rangeBytes: number): Promise<RangeSource> {
  if (typeof path !== "string") return memorySource(path);
  if (rangeBytes > syncReadLimit) return open(path, "r");
  const fd = openSync(path, "r");
  return {
    read: async (buffer, offset, length, position) => ({
      bytesRead: readSync(fd, buffer, offset, length, position),
    }),
    close: async () => closeSync(fd),
  };
}

/**
 * Writes `[start, end]` of the file at `path` (or of the file's bytes, when the caller holds them) as the
 * response body, after the status and headers already set on `reply`. Takes over the response from Fastify
 * (hijack), so it must be the last thing a handler does.
 */
export async function sendFileRange(
  reply: FastifyReply,
  path: string | Buffer,
  plan: SendPlan,
): Promise<void> {
  const response = reply.raw;
  if (typeof path !== "string" && plainPlan(plan)) {
    // Bytes in memory with no fault or cap to apply go out as one write of the range itself: the loop below
    // reads into a buffer of its own so it can flip a byte or pace the reads, which such a send never does
    // (issue 18: a fleet's every download).
    reply.hijack();
    response.writeHead(reply.statusCode, reply.getHeaders() as Record<string, string>);
    if (response.destroyed) return;
    // As below: a receiver that holds what it was given is waited for before the end.
    if (!response.write(path.subarray(plan.start, plan.end + 1)) && !response.destroyed)
      await drained(response);
    if (!response.destroyed) response.end();
    return;
  }
  const handle = await openSource(path, plan.end - plan.start + 1);
  reply.hijack();
  response.writeHead(reply.statusCode, reply.getHeaders() as Record<string, string>);
  const free: Buffer[] = [];
  let made = 0;
  const waiting: (() => void)[] = [];
  const limit = plan.stopAfter === undefined ? Number.POSITIVE_INFINITY : plan.start + plan.stopAfter.bytes;
  const last = Math.min(plan.end, limit - 1);
  const bufferSize = Math.max(1, Math.min(bufferBytes, last - plan.start + 1));
  const began = Date.now();
  let position = plan.start;
  let closed = false;
  response.once("close", () => {
    closed = true;
    for (const wake of waiting.splice(0)) wake();
  });
  try {
    while (position <= last && !closed) {
      let buffer = free.pop();
      if (buffer === undefined && made < bufferCount) {
        buffer = Buffer.allocUnsafe(bufferSize);
        made += 1;
      }
      while (buffer === undefined && !closed) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        buffer = free.pop();
      }
      if (buffer === undefined) break;
      const { bytesRead } = await handle.read(buffer, 0, Math.min(bufferSize, last - position + 1), position);
      if (bytesRead === 0) break;
      const corrupt = plan.corruptOffset;
      if (corrupt !== undefined && corrupt >= position && corrupt < position + bytesRead) {
        buffer[corrupt - position] = (buffer[corrupt - position] as number) ^ 0xff;
      }
      position += bytesRead;
      if (plan.bytesPerSecond !== undefined && plan.bytesPerSecond > 0) {
        const due = began + ((position - plan.start) / plan.bytesPerSecond) * 1000;
        if (due > Date.now()) await delay(due - Date.now());
      }
      const reusable = buffer;
      const flowing = response.write(reusable.subarray(0, bytesRead), () => {
        free.push(reusable);
        waiting.shift()?.();
      });
      // A receiver that holds what it was given (an in-process inject stream copies each chunk) is waited for
      // here, or a slow reader would find the whole file queued in memory.
      if (!flowing && !closed) await drained(response);
    }
  } catch {
    // Headers are out, so a failed read can only cut the connection; the client sees a short body.
    response.destroy();
    return;
  } finally {
    await handle.close();
  }
  if (closed) return;
  if (plan.stopAfter?.how === "drop" && position > last && last < plan.end) {
    // Let the bytes already written reach the client, then cut the connection mid-body.
    response.once("drain", () => response.socket?.destroy());
    if (!response.writableNeedDrain) setImmediate(() => response.socket?.destroy());
    return;
  }
  response.end();
}

/** Resolves when the response can take more, or is closed. */
function drained(response: FastifyReply["raw"]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.once("drain", done);
    response.once("close", done);
  });
}

/** True when the plan sends its range as it is: no flipped byte, no early stop, no bandwidth cap. */
function plainPlan(plan: SendPlan): boolean {
  return (
    plan.corruptOffset === undefined &&
    plan.stopAfter === undefined &&
    (plan.bytesPerSecond === undefined || plan.bytesPerSecond <= 0)
  );
}
