// A service whose data is thrown away when it stops (a scenario run without --out) keeps its database in
// memory: same schema and migrations, nothing written to the data folder, nothing left for the next start; its
// blob store, the folder's only writer, serves a kept small blob without looking at the file again.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildServer } from "../../src/index.ts";
import { BlobStore } from "../../src/store/blob-store.ts";
import { migrations } from "../../src/store/migrations.ts";
import { Store } from "../../src/store/store.ts";

const folders: string[] = [];
function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "imesim-memory-db-"));
  folders.push(folder);
  return folder;
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe("a store with its database in memory", () => {
  it("has every migration, keeps what it is given, and writes no database file", () => {
    const dataDir = freshFolder();
    const store = new Store(dataDir, { ephemeral: true });
    try {
      expect(store.db.memory).toBe(true);
      expect(store.db.pragma("user_version", { simple: true })).toBe(migrations.length);
      expect(store.db.pragma("foreign_keys", { simple: true })).toBe(1);
      store.insertGroup("group-1", "Group one", new Date(0).toISOString());
      store.addMember("group-1", "user-1");
      expect(store.getGroup("group-1")).toMatchObject({ displayName: "Group one", members: ["user-1"] });
      expect(readdirSync(dataDir).filter((name) => name.startsWith("imesim.sqlite"))).toEqual([]);
    } finally {
      store.close();
    }
  });

  it("starts empty again: nothing of an earlier store is kept", () => {
    const dataDir = freshFolder();
    const first = new Store(dataDir, { ephemeral: true });
    first.insertGroup("group-1", "Group one", new Date(0).toISOString());
    first.close();
    const second = new Store(dataDir, { ephemeral: true });
    try {
      expect(second.getGroup("group-1")).toBeUndefined();
    } finally {
      second.close();
    }
  });

  it("serves a service that answers as with a database file, with none in its data folder", async () => {
    const dataDir = freshFolder();
    const server = await buildServer({ dataDir, ephemeral: true, insecureAdmin: true });
    try {
      const health = await server.inject({ method: "GET", url: "/health" });
      expect(health.json()).toMatchObject({ status: "ok", checks: { store: "ok", dataDir: "ok" } });
      expect(existsSync(join(dataDir, "imesim.sqlite"))).toBe(false);
    } finally {
      await server.close();
    }
  });
});

async function* bytesOf(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

describe("a blob store that is its folder's only writer", () => {
  it("serves kept bytes without the file, and its own rewrites and removals at once", async () => {
    const blobs = new BlobStore(freshFolder(), { soleWriter: true });
    await blobs.writeFile("file-1", bytesOf("first"), 1024, () => true);
    expect(blobs.smallFile("file-1", 1024)?.bytes?.toString()).toBe("first");
    // Gone from disk behind the store's back: the kept bytes are still served (no stat per download).
    rmSync(blobs.filePath("file-1"));
    expect(blobs.smallFile("file-1", 1024)?.bytes?.toString()).toBe("first");
    await blobs.writeFile("file-1", bytesOf("second!"), 1024, () => true);
    expect(blobs.smallFile("file-1", 1024)).toEqual({ size: 7, bytes: Buffer.from("second!") });
    blobs.removeFile("file-1");
    expect(blobs.smallFile("file-1", 1024)).toBeUndefined();
  });

  it("is not assumed otherwise: a blob changed on disk is read afresh", async () => {
    const blobs = new BlobStore(freshFolder());
    await blobs.writeFile("file-1", bytesOf("first"), 1024, () => true);
    expect(blobs.smallFile("file-1", 1024)?.bytes?.toString()).toBe("first");
    rmSync(blobs.filePath("file-1"));
    expect(blobs.smallFile("file-1", 1024)).toBeUndefined();
  });
});
