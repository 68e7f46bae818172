import { createWriteStream } from "node:fs";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createInflateRaw } from "node:zlib";
import { ImesimError, isImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";
import { type RandomAccessSource, readRange } from "./random-access.ts";

/** Where a deflated outer-zip entry lies and the most bytes it may inflate to. */
export interface BoundedInflate {
  readonly source: RandomAccessSource;
  readonly offset: number;
  readonly compressedSize: number;
  /** The entry's name in messages. */
  readonly name: string;
  /** The smallest size anything trusted says the entry has; one byte more is refused. */
  readonly limit: number;
  /** Says where the limit comes from, for the message. */
  readonly limitReason: string;
}

/** Passes chunks through until `limit` bytes have passed, and fails on the first byte beyond. */
function byteLimit(limit: number, onExceeded: () => ImesimError): Transform {
  let passed = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      passed += chunk.length;
      if (passed > limit) {
        callback(onExceeded());
        return;
      }
      callback(null, chunk);
    },
  });
}

/**
 * Inflates a deflated outer-zip entry to `target`, writing at most `entry.limit` bytes: a 1 MB package whose
 * content entry inflates to gigabytes stops at the bound instead of filling the temp folder first.
 */
export async function inflateEntryToFile(entry: BoundedInflate, target: string): Promise<void> {
  const { source, name, limit } = entry;
  await pipeline(
    Readable.from(readRange(source, entry.offset, entry.compressedSize)),
    // Inflate output is chunked; a 64 KiB chunk beyond the bound is dropped before it reaches the disk.
    createInflateRaw({ chunkSize: 64 << 10 }),
    byteLimit(
      limit,
      () =>
        new ImesimError(
          IntunewinErrorCode.zipBomb,
          `${name} inflates beyond ${limit} bytes (${entry.limitReason}); stopped there`,
          { path: name },
        ),
    ),
    createWriteStream(target),
  ).catch((error: unknown) => {
    if (isImesimError(error)) throw error;
    throw new ImesimError(
      IntunewinErrorCode.zipCorrupt,
      `${name} does not inflate (${(error as Error).message})`,
    );
  });
}
