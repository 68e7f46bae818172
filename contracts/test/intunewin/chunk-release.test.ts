// Streamed chunks are released (their memory freed) once nothing uses them: only with a sink that says it is done
// with a chunk when it asks for the next, and never before zlib, the sink or the stored-block window is done.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ChunkLedger, releaseNow } from "../../src/intunewin/chunk-ledger.ts";
import { writeGathered } from "../../src/intunewin/gathered-file-write.ts";
import { type ContentSink, extractContent } from "../../src/intunewin/index.ts";
import { buildZip, encryptForTest, tempFolder } from "./helpers.ts";

const MIB = 1 << 20;
const released = (chunk: Buffer): boolean => chunk.buffer.byteLength === 0;

/** Text that deflates well, so its entry streams through zlib (more than 16 MiB inflated). */
function text(size: number): Buffer {
  const line = Buffer.from("install HKLM Software value success 0x80070002 detect msiexec\r\n");
  const out = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += line.length) line.copy(out, at, 0, Math.min(line.length, size - at));
  return out;
}

/** A content zip of a stored random file, a deflated random file (stored blocks) and a large text file. */
function contentZip(): { zip: Buffer; files: Record<string, Buffer> } {
  const files = {
    "stored.bin": randomBytes(3 * MIB),
    "random.bin": randomBytes(5 * MIB),
    "log.txt": text(20 * MIB),
  };
  const zip = buildZip([
    { name: "stored.bin", data: files["stored.bin"], deflate: false },
    { name: "random.bin", data: files["random.bin"] },
    { name: "log.txt", data: files["log.txt"] },
  ]);
  return { zip, files };
}

/** A sink that records every chunk it is given; `copies` says whether it copies them (and may say so). */
function recordingSink(
  copies: boolean,
): ContentSink & { chunks: Map<string, Buffer[]>; copied: Map<string, Buffer> } {
  const chunks = new Map<string, Buffer[]>();
  const copied = new Map<string, Buffer>();
  return {
    chunks,
    copied,
    ...(copies ? { releasesChunks: true } : {}),
    directory() {},
    async file(entry, data) {
      const seen: Buffer[] = [];
      const copies_: Buffer[] = [];
      for await (const chunk of data) {
        seen.push(chunk);
        if (copies) copies_.push(Buffer.from(chunk));
      }
      chunks.set(entry.path, seen);
      if (copies) copied.set(entry.path, Buffer.concat(copies_));
    },
    commit() {},
    abort() {},
  };
}

describe("chunk ledger", () => {
  it("releases a chunk once the reader has taken it and every hold has moved past it, and nothing after stop", () => {
    let taken = 0;
    const ledger = new ChunkLedger(() => taken);
    const chunks = [Buffer.alloc(128 << 10, 1), Buffer.alloc(128 << 10, 2), Buffer.alloc(128 << 10, 3)];
    ledger.add(chunks[0] as Buffer, 64 << 10);
    ledger.add(chunks[1] as Buffer, 128 << 10);
    expect(chunks.some(released)).toBe(false);
    const hold = ledger.hold(10);
    taken = 128 << 10;
    ledger.add(chunks[2] as Buffer, 192 << 10);
    expect(chunks.map(released)).toEqual([false, false, false]);
    hold.move(64 << 10);
    expect(chunks.map(released)).toEqual([true, false, false]);
    hold.release();
    expect(chunks.map(released)).toEqual([true, true, false]);
    ledger.stop();
    taken = 192 << 10;
    ledger.hold(192 << 10).release();
    expect(released(chunks[2] as Buffer)).toBe(false);
  });

  it("never releases a small Buffer that shares the pool with others", () => {
    const small = Buffer.from("abc");
    const neighbour = Buffer.from("def");
    releaseNow(small);
    expect(small.toString()).toBe("abc");
    expect(neighbour.toString()).toBe("def");
  });
});

describe("extraction releases chunks only for a sink that is done with them", () => {
  it("a sink that copies gets the right bytes, and what it was given is released", async () => {
    const { zip, files } = contentZip();
    const { encrypted, info } = encryptForTest(zip);
    const sink = recordingSink(true);
    await extractContent(encrypted, info, sink);
    for (const [name, data] of Object.entries(files)) {
      expect(sink.copied.get(name)?.equals(data), name).toBe(true);
      // Decrypted chunks (stored.bin, random.bin's stored blocks) and zlib's output (log.txt) are freed.
      const chunks = sink.chunks.get(name) ?? [];
      expect(chunks.filter(released).length, name).toBeGreaterThan(chunks.length / 2);
    }
  });

  it("a sink that keeps views of the chunks still reads every byte afterwards", async () => {
    const { zip, files } = contentZip();
    const { encrypted, info } = encryptForTest(zip);
    const sink = recordingSink(false);
    await extractContent(encrypted, info, sink);
    for (const [name, data] of Object.entries(files))
      expect(Buffer.concat(sink.chunks.get(name) ?? []).equals(data), name).toBe(true);
  });
});

describe("gathered file writes", () => {
  it("writes chunks of any size across its buffers, byte for byte, and never over an existing file", async () => {
    const folder = tempFolder();
    try {
      const data = randomBytes(2 * MIB + 12_345);
      async function* pieces(): AsyncGenerator<Buffer> {
        for (let at = 0, size = 1; at < data.length; at += size, size = (size * 7 + 13) % (300 << 10))
          yield data.subarray(at, at + size);
      }
      const path = join(folder.path, "out.bin");
      await writeGathered(path, data.length, pieces());
      expect(readFileSync(path).equals(data)).toBe(true);
      const existing = join(folder.path, "existing.bin");
      writeFileSync(existing, "keep");
      await expect(writeGathered(existing, 4, pieces())).rejects.toMatchObject({ code: "EEXIST" });
      expect(readFileSync(existing, "utf8")).toBe("keep");
      expect(existsSync(path)).toBe(true);
    } finally {
      folder.cleanup();
    }
  });
});
