// The HTTP client's wire behaviour that the agent's reactions depend on: status → failure kind, Retry-After,
// Range on resume, and a connection cut mid-body. The full gateway conversation is tested in e2e.
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Dispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Clock, createVirtualClock } from "../../src/clock/index.ts";
import { createHttpServiceClient } from "../../src/service-client/http-client.ts";
import { isServiceError, type ServiceError } from "../../src/service-client/types.ts";
import type { WholeAnswer, WholeRequest } from "../../src/service-client/whole-answer.ts";

/** An in-process service that takes requests and never answers; it sees each request's abort. */
class SilentService extends Dispatcher {
  readonly seen: Array<{ request: WholeRequest; abortedAt?: number }> = [];
  readonly clock: Clock;
  constructor(clock: Clock) {
    super();
    this.clock = clock;
  }
  requestWhole(request: WholeRequest): Promise<WholeAnswer> {
    const seen: { request: WholeRequest; abortedAt?: number } = { request };
    this.seen.push(seen);
    return new Promise((_resolve, reject) => {
      request.signal.addEventListener("abort", () => {
        seen.abortedAt = this.clock.now();
        reject(request.signal.reason);
      });
    });
  }
}

const CONTENT = Buffer.alloc(200_000, 0x41);
let server: Server;
let base = "";
const seenRanges: Array<string | undefined> = [];
const tokenForms: string[] = [];
const renewalForms: URLSearchParams[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? "";
    if (url.startsWith("/content/full")) {
      seenRanges.push(request.headers.range);
      const from = Number(/bytes=(\d+)-/.exec(request.headers.range ?? "")?.[1] ?? 0);
      if (from >= CONTENT.length) {
        response.writeHead(416, { "content-range": `bytes */${CONTENT.length}` });
        response.end();
        return;
      }
      response.writeHead(from > 0 ? 206 : 200, { "content-length": String(CONTENT.length - from) });
      response.end(CONTENT.subarray(from));
    } else if (url.startsWith("/content/cut")) {
      response.writeHead(200, { "content-length": String(CONTENT.length) });
      response.write(CONTENT.subarray(0, 50_000), () => response.destroy());
    } else if (url.startsWith("/content/stall")) {
      // The mock's truncate fault: part of the body, then nothing more, with the connection left open.
      response.writeHead(200, { "content-length": String(CONTENT.length) });
      response.write(CONTENT.subarray(0, 50_000));
    } else if (url.startsWith("/content/silent")) {
      // No answer at all.
    } else if (url.startsWith("/content/busy")) {
      response.writeHead(429, { "retry-after": "30" });
      response.end("slow down");
    } else if (url.startsWith("/issuing/")) {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        tokenForms.push(Buffer.concat(chunks).toString("utf8"));
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ access_token: "issued", expires_in: 3600 }));
      });
    } else if (url.startsWith("/renewing/") || url.startsWith("/renew-busy/")) {
      // A service that hands out refresh token r1 with a proven token, and honours r1 alone (r2 it has forgotten).
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
        renewalForms.push(form);
        const renewal = form.get("grant_type") === "refresh_token";
        if (renewal && url.startsWith("/renew-busy/")) {
          response.writeHead(503);
          response.end();
        } else if (renewal && form.get("refresh_token") !== "r1") {
          response.writeHead(400, { "content-type": "application/json" });
          response.end(JSON.stringify({ error: "invalid_grant", error_codes: [9002313] }));
        } else {
          response.writeHead(200, { "content-type": "application/json" });
          const answer = renewal
            ? { access_token: "renewed", expires_in: 3600, refresh_token: "r2" }
            : { access_token: "proven", expires_in: 3600, refresh_token: "r1" };
          response.end(JSON.stringify(answer));
        }
      });
    } else if (url.startsWith("/content/missing")) {
      response.writeHead(404);
      response.end();
    } else {
      response.writeHead(503);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const START = Date.UTC(2026, 0, 1);

/** A device identity with a fresh key, for a service at `origin`. */
function identityAt(origin: string, tenant = "tenant") {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    deviceId: "d",
    deviceName: "PC01",
    osVersion: "10.0.26100",
    certificatePem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    tokenEndpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
    serviceDiscoveryUrl: `${origin}/discovery`,
  };
}

function client(clock: Clock = createVirtualClock(START), timeoutMs = 5_000, tenant = "tenant") {
  return createHttpServiceClient({
    identity: identityAt(base, tenant),
    clock,
    agentVersion: "1.101.111.0",
    timeoutMs,
    // A stalled request lets virtual time run after this much wall time with nothing arriving.
    stallGraceMs: 100,
  });
}

async function download(
  path: string,
  fromByte = 0,
  clock?: Clock,
  timeoutMs?: number,
): Promise<{ bytes: number; error?: ServiceError }> {
  let bytes = 0;
  try {
    for await (const chunk of client(clock, timeoutMs).downloadContent({
      token: "t",
      url: `${base}${path}`,
      fromByte,
    }))
      bytes += chunk.length;
    return { bytes };
  } catch (error) {
    if (!isServiceError(error)) throw error;
    return { bytes, error };
  }
}

describe("HTTP service client", () => {
  it("downloads the whole file, and resumes with a Range header", async () => {
    expect(await download("/content/full")).toEqual({ bytes: CONTENT.length });
    expect(await download("/content/full", 150_000)).toEqual({ bytes: 50_000 });
    expect(seenRanges).toEqual([undefined, "bytes=150000-"]);
  });

  // An agent killed after the last byte landed (mid-install, in the container crash test) resumes from the end:
  // the server's 416 names the very length it holds, so nothing is missing; any other 416 is still a failure.
  it("takes a 416 naming exactly the bytes it holds as a finished download, and other 416s as failures", async () => {
    expect(await download("/content/full", CONTENT.length)).toEqual({ bytes: 0 });
    const beyond = await download("/content/full", CONTENT.length + 10);
    expect(beyond.bytes).toBe(0);
    expect(beyond.error?.message).toContain("HTTP 416");
  });

  it("reports a cut connection as connectionDropped after the bytes that arrived", async () => {
    const result = await download("/content/cut");
    expect(result.error?.failure).toBe("connectionDropped");
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.bytes).toBeLessThan(CONTENT.length);
  });

  it("times out a body that stops mid-way on the agent's virtual clock, not after a minute of real time", async () => {
    const clock = createVirtualClock(START);
    // The default time-out, 60 s: on undici's wall-time timers this test would fail at its own 30 s limit.
    const body = client(clock, 60_000)
      .downloadContent({ token: "t", url: `${base}/content/stall`, fromByte: 0 })
      [Symbol.asyncIterator]();
    const first = await body.next();
    expect(first.value?.length).toBe(50_000);
    const next = body.next().then(
      () => undefined,
      (error: unknown) => error,
    );
    // The run goes on (what `imesim run` does); undici's 60 s wall-time body time-out would outlast this test.
    await clock.advanceBy(3_600_000);
    const error = await next;
    expect(error).toMatchObject({ failure: "timeout", code: "SERVICE_TIMEOUT" });
    expect((error as ServiceError).message).toContain("nothing arrived for 60000 ms of the agent's clock");
  });

  it("times out a request that never gets an answer on the virtual clock too", async () => {
    const clock = createVirtualClock(START);
    const result = download("/content/silent", 0, clock, 60_000);
    let finishedAt: number | undefined;
    void result.then(() => {
      finishedAt = clock.now();
    });
    await clock.advanceBy(3_600_000);
    expect((await result).error?.failure).toBe("timeout");
    // It failed when its 60 s of the agent's time had passed, not at the end of the hour.
    expect(finishedAt).toBe(START + 60_000);
  });

  it("times out a request to an in-process service that answers whole, which sees the abort", async () => {
    const clock = createVirtualClock(START);
    const service = new SilentService(clock);
    const silent = createHttpServiceClient({
      identity: identityAt("http://127.0.0.1:8080"),
      clock,
      agentVersion: "1.101.111.0",
      timeoutMs: 60_000,
      dispatcher: service,
      stallGraceMs: 100,
    });
    const result = silent.acquireToken().then(
      () => undefined,
      (error: ServiceError) => ({ error, at: clock.now() }),
    );
    await clock.advanceBy(3_600_000);
    const failed = await result;
    expect(failed?.error).toMatchObject({ failure: "timeout", code: "SERVICE_TIMEOUT" });
    expect(failed?.at).toBe(START + 60_000);
    expect(service.seen.map(({ request, abortedAt }) => [request.origin, request.path, abortedAt])).toEqual([
      ["http://127.0.0.1:8080", "/tenant/oauth2/v2.0/token", START + 60_000],
    ]);
  });

  it("maps 429 with Retry-After, 404 and 503", async () => {
    expect((await download("/content/busy")).error).toMatchObject({
      failure: "throttled",
      status: 429,
      retryAfterMs: 30_000,
    });
    expect((await download("/content/missing")).error).toMatchObject({
      failure: "notFound",
      code: "SERVICE_NOT_FOUND",
    });
    expect((await download("/content/other")).error).toMatchObject({ failure: "unavailable", status: 503 });
  });

  it("asks for a token with the form URLSearchParams writes: the client-credentials members, then the assertion", async () => {
    const token = await client(undefined, undefined, "issuing").acquireToken();
    expect(token.value).toBe("issued");
    const form = tokenForms.at(-1) ?? "";
    const members = [...new URLSearchParams(form)];
    expect(members.map(([name]) => name)).toEqual([
      "grant_type",
      "client_id",
      "scope",
      "client_assertion_type",
      "client_assertion",
    ]);
    expect(members[0]?.[1]).toBe("client_credentials");
    // A signed JWS: three base64url parts.
    expect(members[4]?.[1]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(form).toBe(new URLSearchParams(members).toString());
  });

  it("renews from the refresh token its last token brought, and proves the device again when it is refused", async () => {
    const renewing = client(undefined, undefined, "renewing");
    renewalForms.length = 0;
    expect((await renewing.acquireToken()).value).toBe("proven");
    expect((await renewing.acquireToken()).value).toBe("renewed");
    expect((await renewing.acquireToken()).value).toBe("proven");
    expect(renewalForms.map((form) => form.get("refresh_token") ?? form.get("grant_type"))).toEqual([
      "client_credentials",
      "r1",
      "r2",
      "client_credentials",
    ]);
    const renewal = renewalForms[1];
    expect([...(renewal?.keys() ?? [])]).toEqual(["grant_type", "client_id", "scope", "refresh_token"]);
    expect(renewal?.get("client_id")).toBe("fc0f3af4-6835-4174-b806-f7db311fd2f3");
    // Any other failure of a renewal is the token request's failure, as the agent's retries expect.
    const busy = client(undefined, undefined, "renew-busy");
    await busy.acquireToken();
    const failure = await busy.acquireToken().then(
      () => undefined,
      (error: ServiceError) => error,
    );
    expect(failure?.failure).toBe("unavailable");
  });

  it("maps a failing token endpoint (503) to unavailable, which the agent retries", async () => {
    const failure = await client()
      .acquireToken()
      .then(
        () => undefined,
        (error: ServiceError) => error,
      );
    expect(failure?.failure).toBe("unavailable");
  });
});
