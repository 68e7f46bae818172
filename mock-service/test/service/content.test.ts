import { randomUUID } from "node:crypto";
import {
  createSideCarSessionRequest,
  parseContentInfo,
  parseContentInfoPayload,
  parseDecryptInfo,
  parseDecryptInfoEnvelope,
} from "@imesim/contracts/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import {
  adminHeaders,
  adminToken,
  contentInfoRequest,
  deviceToken,
  type Enrolled,
  encryptedContent,
  enroll,
  openEnvelope,
  publishRequiredApp,
  startServer,
} from "./helpers.ts";

let app: MockIntuneServer;
let close: () => Promise<void>;
let device: Enrolled;
let appId: string;
let location: string;
const content = encryptedContent(Buffer.alloc(300_000, 7));

/** A server with one app assigned to all devices, an enrolled device and that device's content URL. */
async function setUp(options: { downloadBytesPerSecond?: number } = {}) {
  const started = await startServer(options);
  const server = started.server;
  const admin = { authorization: `Bearer ${await adminToken(server)}` };
  const enrolled = await enroll(server);
  const id = await publishRequiredApp(server, admin, { ...content, size: 300_000 }, { blockSize: 100_000 });
  const sessionId = randomUUID();
  const payload = contentInfoRequest(id);
  const response = await server.inject({
    method: "PUT",
    url: `/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.5`,
    payload: createSideCarSessionRequest({
      sessionId,
      requestContentType: "GetContentInfo",
      requestPayload: payload,
      clientInfo: null,
      checkinReason: "Unknown",
    }),
    headers: { authorization: `Bearer ${await deviceToken(server, enrolled)}` },
  });
  const info = parseContentInfo(parseContentInfoPayload(response.json().ResponsePayload).ContentInfo);
  return {
    started,
    server,
    device: enrolled,
    appId: id,
    location: info.UploadLocation.replace("http://localhost:80", ""),
  };
}

beforeAll(async () => {
  const ready = await setUp();
  ({ server: app, device, appId, location } = ready);
  close = ready.started.close;
});
afterAll(async () => close());

async function setFaults(rules: unknown[]) {
  const response = await app.inject({
    headers: adminHeaders(app),
    method: "POST",
    url: "/admin/faults",
    payload: { rules },
  });
  expect(response.statusCode).toBe(200);
}

describe("content download", () => {
  it("serves the whole file with length, ETag and byte ranges", async () => {
    const whole = await app.inject({ url: location });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers["content-length"]).toBe(String(content.bin.length));
    expect(whole.headers["accept-ranges"]).toBe("bytes");
    expect(whole.rawPayload.equals(content.bin)).toBe(true);
    const etag = whole.headers.etag as string;
    expect((await app.inject({ url: location, headers: { "if-none-match": etag } })).statusCode).toBe(304);
    const middle = await app.inject({ url: location, headers: { range: "bytes=100-199" } });
    expect(middle.statusCode).toBe(206);
    expect(middle.headers["content-range"]).toBe(`bytes 100-199/${content.bin.length}`);
    expect(middle.rawPayload.equals(content.bin.subarray(100, 200))).toBe(true);
    const tail = await app.inject({ url: location, headers: { range: "bytes=-48" } });
    expect(tail.rawPayload.equals(content.bin.subarray(-48))).toBe(true);
    const open = await app.inject({ url: location, headers: { range: "bytes=300000-" } });
    expect(open.rawPayload.equals(content.bin.subarray(300_000))).toBe(true);
    const stale = await app.inject({ url: location, headers: { range: "bytes=0-9", "if-range": '"other"' } });
    expect(stale.statusCode).toBe(200);
    const beyond = await app.inject({ url: location, headers: { range: `bytes=${content.bin.length}-` } });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers["content-range"]).toBe(`bytes */${content.bin.length}`);
    const head = await app.inject({ method: "HEAD", url: location });
    expect(head.headers["content-length"]).toBe(String(content.bin.length));
    expect(head.rawPayload.length).toBe(0);
  });

  it("answers a forged, expired or foreign URL with a bare 404", async () => {
    const url = new URL(location, "http://x");
    const forged = new URL(url);
    forged.searchParams.set("sig", "A".repeat(43));
    const expired = new URL(url);
    expired.searchParams.set("e", "1000");
    for (const bad of [forged, expired, new URL(`${url.pathname}`, "http://x")]) {
      const response = await app.inject({ url: `${bad.pathname}${bad.search}` });
      expect(response.statusCode).toBe(404);
    }
    const otherApp = location.replace(appId, randomUUID());
    expect((await app.inject({ url: otherApp })).statusCode).toBe(404);
  });

  it("injects content faults: a corrupted byte, truncation, a dropped connection, a status, throttling", async () => {
    await setFaults([
      { id: "flip", match: { route: "content", appId }, effect: { kind: "corrupt", offset: 1000 }, times: 1 },
    ]);
    const corrupted = await app.inject({ url: location });
    expect(corrupted.rawPayload.length).toBe(content.bin.length);
    expect(corrupted.rawPayload[1000]).toBe((content.bin[1000] as number) ^ 0xff);
    expect(corrupted.rawPayload.subarray(1001).equals(content.bin.subarray(1001))).toBe(true);
    expect((await app.inject({ url: location })).rawPayload.equals(content.bin)).toBe(true);

    await setFaults([{ match: { route: "content" }, effect: { kind: "truncate", bytes: 5000 }, times: 1 }]);
    const truncated = await app.inject({ url: location });
    expect(truncated.rawPayload.length).toBe(5000);

    await setFaults([
      {
        match: { route: "content", deviceId: device.deviceId },
        effect: { kind: "throttle", retryAfterSeconds: 7 },
        times: 1,
      },
    ]);
    const throttled = await app.inject({ url: location });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("7");

    await setFaults([
      { id: "unavailable", match: { route: "content" }, effect: { kind: "status", status: 503 }, times: 2 },
    ]);
    expect((await app.inject({ url: location })).statusCode).toBe(503);
    expect((await app.inject({ url: location })).statusCode).toBe(503);
    expect((await app.inject({ url: location })).statusCode).toBe(200);
    const counters = (await app.inject({ url: "/admin/faults", headers: adminHeaders(app) })).json();
    expect(counters.counters).toEqual([{ id: "unavailable", injected: 2 }]);
  });

  it("drops the connection after N bytes on a real socket", async () => {
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    if (address === null || typeof address === "string") throw new Error("no address");
    await setFaults([{ match: { route: "content" }, effect: { kind: "drop", afterBytes: 2000 }, times: 1 }]);
    const response = await fetch(`http://127.0.0.1:${address.port}${location}`);
    await expect(response.arrayBuffer()).rejects.toThrow();
    const again = await fetch(`http://127.0.0.1:${address.port}${location}`);
    expect(Buffer.from(await again.arrayBuffer()).equals(content.bin)).toBe(true);
  });

  it("refuses an invalid fault plan with 400 and keeps the old one", async () => {
    await setFaults([{ id: "keep", match: { route: "graph" }, effect: { kind: "latency", ms: 0 } }]);
    const bad = await app.inject({
      headers: adminHeaders(app),
      method: "POST",
      url: "/admin/faults",
      payload: { rules: [{ match: { route: "nowhere" }, effect: { kind: "status", status: 200 } }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      (await app.inject({ url: "/admin/faults", headers: adminHeaders(app) })).json().plan.rules[0].id,
    ).toBe("keep");
    expect(
      (await app.inject({ headers: adminHeaders(app), method: "DELETE", url: "/admin/faults" })).statusCode,
    ).toBe(204);
  });
});

describe("bandwidth cap", () => {
  it("paces downloads to the configured bytes per second", async () => {
    const slow = await setUp({ downloadBytesPerSecond: 200_000 });
    try {
      const began = Date.now();
      const response = await slow.server.inject({ url: slow.location });
      expect(response.rawPayload.equals(content.bin)).toBe(true);
      // 300 kB at 200 kB/s cannot arrive in much under 1.5 s.
      expect(Date.now() - began).toBeGreaterThanOrEqual(1200);
    } finally {
      await slow.started.close();
    }
  });
});

// GetContentInfo's answers are kept until the store changes (gateway/content-lookup.ts), and its envelope is
// written without pkijs (gateway/decrypt-info.ts).
describe("GetContentInfo after the store changes", () => {
  const getContentInfo = async (id: string) => {
    const sessionId = randomUUID();
    return app.inject({
      method: "PUT",
      url: `/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.5`,
      payload: createSideCarSessionRequest({
        sessionId,
        requestContentType: "GetContentInfo",
        requestPayload: contentInfoRequest(id, device),
        clientInfo: null,
        checkinReason: "Unknown",
      }),
      headers: { authorization: `Bearer ${await deviceToken(app, device)}` },
    });
  };

  it("answers with keys that open with pkijs, then 404 once the app is no longer assigned", async () => {
    const admin = { authorization: `Bearer ${await adminToken(app)}` };
    const id = await publishRequiredApp(app, admin, { ...content, size: 300_000 }, { displayName: "Lookup" });
    const first = await getContentInfo(id);
    expect(first.statusCode).toBe(200);
    const payload = parseContentInfoPayload(first.json().ResponsePayload, "ResponsePayload");
    const sealed = parseDecryptInfoEnvelope(payload.DecryptInfo as string);
    expect(parseDecryptInfo(await openEnvelope(device, sealed))).toMatchObject({
      EncryptionKey: content.info.encryptionKey,
      MacKey: content.info.macKey,
    });
    expect((await getContentInfo(id)).statusCode).toBe(200);
    const unassigned = await app.inject({
      method: "POST",
      url: `/beta/deviceAppManagement/mobileApps/${id}/assign`,
      payload: { mobileAppAssignments: [] },
      headers: admin,
    });
    expect(unassigned.statusCode).toBe(204);
    expect((await getContentInfo(id)).statusCode).toBe(404);
  });
});
