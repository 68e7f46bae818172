// The HTTP client over HTTPS (ime.md §3.1–3.2, graph-win32.md §5.4): service discovery and SideCar sessions
// present the device certificate as the TLS client certificate; the token and the content download do not.
// The server is a stand-in that records which certificate each request came with.
import "reflect-metadata";
import { webcrypto, X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import {
  createServiceAddresses,
  createSideCarSessionResponse,
  encodePolicyListPayload,
  parseSideCarSession,
  ResponseContentType,
  SIDECAR_SERVICE_NAME,
  serializeSideCarSession,
} from "@imesim/contracts/gateway";
import * as x509 from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVirtualClock } from "../../src/clock/index.ts";
import type { DeviceIdentity } from "../../src/service-client/device-identity.ts";
import { createHttpServiceClient } from "../../src/service-client/http-client.ts";
import { isServiceError } from "../../src/service-client/types.ts";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const algorithm = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;
const DEVICE_ID = "5c1b1a5e-0000-4000-8000-000000000001";
const CONTENT = Buffer.alloc(10_000, 0x42);

interface Keyed {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** What the server saw: each request's path and the SHA-256 fingerprint of its client certificate, if any. */
const seen: Array<{ path: string; fingerprint: string | undefined }> = [];
let server: Server;
let base = "";
let caPem = "";
let device: Keyed;

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString("base64")}\n-----END PRIVATE KEY-----\n`;
}

async function issue(
  issuer: { certificate: x509.X509Certificate; key: CryptoKey },
  subject: string,
  extensions: x509.Extension[],
): Promise<Keyed> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: Date.now().toString(16),
    subject,
    issuer: issuer.certificate.subject,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: algorithm,
    publicKey: keys.publicKey,
    signingKey: issuer.key,
    extensions,
  });
  return { certificatePem: certificate.toString("pem"), privateKeyPem: await keyPem(keys.privateKey) };
}

function identity(overrides: Partial<DeviceIdentity> = {}): DeviceIdentity {
  return {
    deviceId: DEVICE_ID,
    deviceName: "PC01",
    osVersion: "10.0.26100",
    certificatePem: device.certificatePem,
    privateKeyPem: device.privateKeyPem,
    tokenEndpoint: `${base}/tenant/oauth2/v2.0/token`,
    serviceDiscoveryUrl: `${base}/discovery`,
    caCertificatePem: caPem,
    ...overrides,
  };
}

function client(id: DeviceIdentity) {
  return createHttpServiceClient({
    identity: id,
    clock: createVirtualClock(Date.UTC(2026, 0, 1)),
    agentVersion: "1.101.111.0",
    timeoutMs: 5_000,
  });
}

beforeAll(async () => {
  const caKeys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=test root",
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: algorithm,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  caPem = ca.toString("pem");
  const issuer = { certificate: ca, key: caKeys.privateKey };
  const tls = await issue(issuer, "CN=localhost", [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension([{ type: "ip", value: "127.0.0.1" }]),
  ]);
  device = await issue(issuer, `CN=${DEVICE_ID}`, [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ]);

  server = createServer(
    {
      key: tls.privateKeyPem,
      cert: tls.certificatePem,
      ca: caPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (request, response) => {
      const path = (request.url ?? "").split("?")[0] ?? "";
      const peer = (request.socket as TLSSocket).getPeerX509Certificate();
      seen.push({ path, fingerprint: peer?.fingerprint256 });
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        if (path.endsWith("/token")) {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify({ access_token: "token", expires_in: 3599 }));
        } else if (path === "/discovery") {
          response.writeHead(peer === undefined ? 403 : 200, { "content-type": "application/json" });
          response.end(JSON.stringify(createServiceAddresses({ [SIDECAR_SERVICE_NAME]: `${base}/SideCar` })));
        } else if (path.startsWith("/SideCar/SideCarGatewaySessions")) {
          if (peer === undefined) {
            response.writeHead(403, { "content-type": "application/json" });
            response.end('{"error":{"code":"accessDenied","message":"No client certificate."}}');
            return;
          }
          const session = parseSideCarSession(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          const answer = createSideCarSessionResponse(session, {
            serviceRoot: `${base}/SideCar`,
            responseContentType: ResponseContentType.PolicyResponse,
            responsePayload: encodePolicyListPayload([]),
            checkinIntervalMinutes: 60,
          });
          response.writeHead(200, { "content-type": "application/json" });
          response.end(serializeSideCarSession(answer));
        } else {
          response.writeHead(200, { "content-length": String(CONTENT.length) });
          response.end(CONTENT);
        }
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("HTTP service client over HTTPS", () => {
  it("checks in with the device certificate on the device channel, and none on token and content", async () => {
    seen.length = 0;
    const service = client(identity());
    const token = await service.acquireToken();
    const apps = await service.requestApps({
      token: token.value,
      kind: "required",
      userId: "00000000-0000-0000-0000-000000000000",
      reason: "AgentRestart",
    });
    expect(JSON.parse(apps.policiesJson)).toEqual([]);
    expect(apps.checkinIntervalMinutes).toBe(60);
    let bytes = 0;
    for await (const chunk of service.downloadContent({
      token: token.value,
      url: `${base}/content/app.bin`,
      fromByte: 0,
    }))
      bytes += chunk.length;
    expect(bytes).toBe(CONTENT.length);

    const expected = new X509Certificate(device.certificatePem).fingerprint256;
    const sessionPath = "/SideCar/SideCarGatewaySessions('{id}')";
    expect(
      seen.map(({ path, fingerprint }) => ({ path: path.replace(/\(.*\)$/, "('{id}')"), fingerprint })),
    ).toEqual([
      { path: "/tenant/oauth2/v2.0/token", fingerprint: undefined },
      { path: "/discovery", fingerprint: expected },
      { path: sessionPath, fingerprint: expected },
      { path: "/content/app.bin", fingerprint: undefined },
    ]);

    // The client closes the TLS dispatchers it made: a later call finds them closed, not a leaked pool.
    await service.close?.();
    const afterClose = await service.acquireToken().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(afterClose).toBeDefined();
  });

  it("trusts the service CA from the identity: without it the TLS handshake fails as unavailable", async () => {
    const { caCertificatePem: _dropped, ...untrusting } = identity();
    const failure = await client(untrusting)
      .acquireToken()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isServiceError(failure) && failure.failure).toBe("unavailable");
  });
});
