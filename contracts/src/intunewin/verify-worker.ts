import { Worker } from "node:worker_threads";
import { ImesimError } from "../errors/index.ts";
import type { DecodedEncryptionInfo } from "./detection-xml.ts";
import type { CryptoVerdict } from "./encrypted-content.ts";
import { IntunewinErrorCode } from "./error-codes.ts";
import type { RandomAccessSource } from "./random-access.ts";

// The checks of an encrypted content file — HMAC over IV ‖ ciphertext, and AES-256-CBC decryption followed by
// SHA-256 of the plaintext (intunewin.md §1.3) — on a worker thread, while the main thread decrypts the same
// ciphertext again only to inflate and write it. Issue 18's profile: the two hashes were 40% of the main thread's
// unpack time; a second decryption costs a fifth of that (AES-NI), so on two cores the checks cost no wall time.
// Both threads see the very same bytes: the main thread reads each chunk once into a slot of a shared ring and
// reuses the slot only after the worker is done with it, so what was verified is exactly what was extracted.
// Plain JavaScript in a string for the reason deflate-worker-source.ts gives (no type stripper per isolate).
const VERIFY_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createDecipheriv, createHash, createHmac } = require("node:crypto");
require("node:v8").setFlagsFromString("--expose-gc");
const collectGarbage = require("node:vm").runInNewContext("gc");
const { ring, slotSize, macKey, encryptionKey, iv } = workerData;
const hmac = createHmac("sha256", macKey).update(iv);
const digest = createHash("sha256");
const decipher = createDecipheriv("aes-256-cbc", encryptionKey, iv);
let plaintextLength = 0;
let sinceGc = 0;
parentPort.on("message", (message) => {
  if (message.slot === undefined) {
    let paddingValid = true;
    let last = Buffer.alloc(0);
    try { last = decipher.final(); } catch { paddingValid = false; }
    digest.update(last);
    plaintextLength += last.length;
    parentPort.postMessage({ computedMac: hmac.digest(), plaintextDigest: digest.digest(), plaintextLength, paddingValid });
    return;
  }
  const chunk = Buffer.from(ring, message.slot * slotSize, message.length);
  hmac.update(chunk);
  const plain = decipher.update(chunk);
  digest.update(plain);
  plaintextLength += plain.length;
  parentPort.postMessage({ slot: message.slot });
  // The plaintext copies die at once; a young-generation sweep every 16 MiB frees them before they pile up.
  sinceGc += plain.length;
  if (sinceGc >= 16 * 1024 * 1024) { sinceGc = 0; collectGarbage({ type: "minor" }); }
});
`;

/** Slots of the shared ring: enough for reads to run ahead while the worker catches up, 8 MiB in all. */
const SLOTS = 8;

/** What the worker found, everything of a CryptoVerdict that depends on reading the whole file. */
type WorkerVerdict = Pick<
  CryptoVerdict,
  "computedMac" | "plaintextDigest" | "plaintextLength" | "paddingValid"
>;

/** Ciphertext chunks for the caller to decrypt, checked meanwhile on a worker thread. */
export interface VerifiedCiphertext {
  /** The ciphertext after the header, in order; a chunk is valid until the next one is asked for. */
  readonly chunks: AsyncIterable<Buffer>;
  /** The worker's findings, once every chunk was taken. */
  verdict(): Promise<WorkerVerdict>;
  /** Stops the worker (an abort or a failed extraction); idempotent. */
  cancel(): Promise<void>;
}

/** Starts the verifying worker over `source` (an encrypted content file whose header was checked). */
export function verifyOnWorker(
  source: RandomAccessSource,
  keys: DecodedEncryptionInfo,
  start: number,
  slotSize = 1 << 20,
): VerifiedCiphertext {
  const ring = new SharedArrayBuffer(SLOTS * slotSize);
  const worker = new Worker(VERIFY_WORKER_SOURCE, {
    eval: true,
    workerData: { ring, slotSize, macKey: keys.macKey, encryptionKey: keys.encryptionKey, iv: keys.iv },
    // Its heap holds a few wrappers and the hash states; the defaults would reserve far more.
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 },
  });
  let failure: ImesimError | undefined;
  let acknowledged = 0;
  let wake: (() => void) | undefined;
  let finish: (verdict: WorkerVerdict) => void = () => {};
  let reject: (error: ImesimError) => void = () => {};
  const finished = new Promise<WorkerVerdict>((resolve, fail) => {
    finish = resolve;
    reject = fail;
  });
  // A cancelled run's verdict is never asked for; its rejection must not go unhandled.
  finished.catch(() => {});
  const fail = (message: string): void => {
    failure ??= new ImesimError(
      IntunewinErrorCode.ioFailed,
      `${source.name}: the verifying worker failed: ${message}`,
    );
    reject(failure);
    wake?.();
  };
  worker.on("message", (message: { slot?: number } & Partial<Record<keyof WorkerVerdict, unknown>>) => {
    if (message.slot !== undefined) {
      acknowledged += 1;
      wake?.();
      return;
    }
    finish({
      computedMac: Buffer.from(message.computedMac as Uint8Array),
      plaintextDigest: Buffer.from(message.plaintextDigest as Uint8Array),
      plaintextLength: message.plaintextLength as number,
      paddingValid: message.paddingValid as boolean,
    });
  });
  worker.once("error", (error: Error) => fail(error.message));
  worker.once("exit", (code) => fail(`exited with code ${code}`));
  /** Resolves once the worker has acknowledged `count` chunks (or failed). */
  const acknowledgedUpTo = async (count: number): Promise<void> => {
    while (acknowledged < count && failure === undefined) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure !== undefined) throw failure;
  };
  let sent = 0;
  const fill = async (index: number, position: number): Promise<Buffer | undefined> => {
    if (position >= source.size) return undefined;
    // The slot is free once the worker is done with the chunk that used it SLOTS chunks earlier.
    await acknowledgedUpTo(index - SLOTS + 1);
    const slot = index % SLOTS;
    const target = Buffer.from(ring, slot * slotSize, Math.min(slotSize, source.size - position));
    let length: number;
    if (source.readInto !== undefined) length = await source.readInto(target, position);
    else {
      const bytes = await source.read(position, target.length);
      length = bytes.copy(target);
    }
    return target.subarray(0, length);
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    let position = start;
    let index = 0;
    let next = fill(index, position);
    for (;;) {
      const chunk = await next;
      if (chunk === undefined || chunk.length === 0) break;
      worker.postMessage({ slot: index % SLOTS, length: chunk.length });
      sent += 1;
      position += chunk.length;
      index += 1;
      // Read ahead into the next slot while the caller decrypts this one.
      next = fill(index, position);
      yield chunk;
    }
  }
  return {
    chunks: chunks(),
    async verdict() {
      await acknowledgedUpTo(sent);
      worker.postMessage({});
      const verdict = await finished;
      await worker.terminate();
      return verdict;
    },
    async cancel() {
      await worker.terminate();
    },
  };
}
