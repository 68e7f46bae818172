// Enrolling a run's devices with the in-process mock. A real device makes its own key pair; here every
// device of a run sends a PKCS#10 request for one run-wide RSA key (each still gets its own certificate
// and device id), because making a 2048-bit key per device would dominate a 1,000-device fleet.
// @peculiar/x509 needs the Reflect metadata polyfill loaded before it (its README).
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import type { DeviceIdentity } from "@imesim/agent";
import { ImesimError } from "@imesim/contracts/errors";
import type { MockIntuneServer } from "@imesim/mock-service";
import * as x509 from "@peculiar/x509";
import { InjectDispatcher } from "./inject-dispatcher.ts";

/** The run-wide key: its PKCS#8 PEM and a certificate request signed with it. */
export interface FleetKey {
  readonly privateKeyPem: string;
  readonly csrPem: string;
}

const RSA = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

// One key per process: a 2048-bit key pair costs tens of milliseconds of CPU, and `imesim run`, the benches and a
// fleet worker's shards would each make one more. The key is only the devices' stand-in for their own; nothing a run
// reports depends on its bits.
let processKey: Promise<FleetKey> | undefined;

/** The key pair and certificate request every device of a run sends: made on first use, then the same in the process. */
export function createFleetKey(): Promise<FleetKey> {
  processKey ??= makeFleetKey();
  // A failed attempt is not kept, so the next run tries again.
  processKey.catch(() => {
    processKey = undefined;
  });
  return processKey;
}

async function makeFleetKey(): Promise<FleetKey> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: "CN=imesim-device", keys, signingAlgorithm: RSA },
    webcrypto as unknown as Crypto,
  );
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)?.join("\n") ?? ""}\n-----END PRIVATE KEY-----\n`;
  return { privateKeyPem, csrPem: csr.toString("pem") };
}

/** Enrolls one device (POST /enrollment/devices with the run's CSR) and returns the identity the agent talks with. */
export async function enrollWithFleetKey(
  server: MockIntuneServer,
  baseUrl: string,
  key: FleetKey,
  request: {
    readonly deviceName: string;
    readonly osVersion: string;
    readonly users: ReadonlyArray<{ id: string; userPrincipalName: string; displayName: string }>;
  },
): Promise<DeviceIdentity> {
  // Through the in-process transport the devices' own requests take (in-process-http.ts): the same route, hooks,
  // schema validation and limits as `inject`, without light-my-request's per-request set-up (issue 18).
  const { origin, host } = new URL(baseUrl);
  const response = await new InjectDispatcher(server).requestWhole({
    origin,
    method: "POST",
    path: "/enrollment/devices",
    // The service writes its own URLs (token endpoint, discovery) from the Host the device used.
    headers: { host, "content-type": "application/json" },
    body: JSON.stringify({ ...request, users: [...request.users], certificateSigningRequest: key.csrPem }),
    // No time-out of its own: the run waits for the service's answer. A signal per request, as one shared by
    // every device enrolling at once would collect a listener per request.
    signal: new AbortController().signal,
  });
  const text = response.text;
  if (response.statusCode !== 201) {
    throw new ImesimError(
      "ENROLLMENT_FAILED",
      `enrolling ${request.deviceName} failed: HTTP ${response.statusCode} ${text.slice(0, 300)}`,
    );
  }
  const body = JSON.parse(text) as {
    deviceId: string;
    deviceName: string;
    osVersion: string;
    certificate: string;
    caCertificate: string;
    tokenEndpoint: string;
    serviceDiscoveryUrl: string;
  };
  return {
    deviceId: body.deviceId,
    deviceName: body.deviceName,
    osVersion: body.osVersion,
    certificatePem: body.certificate,
    privateKeyPem: key.privateKeyPem,
    tokenEndpoint: body.tokenEndpoint,
    serviceDiscoveryUrl: body.serviceDiscoveryUrl,
    caCertificatePem: body.caCertificate,
  };
}
