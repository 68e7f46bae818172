import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";

/** Sequential reads over an async stream of chunks: exact reads, bounded sub-streams and skips. */
export class ByteReader {
  #iterator: AsyncIterator<Buffer>;
  #pending: Buffer = Buffer.alloc(0);
  #ended = false;
  readonly #copyReads: boolean;
  position = 0;

  /**
   * With `copyReads`, `readExact` never returns a view of a source chunk: the chunks may be released (chunk-ledger.ts)
   * once taken, and only `take`'s callers keep track of the views they hold.
   */
  constructor(source: AsyncIterable<Buffer>, options: { copyReads?: boolean } = {}) {
    this.#iterator = source[Symbol.asyncIterator]();
    this.#copyReads = options.copyReads === true;
  }

  /** The next chunk of the source, or undefined at its end. */
  async #next(): Promise<Buffer | undefined> {
    if (this.#ended) return undefined;
    const { value, done } = await this.#iterator.next();
    if (done === true) {
      this.#ended = true;
      return undefined;
    }
    return value;
  }

  async #fill(): Promise<boolean> {
    const value = await this.#next();
    if (value === undefined) return false;
    this.#pending = this.#pending.length === 0 ? value : Buffer.concat([this.#pending, value]);
    return true;
  }

  /** Exactly `length` bytes, or a truncation error. */
  async readExact(length: number): Promise<Buffer> {
    if (this.#pending.length < length) {
      // Copy only the bytes asked for: joining the rest to a whole new 1 MiB chunk each time a small read spans
      // two chunks (every chunk, in a content zip of many small files) doubled the memory churned through.
      const parts = [this.#pending];
      let have = this.#pending.length;
      while (have < length) {
        const value = await this.#next();
        if (value === undefined) {
          this.#pending = Buffer.concat(parts, have);
          throw new ImesimError(
            IntunewinErrorCode.innerZipInvalid,
            `content zip ends early at byte ${this.position + have}`,
          );
        }
        const used = Math.min(value.length, length - have);
        parts.push(value.subarray(0, used));
        this.#pending = value.subarray(used);
        have += used;
      }
      this.position += length;
      return Buffer.concat(parts, length);
    }
    const view = this.#pending.subarray(0, length);
    this.#pending = this.#pending.subarray(length);
    this.position += length;
    return this.#copyReads ? Buffer.from(view) : view;
  }

  /** The next `length` bytes as chunks, without buffering them all. */
  async *take(length: number): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      if (this.#pending.length === 0 && !(await this.#fill())) {
        throw new ImesimError(
          IntunewinErrorCode.innerZipInvalid,
          `content zip ends early at byte ${this.position}`,
        );
      }
      const piece = this.#pending.subarray(0, Math.min(left, this.#pending.length));
      this.#pending = this.#pending.subarray(piece.length);
      this.position += piece.length;
      left -= piece.length;
      yield piece;
    }
  }

  /** Skips forward to an absolute position. */
  async skipTo(target: number): Promise<void> {
    for await (const _ of this.take(target - this.position)) {
      // discarded: bytes between entries (data descriptors) are covered by the digest, not needed here
    }
  }

  /** Reads and discards everything left, so the hashes see every byte. */
  async drain(): Promise<void> {
    this.position += this.#pending.length;
    this.#pending = Buffer.alloc(0);
    while (await this.#fill()) {
      this.position += this.#pending.length;
      this.#pending = Buffer.alloc(0);
    }
  }
}
