import { randomUUID, webcrypto } from "node:crypto";
import "reflect-metadata";
import { createSideCarSessionRequest, decodePolicyListPayload } from "@imesim/contracts/gateway";
import * as x509 from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import {
  adminToken,
  deviceToken,
  type Enrolled,
  encryptedContent,
  sampleApp,
  startServer,
  uploadContent,
} from "./helpers.ts";

// Bounded load test on loopback. The run is 500 devices for 30 s:
//   IMESIM_LOAD_SECONDS=30 npx vitest run mock-service/test/service/load.test.ts
// The default stays short so the ordinary test run does too.
const devices = Number(process.env.IMESIM_LOAD_DEVICES ?? 500);
const seconds = Number(process.env.IMESIM_LOAD_SECONDS ?? 3);

let app: MockIntuneServer;
let close: () => Promise<void>;
let base: string;
const tokens: string[] = [];

beforeAll(async () => {
  const started = await startServer();
  app = started.server;
  close = started.close;
  const admin = { authorization: `Bearer ${await adminToken(app)}` };
  const appId = (
    await app.inject({
      method: "POST",
      url: "/beta/deviceAppManagement/mobileApps",
      payload: sampleApp(),
      headers: admin,
    })
  ).json().id;
  const plain = Buffer.alloc(10_000, 1);
  await uploadContent(app, admin, appId, { ...encryptedContent(plain), size: plain.length });
  await app.inject({
    method: "POST",
    url: `/beta/deviceAppManagement/mobileApps/${appId}/assign`,
    payload: {
      mobileAppAssignments: [
        { intent: "required", target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } },
      ],
    },
    headers: admin,
  });
  // One key for the whole fleet (each device still gets its own certificate): RSA key generation
  // per device would dominate the set-up time.
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const algorithm = {
    name: "RSASSA-PKCS1-v1_5",
    hash: "SHA-256",
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const privateKey = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64")}\n-----END PRIVATE KEY-----\n`;
  for (let index = 0; index < devices; index += 1) {
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: `CN=LOAD-${index}`,
      keys,
      signingAlgorithm: algorithm,
    });
    const response = await app.inject({
      method: "POST",
      url: "/enrollment/devices",
      payload: { deviceName: `LOAD-${index}`, certificateSigningRequest: csr.toString("pem") },
    });
    const enrolled = { ...(response.json() as Enrolled), privateKey };
    tokens.push(await deviceToken(app, enrolled));
  }
  base = await app.listen({ port: 0, host: "127.0.0.1" });
}, 600_000);
afterAll(async () => close());

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

describe("load", () => {
  it(
    `${devices} concurrent devices check in for ${seconds} s with zero errors`,
    async () => {
      const latencies: number[] = [];
      let errors = 0;
      const deadline = performance.now() + seconds * 1000;
      const device = async (token: string) => {
        while (performance.now() < deadline) {
          const sessionId = randomUUID();
          const began = performance.now();
          try {
            const response = await fetch(
              `${base}/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.5`,
              {
                method: "PUT",
                headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
                body: JSON.stringify(
                  createSideCarSessionRequest({
                    sessionId,
                    requestContentType: "RequestApplication",
                    clientInfo: null,
                    checkinReason: "MaintenanceTimer",
                  }),
                ),
              },
            );
            const body = (await response.json()) as { ResponsePayload: string };
            if (response.status !== 200 || decodePolicyListPayload(body.ResponsePayload).length !== 1)
              errors += 1;
          } catch {
            errors += 1;
          }
          latencies.push(performance.now() - began);
        }
      };
      await Promise.all(tokens.map(device));
      latencies.sort((a, b) => a - b);
      console.log(
        `load: ${devices} devices, ${seconds} s: ${latencies.length} check-ins (${Math.round(latencies.length / seconds)}/s), ` +
          `errors ${errors}, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      );
      expect(errors).toBe(0);
      expect(latencies.length).toBeGreaterThanOrEqual(devices);
    },
    (seconds + 120) * 1000,
  );
});
