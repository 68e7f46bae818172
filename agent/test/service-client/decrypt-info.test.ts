// Opening DecryptInfo with node:crypto must read real CMS: envelopes here are sealed by pkijs, an
// independent implementation, to a certificate made for the device's key.
import { webcrypto } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { beforeAll, describe, expect, it } from "vitest";
import { openDecryptInfo } from "../../src/service-client/decrypt-info.ts";
import type { DeviceIdentity } from "../../src/service-client/device-identity.ts";

pkijs.setEngine(
  "decrypt-info-test",
  new pkijs.CryptoEngine({ name: "test", crypto: webcrypto as unknown as Crypto }),
);

const RSA = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const KEYS_JSON =
  '{"EncryptionKey":"k","IV":"i","MacKey":"m","Mac":"c","ProfileIdentifier":"ProfileVersion1"}';

function pem(label: string, der: ArrayBuffer): string {
  const lines =
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** A self-signed certificate for a fresh RSA key, with the given serial number. */
async function certificateFor(
  serial: number,
): Promise<{ certificate: pkijs.Certificate; identity: DeviceIdentity }> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"])) as CryptoKeyPair;
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ value: serial });
  const name = new pkijs.AttributeTypeAndValue({
    type: "2.5.4.3",
    value: new asn1js.PrintableString({ value: "dev" }),
  });
  certificate.issuer.typesAndValues.push(name);
  certificate.subject.typesAndValues.push(name);
  certificate.notBefore.value = new Date(Date.now() - 86_400_000);
  certificate.notAfter.value = new Date(Date.now() + 86_400_000);
  await certificate.subjectPublicKeyInfo.importKey(keys.publicKey);
  await certificate.sign(keys.privateKey, "SHA-256");
  const identity: DeviceIdentity = {
    deviceId: "device",
    deviceName: "PC01",
    osVersion: "10.0.26100",
    certificatePem: pem("CERTIFICATE", certificate.toSchema().toBER()),
    privateKeyPem: pem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)),
    tokenEndpoint: "https://login.invalid/token",
    serviceDiscoveryUrl: "https://discovery.invalid",
  };
  return { certificate, identity };
}

/** CMS EnvelopedData of `text` to `certificate`, sealed by pkijs (RSA-OAEP SHA-256, AES-256-CBC), base64. */
async function sealWithPkijs(certificate: pkijs.Certificate, text: string): Promise<string> {
  const enveloped = new pkijs.EnvelopedData();
  enveloped.addRecipientByCertificate(certificate, { oaepHashAlgorithm: "SHA-256" }, 1);
  const plain = new Uint8Array(Buffer.from(text, "utf8"));
  await enveloped.encrypt({ name: "AES-CBC", length: 256 } as Algorithm, plain.buffer);
  const info = new pkijs.ContentInfo({
    contentType: pkijs.ContentInfo.ENVELOPED_DATA,
    content: enveloped.toSchema(),
  });
  return Buffer.from(info.toSchema().toBER()).toString("base64");
}

describe("openDecryptInfo", () => {
  let device: Awaited<ReturnType<typeof certificateFor>>;
  let stranger: Awaited<ReturnType<typeof certificateFor>>;
  beforeAll(async () => {
    device = await certificateFor(1001);
    stranger = await certificateFor(2002);
  });

  it("opens an envelope another CMS implementation sealed to the device certificate", async () => {
    const envelope = await sealWithPkijs(device.certificate, KEYS_JSON);
    expect(openDecryptInfo(device.identity, envelope)).toBe(KEYS_JSON);
    // The key is read once per identity; a second envelope opens with the same device.
    expect(openDecryptInfo(device.identity, await sealWithPkijs(device.certificate, "second"))).toBe(
      "second",
    );
  });

  it("refuses an envelope addressed to another certificate", async () => {
    const envelope = await sealWithPkijs(stranger.certificate, KEYS_JSON);
    expect(() => openDecryptInfo(device.identity, envelope)).toThrow(
      expect.objectContaining({ code: "DECRYPT_INFO_UNREADABLE", path: "DecryptInfo" }),
    );
  });

  it("refuses bytes that are not CMS, and an envelope whose wrapped key was altered", async () => {
    expect(() => openDecryptInfo(device.identity, Buffer.from("not cms").toString("base64"))).toThrow(
      expect.objectContaining({ code: "DECRYPT_INFO_UNREADABLE" }),
    );
    const bytes = Buffer.from(await sealWithPkijs(device.certificate, KEYS_JSON), "base64");
    // The wrapped key is the 256-byte OCTET STRING inside the RecipientInfo; flip a byte in its middle.
    const keyAt = bytes.indexOf(Buffer.from([0x04, 0x82, 0x01, 0x00]));
    expect(keyAt).toBeGreaterThan(0);
    bytes[keyAt + 100] = (bytes[keyAt + 100] as number) ^ 0xff;
    expect(() => openDecryptInfo(device.identity, bytes.toString("base64"))).toThrow(
      expect.objectContaining({ code: "DECRYPT_INFO_UNREADABLE" }),
    );
  });
});
