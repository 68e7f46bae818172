import { randomUUID, webcrypto } from "node:crypto";
import http from "node:http";
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
  publishRequiredApp,
  startServer,
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
  const plain = Buffer.alloc(10_000, 1);
  await publishRequiredApp(app, admin, { ...encryptedContent(plain), size: plain.length });
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
      // One keep-alive connection per device, as each IME holds its own.
      const agents = new Map(
        tokens.map((token) => [token, new http.Agent({ keepAlive: true, maxSockets: 1 })]),
      );
      const target = new URL(base);
      const checkIn = (token: string): Promise<boolean> =>
        new Promise((resolve) => {
          const sessionId = randomUUID();
          const body = JSON.stringify(
            createSideCarSessionRequest({
              sessionId,
              requestContentType: "RequestApplication",
              clientInfo: null,
              checkinReason: "MaintenanceTimer",
            }),
          );
          const request = http.request(
            {
              host: target.hostname,
              port: target.port,
              method: "PUT",
              path: `/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.5`,
              agent: agents.get(token),
              headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            },
            (response) => {
              const chunks: Buffer[] = [];
              response.on("data", (chunk: Buffer) => chunks.push(chunk));
              response.on("end", () => {
                try {
                  const answer = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
                    ResponsePayload: string;
                  };
                  resolve(
                    response.statusCode === 200 &&
                      decodePolicyListPayload(answer.ResponsePayload).length === 1,
                  );
                } catch {
                  resolve(false);
                }
              });
            },
          );
          request.on("error", () => resolve(false));
          request.end(body);
        });
      // Every device's first check-in (connection set-up, policy computed and cached), timed apart
      // from the steady state that follows.
      const warmStart = performance.now();
      const firstResults = await Promise.all(tokens.map(checkIn));
      const warmSeconds = (performance.now() - warmStart) / 1000;
      let errors = firstResults.filter((ok) => !ok).length;
      const latencies: number[] = [];
      const deadline = performance.now() + seconds * 1000;
      const device = async (token: string) => {
        while (performance.now() < deadline) {
          const began = performance.now();
          if (!(await checkIn(token))) errors += 1;
          latencies.push(performance.now() - began);
        }
      };
      await Promise.all(tokens.map(device));
      for (const agent of agents.values()) agent.destroy();
      latencies.sort((a, b) => a - b);
      console.log(
        `load: first check-in of ${devices} devices took ${warmSeconds.toFixed(1)} s; then ${seconds} s: ` +
          `${latencies.length} check-ins (${Math.round(latencies.length / seconds)}/s), ` +
          `errors ${errors}, p50 ${percentile(latencies, 50).toFixed(1)} ms, p90 ${percentile(latencies, 90).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${percentile(latencies, 100).toFixed(1)} ms`,
      );
      expect(errors).toBe(0);
      expect(latencies.length).toBeGreaterThanOrEqual(devices);
    },
    (seconds + 120) * 1000,
  );
});
