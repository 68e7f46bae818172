// Frees the memory of streamed chunks as soon as nothing uses them any more, instead of leaving it to V8.
// Issue 18's profile of the 411 MiB unpack: every decrypted and every inflated chunk is a fresh 1 MiB allocation
// whose memory V8 gives back only when it collects the small JS wrapper; the forced collections that kept RSS under
// 200 MB and the page faults of ever-new memory cost the main thread more than AES did. Detaching an ArrayBuffer
// (ArrayBuffer.prototype.transfer) releases its memory at once, and the next allocation of the same size reuses
// it warm: in a micro-benchmark, decrypting 305 MiB in 1 MiB chunks took 415 ms of CPU kept for V8 and 126 ms freed.
// A detached buffer reads as zero bytes long, so a use after free is an empty view, never foreign memory.

/**
 * Releases a chunk's memory now. Only buffers that own their whole ArrayBuffer beyond Buffer's shared pool are
 * released: a pooled small Buffer shares its memory with unrelated ones.
 */
export function releaseNow(chunk: Uint8Array): void {
  const { buffer } = chunk;
  if (!(buffer instanceof ArrayBuffer) || buffer.detached || buffer.byteLength <= Buffer.poolSize) return;
  buffer.transfer(0);
}

/** A reader of the stream that still needs the bytes from `position` on. */
export interface LedgerHold {
  /** The reader no longer needs bytes before `position` (positions only grow). */
  move(position: number): void;
  /** The reader needs nothing more. */
  release(): void;
}

/**
 * The plaintext chunks of one streaming pass, with the stream positions they end at, and the readers that may
 * still hold views of them. A chunk is released once the stream's own reader has taken all of it and every hold
 * has moved past its end. After `stop` (a failure: zlib may still be reading an input it was given) nothing more
 * is released and V8 collects what is left.
 */
export class ChunkLedger {
  #chunks: { chunk: Buffer; end: number }[] = [];
  #first = 0;
  #holds = new Set<{ position: number }>();
  #stopped = false;
  readonly #taken: () => number;

  /** `taken` says how far the stream's reader has taken bytes (views it hands out are covered by holds). */
  constructor(taken: () => number) {
    this.#taken = taken;
  }

  /** Records a chunk of the stream that ends at `end` (the stream position after its last byte). */
  add(chunk: Buffer, end: number): void {
    this.#chunks.push({ chunk, end });
    this.#sweep();
  }

  hold(position: number): LedgerHold {
    const hold = { position };
    this.#holds.add(hold);
    return {
      move: (next) => {
        hold.position = next;
        this.#sweep();
      },
      release: () => {
        this.#holds.delete(hold);
        this.#sweep();
      },
    };
  }

  stop(): void {
    this.#stopped = true;
    this.#chunks = [];
    this.#holds.clear();
  }

  #sweep(): void {
    if (this.#stopped) return;
    let floor = this.#taken();
    for (const hold of this.#holds) floor = Math.min(floor, hold.position);
    while (this.#first < this.#chunks.length) {
      const entry = this.#chunks[this.#first] as { chunk: Buffer; end: number };
      if (entry.end > floor) break;
      releaseNow(entry.chunk);
      this.#first += 1;
    }
    if (this.#first > 64 && this.#first * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#first);
      this.#first = 0;
    }
  }
}
