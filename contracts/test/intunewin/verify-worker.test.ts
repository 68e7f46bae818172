// The MAC of a large package runs on a worker thread (verify-worker.ts, content ≥ 8 MiB): every failure must
// still be found, reported with the same code as the inline checks give, and leave nothing behind.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import {
  createMemorySink,
  type EncryptionInfo,
  extractContent,
  unpackPackage,
} from "../../src/intunewin/index.ts";
import { packTreeForTest, readTree, tempFolder } from "./helpers.ts";

const MIB = 1 << 20;
let work: { path: string; cleanup: () => void };
let bytes: Buffer;
let contentOffset: number;
let contentLength: number;
let info: EncryptionInfo;
let unencryptedSize: number;

beforeAll(async () => {
  work = tempFolder();
  // Random data (stored blocks), text (real deflate) and small files: > 8 MiB of ciphertext in all.
  ({ bytes, contentOffset, contentLength, info, unencryptedSize } = await packTreeForTest(
    work.path,
    {
      "setup.cmd": "exit /b 0\r\n",
      "random.bin": randomBytes(9 * MIB),
      "text/log.txt": "installed 0x80070002 HKLM\\Software value\r\n".repeat(100_000),
      "text/small.txt": "small",
    },
    "setup.cmd",
  ));
  expect(contentLength).toBeGreaterThan(8 * MIB);
  return () => work.cleanup();
});

const flipped = (at: number): Buffer => {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
};

/** Unpacks `mutated` and returns the error code, checking that neither output nor staging was left behind. */
async function unpackCode(mutated: Buffer): Promise<string> {
  const temp = tempFolder();
  try {
    const path = join(temp.path, "mutated.intunewin");
    writeFileSync(path, mutated);
    const error = await unpackPackage(path, join(temp.path, "out")).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isImesimError(error)) throw new Error(`expected an ImesimError, got ${String(error)}`);
    expect(existsSync(join(temp.path, "out"))).toBe(false);
    expect(readdirSync(temp.path)).toEqual(["mutated.intunewin"]);
    return error.code;
  } finally {
    temp.cleanup();
  }
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: unknown) => (isImesimError(error) ? error.code : `untyped: ${String(error)}`),
  );
const encryptedFile = () => bytes.subarray(contentOffset, contentOffset + contentLength);

describe("a large package, checked on the worker thread", () => {
  it("unpacks to the very files it was packed from", async () => {
    const temp = tempFolder();
    try {
      const path = join(temp.path, "ok.intunewin");
      writeFileSync(path, bytes);
      const result = await unpackPackage(path, join(temp.path, "out"));
      expect(result.unencryptedSize).toBe(unencryptedSize);
      expect(readTree(join(temp.path, "out"))).toEqual(readTree(join(work.path, "src")));
    } finally {
      temp.cleanup();
    }
  });

  it("a flipped byte in each region fails with its code and leaves nothing behind", async () => {
    const cipherStart = contentOffset + 48;
    expect(await unpackCode(flipped(contentOffset + 3))).toBe("INTUNEWIN_STORED_MAC_MISMATCH");
    expect(await unpackCode(flipped(contentOffset + 40))).toBe("INTUNEWIN_IV_MISMATCH");
    // First block, a chunk boundary (1 MiB), the middle, the central directory near the end, the padding block.
    for (const at of [
      cipherStart,
      cipherStart + MIB,
      cipherStart + Math.floor(contentLength / 2),
      contentOffset + contentLength - 40,
      contentOffset + contentLength - 1,
    ]) {
      expect(await unpackCode(flipped(at))).toBe("INTUNEWIN_MAC_MISMATCH");
    }
  });

  it("wrong keys, digest and size are told apart as inline", async () => {
    const sink = createMemorySink();
    const wrongKey = { ...info, EncryptionKey: Buffer.alloc(32, 7).toString("base64") };
    expect(["INTUNEWIN_BAD_PADDING", "INTUNEWIN_DIGEST_MISMATCH"]).toContain(
      await codeOf(extractContent(encryptedFile(), wrongKey, sink)),
    );
    expect(sink.committed).toBe(false);
    expect(sink.files.size).toBe(0);
    const wrongMacKey = { ...info, MacKey: Buffer.alloc(32, 9).toString("base64") };
    expect(await codeOf(extractContent(encryptedFile(), wrongMacKey, createMemorySink()))).toBe(
      "INTUNEWIN_MAC_MISMATCH",
    );
    const wrongDigest = { ...info, FileDigest: Buffer.alloc(32, 1).toString("base64") };
    expect(await codeOf(extractContent(encryptedFile(), wrongDigest, createMemorySink()))).toBe(
      "INTUNEWIN_DIGEST_MISMATCH",
    );
    expect(
      await codeOf(
        extractContent(encryptedFile(), info, createMemorySink(), {
          unencryptedContentSize: unencryptedSize + 1,
        }),
      ),
    ).toBe("INTUNEWIN_CONTENT_SIZE_MISMATCH");
  });

  it("an abort midway leaves nothing behind and stops the worker", async () => {
    const temp = tempFolder();
    try {
      const path = join(temp.path, "ok.intunewin");
      writeFileSync(path, bytes);
      const controller = new AbortController();
      const code = await codeOf(
        unpackPackage(path, join(temp.path, "out"), {
          signal: controller.signal,
          onProgress: (done) => {
            if (done > 2 * MIB) controller.abort();
          },
        }),
      );
      expect(code).toBe("INTUNEWIN_ABORTED");
      expect(readdirSync(temp.path)).toEqual(["ok.intunewin"]);
    } finally {
      temp.cleanup();
    }
  });
});
