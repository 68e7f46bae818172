import { Transform, type TransformCallback } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";

/** Flips every bit of the byte at file offset `offset` as it passes (offsets count from `start`). */
export function corruptByteAt(offset: number, start: number): Transform {
  let position = start;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (offset >= position && offset < position + chunk.length) {
        const copy = Buffer.from(chunk);
        copy[offset - position] = (copy[offset - position] as number) ^ 0xff;
        position += chunk.length;
        callback(null, copy);
        return;
      }
      position += chunk.length;
      callback(null, chunk);
    },
  });
}

/**
 * Passes the first `limit` bytes, then calls `onLimit` (which ends the body cleanly for a
 * truncation, or destroys the connection for a drop) and swallows the rest.
 */
export function cutAfter(limit: number, onLimit: () => void): Transform {
  let passed = 0;
  let fired = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (passed >= limit) {
        callback();
        return;
      }
      const room = limit - passed;
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      passed += part.length;
      if (passed >= limit && !fired) {
        fired = true;
        this.push(part);
        setImmediate(onLimit);
        callback();
        return;
      }
      callback(null, part);
    },
  });
}

/** Paces the stream to at most `bytesPerSecond`, to model a slow link. */
export function throttle(bytesPerSecond: number): Transform {
  const started = Date.now();
  let sent = 0;
  return new Transform({
    async transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const slice = Math.max(1024, Math.floor(bytesPerSecond / 20));
      for (let offset = 0; offset < chunk.length; offset += slice) {
        const part = chunk.subarray(offset, offset + slice);
        sent += part.length;
        const due = started + (sent / bytesPerSecond) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await delay(wait);
        this.push(part);
      }
      callback();
    },
  });
}
