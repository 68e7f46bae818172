// Small content blobs served from memory (BlobStore.smallFile) must be the bytes on disk now: kept only while
// the file keeps its identity, read afresh once a new blob lands (by rename) or is rewritten, gone once removed.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BlobStore } from "../../src/store/blob-store.ts";

const folder = mkdtempSync(join(tmpdir(), "imesim-small-blobs-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Lands `bytes` as the blob of `fileId` the way the store does: a temporary file renamed over it. */
function land(blobs: BlobStore, fileId: string, bytes: Buffer): void {
  const temporary = `${blobs.filePath(fileId)}.landing`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, blobs.filePath(fileId));
}

describe("small blobs in memory", () => {
  const blobs = new BlobStore(folder);

  it("reads a small blob once and serves the same bytes while the file is unchanged", () => {
    land(blobs, "a", Buffer.from("first package bytes"));
    const first = blobs.smallFile("a", 1024);
    expect(first?.size).toBe(19);
    expect(first?.bytes?.toString()).toBe("first package bytes");
    expect(blobs.smallFile("a", 1024)?.bytes).toBe(first?.bytes);
  });

  it("reads a replaced or rewritten blob afresh, and answers nothing once it is removed", () => {
    land(blobs, "b", Buffer.from("old"));
    expect(blobs.smallFile("b", 1024)?.bytes?.toString()).toBe("old");
    land(blobs, "b", Buffer.from("new"));
    expect(blobs.smallFile("b", 1024)?.bytes?.toString()).toBe("new");
    writeFileSync(blobs.filePath("b"), "in place, longer");
    expect(blobs.smallFile("b", 1024)?.bytes?.toString()).toBe("in place, longer");
    blobs.removeFile("b");
    expect(blobs.smallFile("b", 1024)).toBeUndefined();
    expect(blobs.smallFile("never-assembled", 1024)).toBeUndefined();
  });

  it("gives only the size of a blob larger than the limit", () => {
    land(blobs, "c", Buffer.alloc(2048, 7));
    expect(blobs.smallFile("c", 1024)).toEqual({ size: 2048 });
    expect(blobs.smallFile("c", 4096)?.bytes?.equals(Buffer.alloc(2048, 7))).toBe(true);
  });
});
