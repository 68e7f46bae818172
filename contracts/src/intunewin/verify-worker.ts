import { createHash, createHmac } from "node:crypto";
import { Worker } from "node:worker_threads";
import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";

// The shared control words: chunks written by the main thread, chunks hashed by the worker, how it ends, and a
// counter the main thread bumps on every change the worker waits for; then one length per slot.
const WRITTEN = 0;
const HASHED = 1;
const END = 2;
const SIGNAL = 3;
/** 1 while the worker waits: the main thread wakes it (a futex call) only then, not for every chunk. */
const SLEEPING = 4;
const CONTROL_WORDS = 5;
const END_DIGEST = 1;
const END_CANCELLED = 2;

// The hashes that verify an encrypted content file (intunewin.md §1.3: HMAC-SHA256 over IV ‖ ciphertext, and
// SHA-256 of the plaintext for FileDigest), either inline or on a worker thread of its own while the main thread
// decrypts, inflates and writes. Issue 18's profile: the two hashes were 40% of the main thread's unpack time;
// extractContent puts the MAC on a worker (see workerHashes there for why not the digest too).
// The main thread copies each chunk into a slot of a shared ring and reuses the slot only after the worker has
// hashed it, so the digest is of exactly the plaintext that was extracted, and the MAC of exactly the ciphertext
// that was decrypted. The copy costs far less than the hash (memcpy against SHA-256) and makes no garbage.
// Hand-over is by shared counters (Atomics), not messages: a message per chunk each way cost the main thread more
// than the copy (profile: postMessage 265 ms for 411 MiB on a loaded machine).
// Plain JavaScript in a string for the reason deflate-worker-source.ts gives (no type stripper per isolate).
const HASH_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash, createHmac } = require("node:crypto");
const { ring, control, slots, slotSize, macKey, prefix } = workerData;
const state = new Int32Array(control);
const lengths = new Int32Array(control, ${CONTROL_WORDS * 4});
const hash = macKey === undefined ? createHash("sha256") : createHmac("sha256", macKey);
if (prefix !== undefined) hash.update(prefix);
let hashed = 0;
for (;;) {
  // Read before looking at the work, so a signal given after the look makes the wait below return at once.
  const signal = Atomics.load(state, ${SIGNAL});
  const written = Atomics.load(state, ${WRITTEN});
  if (hashed < written) {
    const slot = hashed % slots;
    hash.update(new Uint8Array(ring, slot * slotSize, lengths[slot]));
    hashed += 1;
    Atomics.store(state, ${HASHED}, hashed);
    Atomics.notify(state, ${HASHED});
    continue;
  }
  const end = Atomics.load(state, ${END});
  if (end === ${END_CANCELLED}) break;
  if (end === ${END_DIGEST}) {
    parentPort.postMessage({ digest: hash.digest() });
    break;
  }
  Atomics.store(state, ${SLEEPING}, 1);
  Atomics.wait(state, ${SIGNAL}, signal);
  Atomics.store(state, ${SLEEPING}, 0);
}
`;

/** A SHA-256 or HMAC-SHA256 fed chunk by chunk; `update` may wait (a worker's ring is full). */
export interface StreamHash {
  update(chunk: Buffer): Promise<void> | undefined;
  digest(): Promise<Buffer>;
  /** Stops a worker (an abort or a failed extraction); idempotent, and a no-op inline. */
  cancel(): Promise<void>;
}

/** What the hash is: HMAC-SHA256 with `macKey`, or SHA-256; `prefix` is hashed first (the IV before ciphertext). */
export interface HashSpec {
  macKey?: Buffer;
  prefix?: Buffer;
}

/** Slots of a worker's ring: enough for the main thread to run ahead while the worker catches up, 4 MiB in all. */
const SLOTS = 4;
const SLOT_SIZE = 1 << 20;
/** Unhashed chunks at which a send wakes the worker (see send); below SLOTS, or a full ring could wait forever. */
const WAKE_AT = 2;

/** Hashes on the calling thread: for small content, where a worker's ~20 ms start-up would cost more. */
export function inlineHash(spec: HashSpec): StreamHash {
  const hash = spec.macKey === undefined ? createHash("sha256") : createHmac("sha256", spec.macKey);
  if (spec.prefix !== undefined) hash.update(spec.prefix);
  return {
    update(chunk) {
      hash.update(chunk);
      return undefined;
    },
    digest: async () => hash.digest(),
    cancel: async () => {},
  };
}

/** Hashes on a worker thread of its own; `name` says in messages whose hash failed. */
export function workerHash(spec: HashSpec, name: string): StreamHash {
  const ring = new SharedArrayBuffer(SLOTS * SLOT_SIZE);
  const control = new SharedArrayBuffer((CONTROL_WORDS + SLOTS) * 4);
  const state = new Int32Array(control);
  const lengths = new Int32Array(control, CONTROL_WORDS * 4);
  const worker = new Worker(HASH_WORKER_SOURCE, {
    eval: true,
    workerData: {
      ring,
      control,
      slots: SLOTS,
      slotSize: SLOT_SIZE,
      macKey: spec.macKey,
      prefix: spec.prefix,
    },
    // Its heap holds a few wrappers and the hash state; the defaults would reserve far more.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
  });
  let failure: ImesimError | undefined;
  let sent = 0;
  let finish: (digest: Buffer) => void = () => {};
  let reject: (error: ImesimError) => void = () => {};
  const finished = new Promise<Buffer>((resolve, fail) => {
    finish = resolve;
    reject = fail;
  });
  // A cancelled hash's digest is never asked for; its rejection must not go unhandled.
  finished.catch(() => {});
  const fail = (message: string): void => {
    failure ??= new ImesimError(
      IntunewinErrorCode.ioFailed,
      `${name}: the hashing worker failed: ${message}`,
    );
    reject(failure);
  };
  worker.once("message", (message: { digest: Uint8Array }) => finish(Buffer.from(message.digest)));
  worker.once("error", (error: Error) => fail(error.message));
  worker.once("exit", (code) => fail(`exited with code ${code}`));
  /** Resolves once a slot is free: the worker has hashed all but SLOTS - 1 of the chunks sent. */
  const slotFree = async (): Promise<void> => {
    for (;;) {
      if (failure !== undefined) throw failure;
      const hashed = Atomics.load(state, HASHED);
      if (sent - hashed < SLOTS) return;
      // A worker that died never counts on; its exit sets `failure`, which the next round sees.
      const wait = Atomics.waitAsync(state, HASHED, hashed, 100);
      if (wait.async) await wait.value;
    }
  };
  const wakeWorker = (): void => {
    // Bumped before SLEEPING is read: a worker about to wait then sees the new SIGNAL and does not sleep.
    Atomics.add(state, SIGNAL, 1);
    if (Atomics.load(state, SLEEPING) === 1) Atomics.notify(state, SIGNAL);
  };
  const send = (chunk: Buffer): void => {
    const slot = sent % SLOTS;
    chunk.copy(Buffer.from(ring, slot * SLOT_SIZE, chunk.length));
    lengths[slot] = chunk.length;
    sent += 1;
    Atomics.store(state, WRITTEN, sent);
    // A sleeping worker is woken once two chunks wait, not for each: a wake is a system call and, on two busy cores,
    // often a switch away from this thread. One chunk left waiting is safe: the next send, or digest or cancel, wakes
    // it, and slotFree waits only with SLOTS (> 2) chunks unhashed.
    if (sent - Atomics.load(state, HASHED) >= WAKE_AT) wakeWorker();
  };
  const stop = async (): Promise<void> => {
    Atomics.store(state, END, END_CANCELLED);
    wakeWorker();
    await worker.terminate();
  };
  return {
    update(chunk) {
      if (failure !== undefined) return Promise.reject(failure);
      if (chunk.length <= SLOT_SIZE && sent - Atomics.load(state, HASHED) < SLOTS) {
        send(chunk);
        return undefined;
      }
      return (async () => {
        for (let at = 0; at < chunk.length; at += SLOT_SIZE) {
          await slotFree();
          send(chunk.subarray(at, at + SLOT_SIZE));
        }
      })();
    },
    async digest() {
      if (failure !== undefined) throw failure;
      Atomics.store(state, END, END_DIGEST);
      wakeWorker();
      const digest = await finished;
      await worker.terminate();
      return digest;
    },
    cancel: stop,
  };
}
