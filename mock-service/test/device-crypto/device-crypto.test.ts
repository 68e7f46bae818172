// The service's per-device crypto after the fleet speed-ups: DecryptInfo sealed with node:crypto must
// still be CMS that another implementation (pkijs's own decrypt) opens, and certificates read once must
// still be checked against the authority on every use.

import { webcrypto, X509Certificate } from "node:crypto";
import { parseDecryptInfo, parseDecryptInfoEnvelope } from "@imesim/contracts/gateway";
import * as pkijs from "pkijs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { sealDecryptInfo } from "../../src/gateway/decrypt-info.ts";
import type { CertificateAuthority } from "../../src/pki/authority.ts";
import { fromPem, generateRsaKeys } from "../../src/pki/authority.ts";
import { certificatePem } from "../../src/pki/certificate-der.ts";
import { deviceCertificate, rememberIssuedDevice } from "../../src/pki/device-certificates.ts";
import { authority, deviceLeafOptions, deviceOf, fileKeys } from "./fixtures.ts";

pkijs.setEngine(
  "device-crypto-test",
  new pkijs.CryptoEngine({ name: "test", crypto: webcrypto as unknown as Crypto }),
);

/** The RSA-wrapped content key of a DecryptInfo's one recipient, as hex. */
function wrappedKeyOf(envelope: string): string {
  const content = pkijs.ContentInfo.fromBER(
    new Uint8Array(Buffer.from(parseDecryptInfoEnvelope(envelope), "base64")),
  );
  const recipient = new pkijs.EnvelopedData({ schema: content.content }).recipientInfos[0]
    ?.value as pkijs.KeyTransRecipientInfo;
  return Buffer.from(recipient.encryptedKey.valueBlock.valueHexView).toString("hex");
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

  it("uses a fresh IV for every seal and wraps one content key per recipient key once", async () => {
    const first = sealDecryptInfo(device.certificatePem, fileKeys);
    const second = sealDecryptInfo(device.certificatePem, fileKeys);
    expect(first).not.toBe(second);
    expect(await openWithPkijs(device, second)).toEqual(await openWithPkijs(device, first));
    // The RSA-OAEP part is the same for one key; another device's key gets its own content key, and pkijs
    // cannot open the envelope with the first device's key.
    const other = await deviceOf(ca);
    const third = sealDecryptInfo(other.certificatePem, fileKeys);
    expect(wrappedKeyOf(first)).toEqual(wrappedKeyOf(second));
    expect(wrappedKeyOf(third)).not.toEqual(wrappedKeyOf(first));
    await expect(openWithPkijs(device, third)).rejects.toThrow();
    expect(await openWithPkijs(other, third)).toEqual(await openWithPkijs(device, first));
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
      expect(ca.issuedDevice(deviceCertificate(own.certificatePem))).toBe(true);
      expect(ca.issuedDevice(deviceCertificate(foreign.certificatePem))).toBe(false);
    }
  });
});

describe("device certificates the authority issued in this process", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("are read as node:crypto reads them, known signed by their issuer only, and refused outside their validity", async () => {
    const ca = await authority();
    const other = await authority();
    const keys = await generateRsaKeys();
    const leaf = await ca.issueLeaf(deviceLeafOptions(keys.publicKey));
    const pem = certificatePem(leaf.der);
    rememberIssuedDevice(pem, leaf, ca);
    const remembered = deviceCertificate(pem);
    expect(remembered.issuer).toBe(ca);
    // The same certificate under another PEM text is read with node:crypto: both readings agree.
    const read = deviceCertificate(pem.replaceAll("\n", "\r\n"));
    expect(read).not.toBe(remembered);
    expect(read.issuer).toBeUndefined();
    const parsed = new X509Certificate(leaf.der);
    for (const reading of [remembered, read]) {
      expect(reading.validFrom).toBe(parsed.validFromDate.getTime());
      expect(reading.validTo).toBe(parsed.validToDate.getTime());
      expect(reading.publicKey.equals(parsed.publicKey)).toBe(true);
      expect(reading.certificate.raw.equals(leaf.der)).toBe(true);
      expect(ca.issuedDevice(reading)).toBe(true);
      // Another authority checks the signature itself, and refuses it.
      expect(other.issuedDevice(reading)).toBe(false);
    }
    expect(remembered.base64).toBe(read.base64);
    expect(remembered.subjectPublicKeyInfo).toBe(read.subjectPublicKeyInfo);
    expect(remembered.issuerAndSerialNumber.equals(read.issuerAndSerialNumber)).toBe(true);
    // What the cache keeps owns exactly its bytes, not a view into a 64 KiB pool slab (kept-bytes.ts).
    for (const reading of [remembered, read])
      expect(reading.issuerAndSerialNumber.buffer.byteLength).toBe(reading.issuerAndSerialNumber.byteLength);
    for (const now of [remembered.validTo + 1000, remembered.validFrom - 1000]) {
      vi.useFakeTimers({ toFake: ["Date"], now });
      expect(ca.issuedDevice(remembered)).toBe(false);
      expect(ca.issuedDevice(read)).toBe(false);
    }
  });
});

describe("device certificates on one key pair", () => {
  it("share one public key object, each still read as its own certificate; another key pair gets its own", async () => {
    const ca = await authority();
    const shared = await generateRsaKeys();
    const first = deviceCertificate((await deviceOf(ca, shared)).certificatePem);
    const second = deviceCertificate((await deviceOf(ca, shared)).certificatePem);
    const stranger = deviceCertificate((await deviceOf(ca)).certificatePem);
    expect(second).not.toBe(first);
    expect(second.certificate.serialNumber).not.toBe(first.certificate.serialNumber);
    expect(second.issuerAndSerialNumber.equals(first.issuerAndSerialNumber)).toBe(false);
    expect(second.publicKey).toBe(first.publicKey);
    expect(second.subjectPublicKeyInfo).toBe(first.subjectPublicKeyInfo);
    expect(stranger.subjectPublicKeyInfo).not.toBe(first.subjectPublicKeyInfo);
    expect(stranger.publicKey).not.toBe(first.publicKey);
    expect(stranger.publicKey.equals(first.publicKey)).toBe(false);
  });
});
