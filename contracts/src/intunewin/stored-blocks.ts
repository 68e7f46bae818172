import type { ByteReader } from "./byte-reader.ts";

// Deflate's stored blocks (RFC 1951 §3.2.4) hold their bytes as they are: at a byte boundary, one header byte
// (BFINAL in bit 0, BTYPE 00 in bits 1-2, the rest padding), LEN and NLEN (its one's complement), then LEN bytes.
// Packers write incompressible data (installers, archives, media) that way; imesim's packer and .NET's deflater
// both do. Passing those bytes on as views of the plaintext skips zlib's copy into fresh output buffers, which for
// a package of mostly incompressible content was most of unpack's memory churn (issue 18's profile: allocation,
// page faults and garbage collection took more of the main thread than AES). Anything else goes to zlib.

/** The largest stored block; a dictionary of the last 32 KiB of output is all zlib needs to continue. */
const WINDOW = 32 << 10;

/** What the stored-block prefix of a deflate stream came to, for zlib to take over from. */
export interface StoredPrefixEnd {
  /** Compressed bytes read so far (headers and data). */
  consumed: number;
  /** True once a final stored block ended the stream. */
  ended: boolean;
  /** The byte that starts the next, non-stored block (already taken from the reader), if the stream goes on. */
  nextBlockByte?: number;
  /** The last ≤ 32 KiB of output, the window back-references of the next block may reach into. */
  window: Buffer;
}

/**
 * Keeps the last WINDOW bytes of output as views, so building the dictionary copies 32 KiB once, at the end. It
 * also knows the stream position its oldest view starts at: a caller that releases chunks must keep those.
 */
class OutputTail {
  #views: Buffer[] = [];
  #starts: number[] = [];
  #length = 0;

  push(view: Buffer, streamStart: number): void {
    this.#views.push(view);
    this.#starts.push(streamStart);
    this.#length += view.length;
    while (this.#views.length > 1 && this.#length - (this.#views[0]?.length ?? 0) >= WINDOW) {
      this.#length -= this.#views.shift()?.length ?? 0;
      this.#starts.shift();
    }
  }

  /** Where the oldest kept view starts in the stream. */
  get start(): number | undefined {
    return this.#starts[0];
  }

  window(): Buffer {
    const joined = Buffer.concat(this.#views, this.#length);
    return joined.subarray(Math.max(0, joined.length - WINDOW));
  }
}

/**
 * Yields the data of the stored blocks that start a deflate stream of `compressedSize` bytes, as views, and
 * returns where the stored prefix ended. Throws `invalid(reason)` on a malformed stored block. `keeps`, when
 * given, hears the stream position from which views are still kept for the window (it only grows).
 */
export async function* storedPrefix(
  reader: ByteReader,
  compressedSize: number,
  invalid: (reason: string) => Error,
  keeps?: (position: number) => void,
): AsyncGenerator<Buffer, StoredPrefixEnd> {
  const tail = new OutputTail();
  let consumed = 0;
  while (consumed < compressedSize) {
    const first = (await reader.readExact(1))[0] ?? 0;
    consumed += 1;
    if (((first >> 1) & 0b11) !== 0)
      return { consumed, ended: false, nextBlockByte: first, window: tail.window() };
    if (consumed + 4 > compressedSize) throw invalid("a stored block header runs past the entry");
    const lengths = await reader.readExact(4);
    consumed += 4;
    const length = lengths.readUInt16LE(0);
    if ((length ^ lengths.readUInt16LE(2)) !== 0xffff)
      throw invalid("a stored block's LEN and NLEN disagree");
    if (consumed + length > compressedSize) throw invalid("a stored block runs past the entry");
    for await (const view of reader.take(length)) {
      tail.push(view, reader.position - view.length);
      keeps?.(tail.start ?? reader.position);
      yield view;
    }
    consumed += length;
    if ((first & 1) === 1) return { consumed, ended: true, window: tail.window() };
  }
  return { consumed, ended: false, window: tail.window() };
}
