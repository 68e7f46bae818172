// The service's per-device crypto after the fleet speed-ups: DecryptInfo sealed with node:crypto must
// still be CMS that another implementation (pkijs's own decrypt) opens, and certificates read once must
// still be checked against the authority on every use.

import { webcrypto } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDecryptInfo, parseDecryptInfoEnvelope } from "@imesim/contracts/gateway";
import * as pkijs from "pkijs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealDecryptInfo } from "../../src/gateway/decrypt-info.ts";
import { CertificateAuthority, fromPem, generateRsaKeys, privateKeyToPem } from "../../src/pki/authority.ts";
import { deviceCertificate } from "../../src/pki/device-certificates.ts";
import { x509 } from "../../src/pki/x509.ts";

pkijs.setEngine(
  "device-crypto-test",
  new pkijs.CryptoEngine({ name: "test", crypto: webcrypto as unknown as Crypto }),
);

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function authority(): Promise<CertificateAuthority> {
  const folder = mkdtempSync(join(tmpdir(), "imesim-device-crypto-"));
  folders.push(folder);
  return CertificateAuthority.open(folder);
}

/** A device certificate issued by `ca`, with its key. */
async function deviceOf(
  ca: CertificateAuthority,
): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const keys = await generateRsaKeys();
  const certificate = await ca.issue({
    subject: "CN=device",
    publicKey: keys.publicKey,
    validDays: 30,
    usages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    extendedUsages: [x509.ExtendedKeyUsage.clientAuth],
  });
  return {
    certificatePem: certificate.toString("pem"),
    privateKeyPem: await privateKeyToPem(keys.privateKey),
  };
}

/** Opens a DecryptInfo with pkijs's own CMS decryption, as an independent reader. */
async function openWithPkijs(device: { certificatePem: string; privateKeyPem: string }, envelope: string) {
  const content = pkijs.ContentInfo.fromBER(
    new Uint8Array(Buffer.from(parseDecryptInfoEnvelope(envelope), "base64")),
  );
  const enveloped = new pkijs.EnvelopedData({ schema: content.content });
  const plain = await enveloped.decrypt(0, {
    recipientCertificate: pkijs.Certificate.fromBER(new Uint8Array(fromPem(device.certificatePem))),
    recipientPrivateKey: new Uint8Array(fromPem(device.privateKeyPem)),
  });
  return parseDecryptInfo(Buffer.from(plain).toString("utf8"));
}

const fileKeys = {
  encryptionKey: "VUlXZGJ0c2lnbmVkS2V5MDEyMzQ1Njc4OTAxMjM0NTY=",
  initializationVector: "MDEyMzQ1Njc4OWFiY2RlZg==",
  macKey: "bWFjS2V5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU=",
  mac: "bWFjMDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg=",
  fileDigest: "ZGlnZXN0MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU=",
  fileDigestAlgorithm: "SHA256",
  profileIdentifier: "ProfileVersion1",
};

describe("DecryptInfo sealed with node:crypto", () => {
  let ca: CertificateAuthority;
  let device: { certificatePem: string; privateKeyPem: string };
  beforeAll(async () => {
    ca = await authority();
    device = await deviceOf(ca);
  });

  it("is CMS EnvelopedData that pkijs opens with the device key, holding the file's keys", async () => {
    const keys = await openWithPkijs(device, sealDecryptInfo(device.certificatePem, fileKeys));
    expect(keys).toMatchObject({
      EncryptionKey: fileKeys.encryptionKey,
      IV: fileKeys.initializationVector,
      MacKey: fileKeys.macKey,
      Mac: fileKeys.mac,
      FileDigest: fileKeys.fileDigest,
      FileDigestAlgorithm: "SHA256",
      ProfileIdentifier: "ProfileVersion1",
    });
  });

  it("uses a fresh content key and IV for every seal", async () => {
    const first = sealDecryptInfo(device.certificatePem, fileKeys);
    const second = sealDecryptInfo(device.certificatePem, fileKeys);
    expect(first).not.toBe(second);
    expect(await openWithPkijs(device, second)).toEqual(await openWithPkijs(device, first));
  });
});

describe("device certificates read once", () => {
  it("hands out one reading per certificate, and the authority still refuses one it did not issue", async () => {
    const ca = await authority();
    const other = await authority();
    const own = await deviceOf(ca);
    const foreign = await deviceOf(other);
    expect(deviceCertificate(own.certificatePem)).toBe(deviceCertificate(own.certificatePem));
    for (let ask = 0; ask < 2; ask += 1) {
      expect(ca.issued(deviceCertificate(own.certificatePem).certificate)).toBe(true);
      expect(ca.issued(deviceCertificate(foreign.certificatePem).certificate)).toBe(false);
    }
  });
});
