// The in-process transport streams a large GET answer (a package's .bin) instead of buffering it (issue 19): the
// client has its first bytes while the mock is still sending, and a reader that waits holds the sender back.
import { createHash, randomFillSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { MockIntuneServer } from "@imesim/mock-service";
import Fastify from "fastify";
import { Agent, request } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { sendFileRange } from "../../../mock-service/src/content/file-sender.ts";
import { InjectDispatcher } from "../../src/run/inject-dispatcher.ts";

const SIZE = 24 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "imesim-inject-"));
const blob = join(dir, "content.bin");
const bytes = randomFillSync(Buffer.allocUnsafe(SIZE));
writeFileSync(blob, bytes);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("InjectDispatcher", () => {
  it("streams a GET answer with backpressure, and still answers other requests whole", async () => {
    const app = Fastify();
    let sent = false;
    app.get("/content", async (_request, reply) => {
      reply.header("content-length", String(SIZE));
      await sendFileRange(reply, blob, { start: 0, end: SIZE - 1 });
      sent = true;
      return reply;
    });
    app.put("/echo", async (req) => ({ got: req.body }));
    await app.ready();
    const dispatcher = new InjectDispatcher(app as unknown as MockIntuneServer);
    try {
      const response = await request("http://127.0.0.1/content", { dispatcher });
      expect(response.statusCode).toBe(200);
      const reader = response.body[Symbol.asyncIterator]();
      const first = await reader.next();
      expect(first.done).toBe(false);
      // The first bytes are here while the mock has not sent the rest, and a reader that waits holds it back.
      expect(sent).toBe(false);
      await delay(1500);
      expect(sent).toBe(false);
      const hash = createHash("sha256").update(first.value as Buffer);
      let total = (first.value as Buffer).length;
      for (let next = await reader.next(); !next.done; next = await reader.next()) {
        hash.update(next.value as Buffer);
        total += (next.value as Buffer).length;
      }
      expect(total).toBe(SIZE);
      expect(hash.digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(sent).toBe(true);

      const echo = await request("http://127.0.0.1/echo", {
        method: "PUT",
        dispatcher,
        headers: { "content-type": "application/json" },
        body: '{"a":1}',
      });
      expect(await echo.body.json()).toEqual({ got: { a: 1 } });
    } finally {
      await app.close();
    }
  });

  it("hands a request body to Fastify as a socket does: parsed, refused past its limit or its declared length, iterated", async () => {
    const app = Fastify({ bodyLimit: 64 });
    app.put("/echo", async (req) => ({ got: req.body }));
    app.register(async (raw) => {
      // A route that reads the body itself, as the mock's blob upload does.
      raw.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
      raw.put("/count", async (req) => {
        let length = 0;
        for await (const chunk of req.raw as AsyncIterable<Uint8Array>) length += chunk.length;
        return { length };
      });
    });
    const baseUrl = await app.listen({ port: 0, host: "127.0.0.1" });
    const socket = new Agent();
    const dispatcher = new InjectDispatcher(app as unknown as MockIntuneServer);
    const over = async (
      via: Agent | InjectDispatcher,
      path: string,
      headers: Record<string, string>,
      body: string,
    ) => {
      const response = await request(`${baseUrl}${path}`, { method: "PUT", dispatcher: via, headers, body });
      return { status: response.statusCode, body: await response.body.text() };
    };
    const json = { "content-type": "application/json" };
    const cases: Array<[string, Record<string, string>, string]> = [
      ["/echo", json, '{"a":"\u00e9 caf\u00e9"}'],
      ["/echo", json, JSON.stringify({ a: "x".repeat(100) })],
      ["/echo", json, "{nope"],
      ["/echo", { "content-type": "text/html" }, "<p>"],
      ["/count", { "content-type": "application/octet-stream" }, "some bytes"],
      ["/count", { "content-type": "application/octet-stream" }, ""],
    ];
    try {
      for (const [path, headers, body] of cases) {
        const wire = await over(socket, path, headers, body);
        expect(await over(dispatcher, path, headers, body), `${path} ${body}`).toEqual(wire);
        const whole = await dispatcher.requestWhole({
          origin: baseUrl,
          path,
          method: "PUT",
          headers,
          body,
          signal: new AbortController().signal,
        });
        expect({ status: whole.statusCode, body: whole.text }).toEqual(wire);
      }
      // A body longer than its declared length (which a socket client refuses to send) is Fastify's 400.
      const short = await dispatcher.requestWhole({
        origin: baseUrl,
        path: "/echo",
        method: "PUT",
        headers: { ...json, "content-length": "3" },
        body: '{"a":1}',
        signal: new AbortController().signal,
      });
      expect(short.statusCode).toBe(400);
      expect(JSON.parse(short.text).code).toBe("FST_ERR_CTP_INVALID_CONTENT_LENGTH");
    } finally {
      await socket.close();
      await app.close();
    }
  });

  it("answers whole, and a client that gives up ends the exchange on the mock's side too", async () => {
    const app = Fastify();
    let closed = false;
    app.put("/echo", async (req) => ({ got: req.body }));
    app.get("/never", async (request, reply) => {
      request.raw.socket.on("close", () => undefined);
      reply.raw.on("close", () => {
        closed = true;
      });
      reply.hijack();
    });
    await app.ready();
    const dispatcher = new InjectDispatcher(app as unknown as MockIntuneServer);
    try {
      const echo = await dispatcher.requestWhole({
        origin: "http://127.0.0.1",
        path: "/echo",
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: '{"a":1}',
        signal: new AbortController().signal,
      });
      expect(echo.statusCode).toBe(200);
      expect(echo.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(JSON.parse(echo.text)).toEqual({ got: { a: 1 } });

      const gaveUp = new AbortController();
      const never = dispatcher.requestWhole({
        origin: "http://127.0.0.1",
        path: "/never",
        method: "GET",
        signal: gaveUp.signal,
      });
      await delay(50);
      gaveUp.abort(new Error("the agent's time-out"));
      await expect(never).rejects.toMatchObject({ message: "the agent's time-out", midBody: false });
      await delay(10);
      expect(closed).toBe(true);

      // The same through undici's dispatch.
      closed = false;
      const stopped = new AbortController();
      const dispatched = request("http://127.0.0.1/never", { dispatcher, signal: stopped.signal });
      await delay(50);
      stopped.abort(new Error("the agent's time-out"));
      await expect(dispatched).rejects.toThrow("the agent's time-out");
      await delay(10);
      expect(closed).toBe(true);
    } finally {
      await app.close();
    }
  });
});
