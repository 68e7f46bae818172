// Issue 19, "Uploads and commits": races between writes and commits, and what an upload may cost before
// it is admitted. Each test performs the attack the issue describes.
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import { BlobStore } from "../../src/store/blob-store.ts";
import { adminToken, encryptedContent, newContentVersion, startServer } from "./helpers.ts";

let app: MockIntuneServer;
let close: () => Promise<void>;
let headers: { authorization: string };

beforeAll(async () => {
  const started = await startServer();
  app = started.server;
  close = started.close;
  headers = { authorization: `Bearer ${await adminToken(app)}` };
});
afterAll(async () => close());

/** A new app with one content file created but nothing uploaded: its SAS path and Graph URL. */
async function newFile(sizes: { size: number; sizeEncrypted: number }) {
  const filesUrl = await newContentVersion(app, headers);
  const created = await app.inject({
    method: "POST",
    url: filesUrl,
    headers,
    payload: { name: "app.intunewin", ...sizes, isDependency: false },
  });
  const file = created.json() as { id: string; azureStorageUri: string };
  const sas = new URL(file.azureStorageUri);
  return { id: file.id, sas: `${sas.pathname}${sas.search}`, url: `${filesUrl}/${file.id}` };
}

const put = (url: string, payload: Buffer | string) =>
  app.inject({ method: "PUT", url, payload, headers: { "content-type": "application/octet-stream" } });
const blockUrl = (sas: string, index: number) =>
  `${sas}&comp=block&blockid=${Buffer.from(String(index).padStart(4, "0")).toString("base64")}`;
const blockList = (count: number) =>
  `<?xml version="1.0" encoding="utf-8"?><BlockList>${Array.from(
    { length: count },
    (_, index) => `<Latest>${Buffer.from(String(index).padStart(4, "0")).toString("base64")}</Latest>`,
  ).join("")}</BlockList>`;

/** Resolves once a commit of the file is running (the gate froze it). */
async function commitRunning(fileId: string): Promise<void> {
  for (let tries = 0; tries < 10_000; tries += 1) {
    const file = app.intune.store.getFile(fileId);
    if (file !== undefined && app.intune.commits.frozen(file)) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("the commit never started");
}

describe("commit races", () => {
  it("freezes the blob while a commit verifies: a Put Blob then is 409 and devices get the verified bytes", async () => {
    const plain = randomBytes(24 * 1024 * 1024);
    const content = encryptedContent(plain);
    const file = await newFile({ size: plain.length, sizeEncrypted: content.bin.length });
    expect((await put(`${file.sas}`, content.bin)).statusCode).toBe(201);
    const commit = app.inject({
      method: "POST",
      url: `${file.url}/commit`,
      headers,
      payload: { fileEncryptionInfo: content.info },
    });
    await commitRunning(file.id);
    const replaced = await put(file.sas, randomBytes(content.bin.length));
    expect(replaced.statusCode).toBe(409);
    expect(replaced.headers["x-ms-error-code"]).toBe("BlobImmutable");
    const second = await app.inject({
      method: "POST",
      url: `${file.url}/commit`,
      headers,
      payload: { fileEncryptionInfo: content.info },
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.message).toContain("already running");
    expect((await commit).statusCode).toBe(204);
    expect((await app.inject({ url: file.url, headers })).json().uploadState).toBe("commitFileSuccess");
    expect(readFileSync(app.intune.store.blobs.filePath(file.id)).equals(content.bin)).toBe(true);
    expect((await put(file.sas, randomBytes(16))).statusCode).toBe(409);
  });

  it("lets no write land once the file is frozen, even one that started before", async () => {
    const dir = mkdtempSync(join(tmpdir(), "imesim-blobs-"));
    try {
      const blobs = new BlobStore(dir);
      await expect(
        blobs.writeFile(
          "f",
          (async function* () {
            yield Buffer.from("late bytes");
          })(),
          100,
          () => false,
        ),
      ).rejects.toThrow(/being committed/);
      expect(existsSync(blobs.filePath("f"))).toBe(false);
      expect(readdirSync(join(dir, "blobs", "files"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("concurrent writes to one target", () => {
  it("answers concurrent Put Block and Put Block List for the same ids without a 500; the last complete write wins", async () => {
    const blocks = Array.from({ length: 8 }, () => randomBytes(256 * 1024));
    const file = await newFile({ size: 1, sizeEncrypted: blocks.length * 256 * 1024 });
    const writes = await Promise.all(
      Array.from({ length: 24 }, (_, attempt) =>
        put(blockUrl(file.sas, attempt % blocks.length), blocks[attempt % blocks.length] as Buffer),
      ),
    );
    expect(writes.map((response) => response.statusCode)).toEqual(writes.map(() => 201));
    const lists = await Promise.all(
      Array.from({ length: 6 }, () => put(`${file.sas}&comp=blocklist`, blockList(blocks.length))),
    );
    expect(lists.map((response) => response.statusCode)).toEqual(lists.map(() => 201));
    expect(readFileSync(app.intune.store.blobs.filePath(file.id)).equals(Buffer.concat(blocks))).toBe(true);
    expect(
      readdirSync(join(app.intune.store.blobs.root, "files")).filter((name) => name.endsWith(".tmp")),
    ).toEqual([]);
  });
});

describe("what an upload costs before it is admitted", () => {
  it("refuses a bad signature before reading the body", async () => {
    const file = await newFile({ size: 1, sizeEncrypted: 64 });
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    const url = new URL(`${base}${file.sas.replace(/sig=[^&]+/, "sig=forged")}`);
    const status = await new Promise<number | string>((resolve) => {
      // 200 MiB announced, none sent: only a service that answers before reading the body replies at all.
      const request = httpRequest(url, {
        method: "PUT",
        headers: { "content-length": String(200 * 1024 * 1024), "content-type": "application/octet-stream" },
      });
      const timer = setTimeout(() => {
        request.destroy();
        resolve("no answer before the body");
      }, 5000);
      request.on("response", (response) => {
        clearTimeout(timer);
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on("error", () => undefined);
      request.flushHeaders();
    });
    expect(status).toBe(403);
  });

  it("refuses a body announced beyond 256 MiB with 413 before reading it", async () => {
    const file = await newFile({ size: 1, sizeEncrypted: 64 });
    const response = await app.inject({
      method: "PUT",
      url: file.sas,
      payload: "x",
      headers: { "content-length": String(300 * 1024 * 1024), "content-type": "application/octet-stream" },
    });
    expect(response.statusCode).toBe(413);
  });

  it("removes temporary files a killed process left, at start", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "imesim-stale-"));
    await (await startServer({ dataDir })).close();
    const stale = [
      join(dataDir, "blobs", "files", "f1.bin.2f0c.tmp"),
      join(dataDir, "blobs", "blocks", "f1", "ab12.2f0c.tmp"),
    ];
    mkdirSync(join(dataDir, "blobs", "blocks", "f1"), { recursive: true });
    for (const path of stale) writeFileSync(path, "half a write");
    writeFileSync(join(dataDir, "blobs", "blocks", "f1", "ab12"), "a staged block");
    const restarted = await startServer({ dataDir });
    try {
      expect(stale.filter((path) => existsSync(path))).toEqual([]);
      expect(existsSync(join(dataDir, "blobs", "blocks", "f1", "ab12"))).toBe(true);
    } finally {
      await restarted.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
