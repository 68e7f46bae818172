// The in-process transport (inject-dispatcher.ts over in-process-http.ts) skips sockets and HTTP text, never a
// check: the same requests sent to the same mock over a loopback socket and in process get the same status,
// the same headers (bar the ones only a socket adds) and the same body. Successes, each refusal the device
// channel knows, a schema error, an unknown path, planned faults and content downloads with Range.
import { randomBytes, randomUUID } from "node:crypto";
import {
  createSideCarSessionRequest,
  parseContentInfo,
  parseContentInfoPayload,
  parseSideCarSession,
  SERVICE_DISCOVERY_PATH,
} from "@imesim/contracts/gateway";
import type { MockIntuneServer } from "@imesim/mock-service";
import { Agent, type Dispatcher, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminToken,
  contentInfoRequest,
  deviceToken,
  type Enrolled,
  encryptedContent,
  enroll,
  publishRequiredApp,
  startServer,
} from "../../../mock-service/test/service/helpers.ts";
import { createFleetKey, enrollWithFleetKey } from "../../src/run/enrollment.ts";
import { InjectDispatcher } from "../../src/run/inject-dispatcher.ts";

/** What a client sees of one answer; `failed` when the body broke off (a reset connection). */
interface Seen {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  failed: boolean;
}

// Headers only a socket has (connection management, the date line) and ids made per request.
const socketOnly = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const timestamp = /\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?Z?/g;

function comparable(seen: Seen, requestId: string | undefined): Seen {
  const clean = (text: string) =>
    (requestId === undefined ? text : text.replaceAll(requestId, "<request-id>"))
      // Ids and time stamps made per answer (trace ids, error dates): two requests may straddle a second.
      .replace(uuid, "<uuid>")
      .replace(timestamp, "<time>");
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(seen.headers).sort(([a], [b]) => a.localeCompare(b))) {
    if (socketOnly.has(name)) continue;
    headers[name] = typeof value === "string" ? clean(value) : value.map(clean);
  }
  return { ...seen, headers, body: clean(seen.body) };
}

const PLAIN = randomBytes(300_000);
const FAULTED = randomUUID();

let closeServer: () => Promise<void>;
let server: MockIntuneServer;
let baseUrl: string;
let device: Enrolled;
let token: string;
let appId: string;
let graphToken: string;
const socketAgent = new Agent();
let inProcess: InjectDispatcher;

async function send(
  dispatcher: Dispatcher,
  method: Dispatcher.HttpMethod,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Seen> {
  const response = await request(`${baseUrl}${path}`, {
    method,
    // The service writes its own URLs from the Host the client used: the same on both paths.
    headers: { host: "intune.imesim.test", ...headers },
    ...(body === undefined ? {} : { body }),
    dispatcher,
  });
  const chunks: Buffer[] = [];
  let failed = false;
  try {
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
  } catch {
    failed = true;
  }
  const seen: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) seen[name] = value;
  return {
    status: response.statusCode,
    headers: seen,
    body: failed
      ? `<${Buffer.concat(chunks).length} bytes, then reset>`
      : Buffer.concat(chunks).toString("latin1"),
    failed,
  };
}

/** The same request answered whole (whole-answer.ts: how the agent reads its small answers in process). */
async function sendWhole(
  method: "GET" | "POST" | "PUT",
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Seen> {
  try {
    const answer = await inProcess.requestWhole({
      origin: baseUrl,
      path,
      method,
      headers: { host: "intune.imesim.test", ...headers },
      ...(body === undefined ? {} : { body }),
      signal: new AbortController().signal,
    });
    const seen: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) seen[name] = value;
    return { status: answer.statusCode, headers: seen, body: answer.text, failed: false };
  } catch (error) {
    expect((error as { midBody?: boolean }).midBody).toBe(true);
    return { status: 0, headers: {}, body: "", failed: true };
  }
}

/**
 * Sends the request over the socket, then in process (through undici's dispatch, and answered whole), and
 * returns the socket's and the dispatched answer ready to compare; the whole answer must equal the dispatched.
 */
async function overBoth(
  method: Dispatcher.HttpMethod,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
  sealsKeys = false,
): Promise<[Seen, Seen]> {
  const wire = await send(socketAgent, method, path, headers, body);
  const local = await send(inProcess, method, path, headers, body);
  if (method === "GET" || method === "POST" || method === "PUT") {
    const whole = await sendWhole(method as "GET" | "POST" | "PUT", path, headers, body);
    if (whole.failed) expect(local.failed).toBe(true);
    else {
      // The whole answer is the body decoded as UTF-8; the dispatched one's bytes are held as latin1 text.
      const asText = {
        ...local,
        body: local.failed ? local.body : Buffer.from(local.body, "latin1").toString("utf8"),
      };
      const [a, b] = [whole, asText].map((seen) => comparable(seen, seen.headers["request-id"] as string));
      // A content answer seals fresh keys each time: its headers and status must agree, its body cannot.
      if (sealsKeys) expect({ ...a, body: "" }).toEqual({ ...b, body: "" });
      else expect(a).toEqual(b);
    }
  }
  expect(typeof wire.headers["request-id"]).toBe("string");
  expect(typeof local.headers["request-id"]).toBe("string");
  return [
    comparable(wire, wire.headers["request-id"] as string),
    comparable(local, local.headers["request-id"] as string),
  ];
}

function session(type: string, payload: string): { path: string; body: string } {
  const id = randomUUID();
  return {
    path: `/SideCar/SideCarGatewaySessions('${id}')?api-version=1.5`,
    body: JSON.stringify(
      createSideCarSessionRequest({
        sessionId: id,
        requestContentType: type,
        requestPayload: payload,
        clientInfo: null,
        checkinReason: "AgentRestart",
      }),
    ),
  };
}

const json = { "content-type": "application/json" };

/** A SideCar session of `type` over both paths; `authorization` null sends none. */
function sessionOverBoth(
  type: string,
  payload: string,
  authorization: string | null = `Bearer ${token}`,
  body: (sent: string) => string = (sent) => sent,
): Promise<[Seen, Seen]> {
  const call = session(type, payload);
  const headers = authorization === null ? json : { ...json, authorization };
  return overBoth("PUT", call.path, headers, body(call.body), type === "GetContentInfo");
}

beforeAll(async () => {
  ({ server, close: closeServer } = await startServer({
    logger: false,
    faults: {
      rules: [
        { match: { route: "discovery" }, effect: { kind: "throttle", retryAfterSeconds: 7 }, times: 3 },
        { match: { route: "content", deviceId: FAULTED }, effect: { kind: "drop", afterBytes: 70_000 } },
        {
          match: { requestContentType: "GetSelectedApp" },
          effect: { kind: "status", status: 503 },
          times: 3,
        },
      ],
    },
  }));
  baseUrl = await server.listen({ port: 0, host: "127.0.0.1" });
  inProcess = new InjectDispatcher(server);
  device = await enroll(server);
  token = await deviceToken(server, device);
  const content = encryptedContent(PLAIN);
  graphToken = await adminToken(server);
  appId = await publishRequiredApp(
    server,
    { authorization: `Bearer ${graphToken}` },
    { ...content, size: PLAIN.length },
  );
});

afterAll(async () => {
  await socketAgent.close();
  await closeServer();
});

describe("the in-process transport answers as the socket does", () => {
  it("service discovery: a planned throttle, then the answer", async () => {
    const [wire, local] = await overBoth("GET", SERVICE_DISCOVERY_PATH);
    expect(wire.status).toBe(429);
    expect(wire.headers["retry-after"]).toBe("7");
    expect(local).toEqual(wire);
    const [wire2, local2] = await overBoth("GET", SERVICE_DISCOVERY_PATH);
    expect(wire2.status).toBe(200);
    expect(local2).toEqual(wire2);
  });

  it("a check-in with the device token, and its refusals: no token, a bad token, a forged signature", async () => {
    const [wire, local] = await sessionOverBoth("RequestApplication", "[]");
    expect(wire.status).toBe(200);
    // The session echoes its own time stamps; the app list and the answer's shape are what must agree.
    expect(local.headers).toEqual(wire.headers);
    expect(parseSideCarSession(JSON.parse(local.body)).ResponsePayload).toBe(
      parseSideCarSession(JSON.parse(wire.body)).ResponsePayload,
    );
    for (const authorization of [null, "Bearer not-a-token", `Bearer ${token.slice(0, -4)}AAAA`]) {
      const [wire401, local401] = await sessionOverBoth("RequestApplication", "[]", authorization);
      expect(wire401.status).toBe(401);
      expect(wire401.headers["www-authenticate"]).toContain("invalid_token");
      expect(local401).toEqual(wire401);
    }
  });

  it("refusals outside the device channel: a device token on Graph, a forged blob signature, another tenant", async () => {
    const [wire, local] = await overBoth("GET", "/beta/deviceAppManagement/mobileApps", {
      authorization: `Bearer ${token}`,
    });
    expect(wire.status).toBe(401);
    expect(local).toEqual(wire);
    const fileId = randomUUID();
    const [blob, blobLocal] = await overBoth(
      "PUT",
      `/blob/${appId}/${fileId}.intunewin.bin?sig=forged&comp=block&blockid=MDAwMA%3D%3D`,
      { "content-type": "application/octet-stream", "x-ms-blob-type": "BlockBlob" },
      "some bytes",
    );
    expect(blob.status).toBe(403);
    expect(blobLocal).toEqual(blob);
    const [tenant, tenantLocal] = await overBoth(
      "POST",
      `/${randomUUID()}/oauth2/v2.0/token`,
      { "content-type": "application/x-www-form-urlencoded" },
      "grant_type=client_credentials&client_id=fc0f3af4-6835-4174-b806-f7db311fd2f3",
    );
    expect(tenant.status).toBeGreaterThanOrEqual(400);
    expect(tenantLocal).toEqual(tenant);
  });

  it("a body that breaks a schema is a 400 on both: a Graph app, a SideCar session, broken JSON", async () => {
    const [graph, graphLocal] = await overBoth(
      "POST",
      "/beta/deviceAppManagement/mobileApps",
      { ...json, authorization: `Bearer ${graphToken}` },
      JSON.stringify({ "@odata.type": "#microsoft.graph.win32LobApp", displayName: 12 }),
    );
    expect(graph.status).toBe(400);
    expect(graph.body).toContain("ModelValidationFailure");
    expect(graphLocal).toEqual(graph);
    const [wire, local] = await sessionOverBoth("RequestApplication", "[]", `Bearer ${token}`, (sent) =>
      JSON.stringify({ ...JSON.parse(sent), RequestContentType: 12 }),
    );
    expect(wire.status).toBe(400);
    expect(local).toEqual(wire);
    const [wireJson, localJson] = await sessionOverBoth(
      "RequestApplication",
      "[]",
      `Bearer ${token}`,
      () => "{nope",
    );
    expect(wireJson.status).toBe(400);
    expect(localJson).toEqual(wireJson);
  });

  it("enrollment as a run enrolls its devices (run/enrollment.ts): a CSR, a bad CSR, a missing name", async () => {
    const key = await createFleetKey();
    const request = { deviceName: "PC-PARITY", osVersion: "10.0.26100", users: [] };
    const body = (fields: Record<string, unknown>) => JSON.stringify({ ...request, ...fields });
    const good = body({ certificateSigningRequest: key.csrPem });
    const headers = { host: "intune.imesim.test", ...json };
    // Each enrollment is a new device with its own certificate (whose serial may be a byte shorter): the rest
    // of the answer must agree.
    const withoutCertificate = (seen: Seen) => {
      const { "content-length": _length, ...kept } = comparable(
        seen,
        seen.headers["request-id"] as string,
      ).headers;
      const answer = JSON.parse(seen.body) as Record<string, string>;
      expect(answer.certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
      return { ...seen, headers: kept, body: { ...answer, deviceId: "", certificate: "", thumbprint: "" } };
    };
    const wire = await send(socketAgent, "POST", "/enrollment/devices", headers, good);
    expect(wire.status).toBe(201);
    for (const local of [
      await send(inProcess, "POST", "/enrollment/devices", headers, good),
      await sendWhole("POST", "/enrollment/devices", json, good),
    ])
      expect(withoutCertificate(local)).toEqual(withoutCertificate(wire));
    // The run's own call reads the same answer into the device's identity.
    const identity = await enrollWithFleetKey(server, "http://intune.imesim.test", key, request);
    const answer = JSON.parse(wire.body) as Record<string, string>;
    expect(identity).toMatchObject({
      deviceName: "PC-PARITY",
      osVersion: "10.0.26100",
      tokenEndpoint: answer.tokenEndpoint,
      serviceDiscoveryUrl: answer.serviceDiscoveryUrl,
      caCertificatePem: answer.caCertificate,
      privateKeyPem: key.privateKeyPem,
    });
    for (const fields of [{ certificateSigningRequest: "bm90IGEgQ1NS" }, { deviceName: 7 }]) {
      const [badWire, badLocal] = await overBoth("POST", "/enrollment/devices", json, body(fields));
      expect(badWire.status).toBe(400);
      expect(badLocal).toEqual(badWire);
    }
  });

  it("an unknown path is a 404 in Graph's error shape on both", async () => {
    const [wire, local] = await overBoth("GET", "/nowhere/at/all?x='1'");
    expect(wire.status).toBe(404);
    expect(local).toEqual(wire);
  });

  it("a planned 503 on a session type", async () => {
    const [wire, local] = await sessionOverBoth("GetSelectedApp", "[]");
    expect(wire.status).toBe(503);
    expect(local).toEqual(wire);
  });

  it("the content download: whole, from a byte on (Range), past the end (416), a bad signature, a dropped body", async () => {
    const [wire, local] = await sessionOverBoth("GetContentInfo", contentInfoRequest(appId, device));
    expect(wire.status).toBe(200);
    expect(local.headers).toEqual(wire.headers);
    // The URL as the service wrote it (the compared bodies have their ids masked).
    const plain = session("GetContentInfo", contentInfoRequest(appId, device));
    const answer = await send(
      inProcess,
      "PUT",
      plain.path,
      { ...json, authorization: `Bearer ${token}` },
      plain.body,
    );
    const payload = parseSideCarSession(JSON.parse(answer.body)).ResponsePayload as string;
    const contentInfo = parseContentInfoPayload(payload, "ResponsePayload").ContentInfo as string;
    const url = new URL(parseContentInfo(contentInfo).UploadLocation);
    const path = `${url.pathname}${url.search}`;

    const [whole, wholeLocal] = await overBoth("GET", path);
    expect(whole.status).toBe(200);
    expect(whole.headers["content-length"]).toBe(String(whole.body.length));
    expect(wholeLocal).toEqual(whole);
    for (const range of ["bytes=100000-", "bytes=5-9", `bytes=${whole.body.length}-`]) {
      const [wireRange, localRange] = await overBoth("GET", path, { range });
      expect([206, 416]).toContain(wireRange.status);
      expect(localRange).toEqual(wireRange);
    }
    // The signature's first character changed to another (a fixed "A" left 1 signature in 64 as it was).
    const forgedPath = path.replace(/sig=(.)/, (_, first: string) => `sig=${first === "A" ? "B" : "A"}`);
    expect(forgedPath).not.toBe(path);
    const [forged, forgedLocal] = await overBoth("GET", forgedPath);
    expect(forged.status).toBe(404);
    expect(forgedLocal).toEqual(forged);

    // A URL signed for another device is refused before any fault: sign one for the faulted device.
    const { contentUrl } = await import("../../../mock-service/src/content/content-url.ts");
    const file = server.intune.store.getFile(
      url.pathname
        .split("/")
        .at(-1)
        ?.replace(/\.intunewin\.bin$/, "") ?? "",
    );
    if (file === undefined) throw new Error("no content file");
    const signed = new URL(
      contentUrl(
        server.intune,
        { headers: { host: "x" }, protocol: "http", host: "x" } as never,
        file,
        FAULTED,
      ),
    );
    const [dropped, droppedLocal] = await overBoth("GET", `${signed.pathname}${signed.search}`);
    expect(dropped.status).toBe(200);
    expect(dropped.failed).toBe(true);
    expect(droppedLocal.failed).toBe(true);
    expect(droppedLocal.headers).toEqual(dropped.headers);
  });
});
