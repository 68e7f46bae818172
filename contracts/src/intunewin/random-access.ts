import { open } from "node:fs/promises";
import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";

/** Positional reads over a file or an in-memory buffer, so readers work on both the same way. */
export interface RandomAccessSource {
  readonly size: number;
  readonly name: string;
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
  /**
   * Reads into a caller's buffer, so a long sequential pass can reuse a few buffers instead of allocating (and
   * later collecting) one per chunk. Resolves with the bytes read, fewer only at the end.
   */
  readInto?(target: Buffer, offset: number): Promise<number>;
}

/** A source over bytes already in memory. */
export function bytesSource(bytes: Uint8Array, name = "<bytes>"): RandomAccessSource {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    size: buffer.length,
    name,
    read: async (offset, length) => buffer.subarray(offset, Math.min(offset + length, buffer.length)),
    close: async () => {},
  };
}

/** A source over a file, read with positional reads (no whole-file buffering). */
export async function fileSource(path: string): Promise<RandomAccessSource> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new ImesimError(IntunewinErrorCode.ioFailed, `cannot open ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new ImesimError(IntunewinErrorCode.ioFailed, `${path} is not a regular file`);
  }
  const readInto = async (target: Buffer, offset: number): Promise<number> => {
    const want = Math.max(0, Math.min(target.length, stat.size - offset));
    let done = 0;
    while (done < want) {
      const { bytesRead } = await handle.read(target, done, want - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  };
  return {
    size: stat.size,
    name: path,
    async read(offset, length) {
      const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, stat.size - offset)));
      return buffer.subarray(0, await readInto(buffer, offset));
    },
    readInto,
    close: () => handle.close(),
  };
}

/** Streams `length` bytes from `offset` in chunks (bounded memory). */
export async function* readRange(
  source: RandomAccessSource,
  offset: number,
  length: number,
  chunkSize = 1 << 20,
): AsyncGenerator<Buffer> {
  let position = offset;
  const end = offset + length;
  while (position < end) {
    const chunk = await source.read(position, Math.min(chunkSize, end - position));
    if (chunk.length === 0) {
      throw new ImesimError(
        IntunewinErrorCode.truncated,
        `${source.name} ends at byte ${position}, expected ${end}`,
      );
    }
    position += chunk.length;
    yield chunk;
  }
}
