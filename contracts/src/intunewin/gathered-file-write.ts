import { open } from "node:fs/promises";
import { releaseNow } from "./chunk-ledger.ts";

/**
 * Bytes per write: few system calls and thread-pool round trips (issue 18: "large aligned writes"), but not too
 * large: on the 2-core VM the kernel's copy into the page cache (copy_folio_from_iter_atomic in `perf`) took 1-2%
 * of the 411 MiB unpack's CPU with 64 or 256 KiB writes and 20-26% with 1 or 4 MiB ones.
 */
const WRITE_SIZE = 256 << 10;

/**
 * Writes a stream of chunks to a new file (`wx`: never over something already there) by copying them into two
 * buffers of its own that take turns: one is written while the other fills. Each chunk is done with once copied,
 * which is what lets the extraction release it when the next one is asked for (ContentSink.releasesChunks), and
 * stored deflate blocks (64 KiB views) reach the disk in 256 KiB writes instead of one write each. The copy is
 * a memcpy, a small cost next to the allocation and collection of the chunks it lets go.
 */
export async function writeGathered(path: string, size: number, data: AsyncIterable<Buffer>): Promise<void> {
  const handle = await open(path, "wx");
  const capacity = Math.min(WRITE_SIZE, Math.max(1, size));
  const buffers = [Buffer.allocUnsafe(capacity), Buffer.allocUnsafe(capacity)];
  const writing: (Promise<void> | undefined)[] = [undefined, undefined];
  let turn = 0;
  let filled = 0;
  let position = 0;
  const writeAll = async (bytes: Buffer, at: number): Promise<void> => {
    for (let done = 0; done < bytes.length; ) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, at + done);
      done += bytesWritten;
    }
  };
  const flush = async (): Promise<void> => {
    const full = buffers[turn] as Buffer;
    const write = writeAll(full.subarray(0, filled), position);
    // Observed now, thrown where it is awaited: a failure while the other buffer fills is not "unhandled".
    write.catch(() => {});
    writing[turn] = write;
    position += filled;
    filled = 0;
    turn ^= 1;
    // The other buffer is filled next: its write must be done first.
    await writing[turn];
  };
  try {
    for await (const chunk of data) {
      for (let at = 0; at < chunk.length; ) {
        const copied = Math.min(capacity - filled, chunk.length - at);
        (buffers[turn] as Buffer).set(chunk.subarray(at, at + copied), filled);
        filled += copied;
        at += copied;
        if (filled === capacity) await flush();
      }
    }
    if (filled > 0) await flush();
    await Promise.all(writing);
  } finally {
    // A failed write leaves the other one to settle before the handle closes (its rejection is the one thrown).
    await Promise.allSettled(writing);
    await handle.close();
    for (const buffer of buffers) releaseNow(buffer);
  }
}
