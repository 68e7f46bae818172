// Large deflated entries whose stream starts with stored blocks: those bytes pass through without zlib
// (stored-blocks.ts), and zlib takes over at the first other block with the window it needs.
import { randomBytes } from "node:crypto";
import { constants, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import { createMemorySink, extractContent } from "../../src/intunewin/index.ts";
import { buildZip, encryptForTest } from "./helpers.ts";

const MIB = 1 << 20;

/** Extracts a content zip holding one entry `data` deflated as `compressed`; the code of a failure, or the bytes. */
async function extract(data: Buffer, compressed: Buffer): Promise<Buffer | string> {
  const { encrypted, info } = encryptForTest(buildZip([{ name: "big.bin", data, compressed }]));
  const sink = createMemorySink();
  try {
    await extractContent(encrypted, info, sink);
  } catch (error) {
    if (isImesimError(error)) return error.code;
    throw error;
  }
  return sink.files.get("big.bin") ?? "missing";
}

const stored = (data: Buffer, final: boolean): Buffer =>
  deflateRawSync(data, { level: 0, finishFlush: final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH });

describe("stored blocks pass through, zlib takes over after them", () => {
  it("random data in stored blocks, then text whose back-references reach into it", async () => {
    const random = randomBytes(5 * MIB);
    const tail = random.subarray(random.length - 20_000);
    // Text that repeats pieces of the stored data's last 20 KB: its first matches point back across the boundary.
    const pieces: Buffer[] = [];
    for (let at = 0; pieces.length < 400; at = (at + 4099) % (tail.length - 300))
      pieces.push(tail.subarray(at, at + 300), Buffer.from(" log line\r\n"));
    const text = Buffer.concat(pieces);
    const compressed = Buffer.concat([
      stored(random, false),
      deflateRawSync(text, { level: 6, dictionary: random.subarray(random.length - 32 * 1024) }),
    ]);
    expect(compressed.length).toBeLessThan(random.length + text.length);
    const data = Buffer.concat([random, text]);
    expect(((await extract(data, compressed)) as Buffer).equals(data)).toBe(true);
  });

  it("an entry of stored blocks only", async () => {
    const random = randomBytes(5 * MIB);
    expect(((await extract(random, stored(random, true))) as Buffer).equals(random)).toBe(true);
  });

  it("a stored block whose LEN and NLEN disagree, and a stream without its final block", async () => {
    const random = randomBytes(5 * MIB);
    const broken = stored(random, true);
    broken[3] = (broken[3] ?? 0) ^ 0xff; // NLEN of the first block
    expect(await extract(random, broken)).toBe("INTUNEWIN_INNER_ZIP_INVALID");
    expect(await extract(random, stored(random, false))).toBe("INTUNEWIN_INNER_ZIP_INVALID");
  });
});
