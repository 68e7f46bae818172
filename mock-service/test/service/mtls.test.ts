// Mutual TLS on the device channel (ime.md §3.1–3.2, graph-win32.md §5.4): discovery and SideCar sessions
// need the enrolled device's certificate as the TLS client certificate; everything else takes none.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createSideCarSessionRequest,
  decodePolicyListPayload,
  parseContentInfoPayload,
  SERVICE_DISCOVERY_PATH,
  sideCarGatewayUrl,
} from "@imesim/contracts/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import { CertificateAuthority, generateRsaKeys, privateKeyToPem } from "../../src/pki/authority.ts";
import { x509 } from "../../src/pki/x509.ts";
import {
  adminToken,
  contentInfoRequest,
  deviceToken,
  type Enrolled,
  encryptedContent,
  enroll,
  publishRequiredApp,
  startServer,
} from "./helpers.ts";

/** A TLS client certificate and its key (PEM). */
interface ClientCertificate {
  readonly cert: string;
  readonly key: string;
}

interface Answer {
  readonly status: number;
  readonly body: Buffer;
}

let app: MockIntuneServer;
let close: () => Promise<void>;
let port = 0;
let ca = "";
let admin: { authorization: string };
let deviceA: Enrolled;
let deviceB: Enrolled;
let appId = "";
let foreignDir = "";
let foreign: ClientCertificate;
const plain = Buffer.from("inner zip bytes ".repeat(1000));
const content = encryptedContent(plain);

const certificateOf = (device: Enrolled): ClientCertificate => ({
  cert: device.certificate,
  key: device.privateKey,
});

/** One HTTPS request on a fresh connection to the mock, with or without a client certificate. */
function call(
  method: string,
  path: string,
  options: { client?: ClientCertificate; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        ca,
        agent: false,
        ...(options.client === undefined ? {} : { cert: options.client.cert, key: options.client.key }),
        headers: options.headers ?? {},
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks) }));
        incoming.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

/** `PUT SideCarGatewaySessions('{id}')` over TLS with a bearer token and a client certificate (or none). */
async function session(
  token: string,
  client: ClientCertificate | undefined,
  type = "RequestApplication",
  payload = "[]",
): Promise<Answer> {
  const sessionId = randomUUID();
  return call("PUT", `/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.5`, {
    ...(client === undefined ? {} : { client }),
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(
      createSideCarSessionRequest({
        sessionId,
        requestContentType: type,
        requestPayload: payload,
        clientInfo: null,
        checkinReason: "AgentRestart",
      }),
    ),
  });
}

const messageOf = (answer: Answer): string =>
  (JSON.parse(answer.body.toString("utf8")) as { error: { message: string } }).error.message;

beforeAll(async () => {
  const started = await startServer({ tls: true });
  app = started.server;
  close = started.close;
  ca = app.intune.authority.root.certificatePem;
  port = Number(new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port);
  admin = { authorization: `Bearer ${await adminToken(app)}` };
  deviceA = await enroll(app, "DEVICE-A");
  deviceB = await enroll(app, "DEVICE-B");
  appId = await publishRequiredApp(
    app,
    admin,
    { ...content, size: plain.length },
    { displayName: "mTLS app" },
  );
  // A look-alike of device A's certificate (same CN) from a CA this service never made.
  foreignDir = mkdtempSync(join(tmpdir(), "imesim-foreign-ca-"));
  const otherAuthority = await CertificateAuthority.open(foreignDir);
  const keys = await generateRsaKeys();
  const forged = await otherAuthority.issue({
    subject: `CN=${deviceA.deviceId}`,
    publicKey: keys.publicKey,
    validDays: 30,
    usages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    extendedUsages: [x509.ExtendedKeyUsage.clientAuth],
  });
  foreign = { cert: forged.toString("pem"), key: await privateKeyToPem(keys.privateKey) };
});
afterAll(async () => {
  await close();
  rmSync(foreignDir, { recursive: true, force: true });
});

describe("SideCar sessions over mutual TLS", () => {
  it("an enrolled device presenting its own certificate checks in", async () => {
    const answer = await session(await deviceToken(app, deviceA), certificateOf(deviceA));
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body.toString("utf8")) as { ResponsePayload: string };
    const apps = decodePolicyListPayload(body.ResponsePayload) as Array<{ Id: string }>;
    expect(apps.map((policy) => policy.Id)).toContain(appId);
  });

  it("refuses a session without a client certificate (403)", async () => {
    const answer = await session(await deviceToken(app, deviceA), undefined);
    expect(answer.status).toBe(403);
    expect(messageOf(answer)).toMatch(/No client certificate/);
  });

  it("refuses a certificate from another CA, even one naming an enrolled device (403)", async () => {
    const answer = await session(await deviceToken(app, deviceA), foreign);
    expect(answer.status).toBe(403);
    expect(messageOf(answer)).toMatch(/Unknown client certificate: it was not issued by this service/);
  });

  it("refuses device A's token with device B's certificate (403)", async () => {
    const answer = await session(await deviceToken(app, deviceA), certificateOf(deviceB));
    expect(answer.status).toBe(403);
    expect(messageOf(answer)).toMatch(/another device's/);
  });

  it("a user session of the device needs the device's certificate too", async () => {
    const user = deviceA.users[0];
    if (user === undefined) throw new Error("enroll gave device A no user");
    const token = await deviceToken(app, deviceA, user.id);
    expect((await session(token, certificateOf(deviceA), "GetAvailableApp")).status).toBe(200);
    expect((await session(token, certificateOf(deviceB), "GetAvailableApp")).status).toBe(403);
  });

  it("checks the token before the certificate: a bad token is still a 401", async () => {
    expect((await session("not-a-token", certificateOf(deviceA))).status).toBe(401);
  });
});

describe("service discovery over mutual TLS", () => {
  it("answers a device presenting its certificate", async () => {
    const answer = await call("GET", SERVICE_DISCOVERY_PATH, { client: certificateOf(deviceB) });
    expect(answer.status).toBe(200);
    expect(sideCarGatewayUrl(JSON.parse(answer.body.toString("utf8")))).toBe(
      `https://127.0.0.1:${port}/SideCar`,
    );
  });

  it("refuses no certificate and a certificate from another CA (403)", async () => {
    const none = await call("GET", SERVICE_DISCOVERY_PATH);
    expect(none.status).toBe(403);
    expect(messageOf(none)).toMatch(/No client certificate/);
    const forged = await call("GET", SERVICE_DISCOVERY_PATH, { client: foreign });
    expect(forged.status).toBe(403);
    expect(messageOf(forged)).toMatch(/Unknown client certificate/);
  });

  it("refuses the service's own TLS certificate: same CA, but no enrolled device's", async () => {
    const tls = app.intune.tlsCertificate;
    if (tls === undefined) throw new Error("the server has no TLS certificate");
    const answer = await call("GET", SERVICE_DISCOVERY_PATH, {
      client: { cert: tls.certificatePem, key: tls.privateKeyPem },
    });
    expect(answer.status).toBe(403);
    expect(messageOf(answer)).toMatch(/not the certificate of an enrolled device/);
  });
});

describe("routes without a client certificate", () => {
  it("Graph answers over TLS with no client certificate", async () => {
    const answer = await call("GET", `/beta/deviceAppManagement/mobileApps/${appId}`, { headers: admin });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString("utf8"))).toMatchObject({ id: appId });
  });

  it("enrollment and the content download need no client certificate", async () => {
    const enrolled = await call("POST", "/enrollment/devices", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ deviceName: "DEVICE-C" }),
    });
    expect(enrolled.status).toBe(201);
    const info = await session(
      await deviceToken(app, deviceA),
      certificateOf(deviceA),
      "GetContentInfo",
      contentInfoRequest(appId, deviceA),
    );
    expect(info.status).toBe(200);
    const body = JSON.parse(info.body.toString("utf8")) as { ResponsePayload: string };
    const location = parseContentInfoPayload(body.ResponsePayload).UploadLocation;
    if (location === null) throw new Error("GetContentInfo gave no UploadLocation");
    const url = new URL(location);
    const download = await call("GET", `${url.pathname}${url.search}`);
    expect(download.status).toBe(200);
    expect(download.body.equals(content.bin)).toBe(true);
  });
});
