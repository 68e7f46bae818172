// The sink a package's content takes on its way into the virtual device (issue 19): small files in memory,
// the rest left in real files the device's entries refer to, so a large package does not sit in memory.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContentEntry } from "@imesim/contracts/intunewin";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isDiskBacking } from "../../src/host/files/file-store.ts";
import { createSpillSink } from "../../src/host/files/spill-sink.ts";

let parent: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), "imesim-spill-"));
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

const entry = (path: string, size: number): ContentEntry => ({
  path,
  isDirectory: false,
  size,
  modified: new Date(0),
});

async function* chunksOf(bytes: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += 1000) yield bytes.subarray(at, at + 1000);
}

describe("spill sink", () => {
  it("keeps small files in memory and writes large ones (and those past the budget) to disk", async () => {
    const sink = createSpillSink(async () => parent, { memoryBytes: 5000, fileBytes: 4000 });
    const small = Buffer.alloc(3000, 1);
    const large = Buffer.alloc(4001, 2);
    const pastBudget = Buffer.alloc(3000, 3);
    await sink.file(entry("install.cmd", small.length), chunksOf(small));
    await sink.file(entry("bin/setup.exe", large.length), chunksOf(large));
    await sink.file(entry("more.cmd", pastBudget.length), chunksOf(pastBudget));
    expect(sink.files.size).toBe(0);
    await sink.commit();
    const kept = sink.files.get("install.cmd");
    expect(kept instanceof Uint8Array && Buffer.from(kept).equals(small)).toBe(true);
    for (const [path, bytes] of [
      ["bin/setup.exe", large],
      ["more.cmd", pastBudget],
    ] as const) {
      const backed = sink.files.get(path);
      if (backed === undefined || !isDiskBacking(backed)) throw new Error(`${path} is not on disk`);
      expect(backed.size).toBe(bytes.length);
      expect(readFileSync(backed.diskPath).equals(bytes)).toBe(true);
    }
  });

  it("removes what it wrote when the extraction fails", async () => {
    const sink = createSpillSink(async () => parent, { memoryBytes: 0, fileBytes: 0 });
    await sink.file(entry("a.bin", 10), chunksOf(Buffer.alloc(10)));
    expect(readdirSync(parent)).toHaveLength(1);
    await sink.abort(new Error("MAC mismatch"));
    expect(readdirSync(parent)).toEqual([]);
    expect(sink.files.size).toBe(0);
  });
});
