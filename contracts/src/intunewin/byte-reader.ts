import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";

/** Sequential reads over an async stream of chunks: exact reads, bounded sub-streams and skips. */
export class ByteReader {
  #iterator: AsyncIterator<Buffer>;
  #pending: Buffer = Buffer.alloc(0);
  #ended = false;
  position = 0;

  constructor(source: AsyncIterable<Buffer>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  async #fill(): Promise<boolean> {
    if (this.#ended) return false;
    const { value, done } = await this.#iterator.next();
    if (done === true) {
      this.#ended = true;
      return false;
    }
    this.#pending = this.#pending.length === 0 ? value : Buffer.concat([this.#pending, value]);
    return true;
  }

  /** Exactly `length` bytes, or a truncation error. */
  async readExact(length: number): Promise<Buffer> {
    while (this.#pending.length < length) {
      if (!(await this.#fill())) {
        throw new ImesimError(
          IntunewinErrorCode.innerZipInvalid,
          `content zip ends early at byte ${this.position + this.#pending.length}`,
        );
      }
    }
    const out = this.#pending.subarray(0, length);
    this.#pending = this.#pending.subarray(length);
    this.position += length;
    return out;
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
