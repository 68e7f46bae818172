import { webcrypto } from "node:crypto";
import { rmSync } from "node:fs";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { afterEach, describe, expect, it } from "vitest";
import { enroll, startServer } from "./helpers.ts";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("enrollment", () => {
  it("registers a device and issues an MDM certificate chained to the service CA", async () => {
    const started = await startServer();
    close = started.close;
    const device = await enroll(started.server, "PC01");
    const certificate = new x509.X509Certificate(device.certificate);
    expect(certificate.subject).toBe(`CN=${device.deviceId}`);
    const ca = new x509.X509Certificate(started.server.intune.authority.root.certificatePem);
    expect(await certificate.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
    expect(device.privateKey).toContain("BEGIN PRIVATE KEY");
    expect(device.users[0]?.userPrincipalName).toBe("user-pc01@contoso.com");
    expect(started.server.intune.store.getDevice(device.deviceId)?.name).toBe("PC01");
  });

  it("signs a device's own key from a CSR and returns no private key", async () => {
    const started = await startServer();
    close = started.close;
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    const algorithm = {
      name: "RSASSA-PKCS1-v1_5",
      hash: "SHA-256",
      publicExponent: new Uint8Array([1, 0, 1]),
      modulusLength: 2048,
    };
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: "CN=PC02",
      keys,
      signingAlgorithm: algorithm,
    });
    const response = await started.server.inject({
      method: "POST",
      url: "/enrollment/devices",
      payload: { deviceName: "PC02", certificateSigningRequest: csr.toString("pem") },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.privateKey).toBeUndefined();
    const issued = new x509.X509Certificate(body.certificate);
    expect(Buffer.from(issued.publicKey.rawData)).toEqual(Buffer.from(csr.publicKey.rawData));
  });

  it("refuses bad bodies with 400 naming the member, and oversized ones with 413, storing nothing", async () => {
    const started = await startServer();
    close = started.close;
    const app = started.server;
    const noName = await app.inject({ method: "POST", url: "/enrollment/devices", payload: { users: [] } });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error.message).toContain("deviceName");
    const badUser = await app.inject({
      method: "POST",
      url: "/enrollment/devices",
      payload: { deviceName: "X", users: [{ userPrincipalName: "nobody" }] },
    });
    expect(badUser.statusCode).toBe(400);
    expect(badUser.json().error.message).toContain("users/0/userPrincipalName");
    const badCsr = await app.inject({
      method: "POST",
      url: "/enrollment/devices",
      payload: { deviceName: "X", certificateSigningRequest: "bm90IGEgY3NyIGF0IGFsbA==" },
    });
    expect(badCsr.statusCode).toBe(400);
    expect(badCsr.json().error.message).toContain("certificateSigningRequest");
    const huge = await app.inject({
      method: "POST",
      url: "/enrollment/devices",
      payload: JSON.stringify({ deviceName: "X", padding: "x".repeat(5 * 1024 * 1024) }),
      headers: { "content-type": "application/json" },
    });
    expect(huge.statusCode).toBe(413);
    const malformed = await app.inject({
      method: "POST",
      url: "/enrollment/devices",
      payload: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toBeDefined();
    expect(app.intune.store.listDevices()).toHaveLength(0);
  });

  it("keeps devices, keys and the CA across a restart", async () => {
    const first = await startServer();
    const device = await enroll(first.server);
    const rootPem = first.server.intune.authority.root.certificatePem;
    await first.server.close();
    const second = await startServer({ dataDir: first.dataDir });
    close = async () => {
      await second.server.close();
      rmSync(first.dataDir, { recursive: true, force: true });
    };
    expect(second.server.intune.store.getDevice(device.deviceId)?.name).toBe("PC01");
    expect(second.server.intune.authority.root.certificatePem).toBe(rootPem);
  });
});
