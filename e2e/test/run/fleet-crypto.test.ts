// The fleet's crypto short cuts keep the trust boundary: the mock's DecryptInfo, read by the agent's direct DER
// path (envelope-der.ts), opens only with the device's private key; the shared content key wrap (one per
// recipient key) is still an RSA-OAEP envelope the device opens; a stranger's certificate is refused.
import { parseDecryptInfo, parseDecryptInfoEnvelope } from "@imesim/contracts/gateway";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { beforeAll, describe, expect, it } from "vitest";
import { openDecryptInfo } from "../../../agent/src/service-client/decrypt-info.ts";
import type { DeviceIdentity } from "../../../agent/src/service-client/device-identity.ts";
import { readSealedEnvelope } from "../../../agent/src/service-client/envelope-der.ts";
import { sealDecryptInfo } from "../../../mock-service/src/gateway/decrypt-info.ts";
import {
  type CertificateAuthority,
  fromPem,
  generateRsaKeys,
} from "../../../mock-service/src/pki/authority.ts";
import { authority, deviceOf, fileKeys } from "../../../mock-service/test/device-crypto/fixtures.ts";

/** A device identity with a certificate the mock's authority issued for `keys` (or a fresh key pair). */
async function identityOf(ca: CertificateAuthority, keys?: CryptoKeyPair): Promise<DeviceIdentity> {
  return {
    ...(await deviceOf(ca, keys)),
    deviceId: "device",
    deviceName: "PC01",
    osVersion: "10.0.26100",
    tokenEndpoint: "https://login.invalid/token",
    serviceDiscoveryUrl: "https://discovery.invalid",
  };
}

const envelopeBytes = (sealed: string) => Buffer.from(parseDecryptInfoEnvelope(sealed), "base64");

describe("DecryptInfo between the mock and the agent on a fleet's shared key", () => {
  let ca: CertificateAuthority;
  let fleetKeys: CryptoKeyPair;
  beforeAll(async () => {
    ca = await authority();
    fleetKeys = await generateRsaKeys();
  });

  it("reads the mock's envelope directly and opens it to the file's keys", async () => {
    const device = await identityOf(ca, fleetKeys);
    const sealed = sealDecryptInfo(device.certificatePem, fileKeys);
    // The direct read finds the RecipientInfo naming this certificate by issuer and serial (RFC 5652 §6.2.1).
    const tbs = AsnConvert.parse(fromPem(device.certificatePem), Certificate).tbsCertificate;
    const read = readSealedEnvelope(envelopeBytes(sealed), {
      issuerDer: Buffer.from(AsnConvert.serialize(tbs.issuer)),
      serialNumber: Buffer.from(tbs.serialNumber),
    });
    expect(read?.encryptedKey.length).toBe(256);
    expect(read?.cipher).toBe("aes-256-cbc");
    const keys = parseDecryptInfo(openDecryptInfo(device, parseDecryptInfoEnvelope(sealed)));
    expect(keys).toMatchObject({ EncryptionKey: fileKeys.encryptionKey, Mac: fileKeys.mac });
  });

  it("gives two devices on one key pair their own envelopes, each naming its own certificate", async () => {
    const first = await identityOf(ca, fleetKeys);
    const second = await identityOf(ca, fleetKeys);
    const toFirst = sealDecryptInfo(first.certificatePem, fileKeys);
    const toSecond = sealDecryptInfo(second.certificatePem, fileKeys);
    expect(parseDecryptInfo(openDecryptInfo(second, parseDecryptInfoEnvelope(toSecond))).MacKey).toBe(
      fileKeys.macKey,
    );
    // The first device's envelope does not name the second device's certificate: refused, on either path.
    expect(() => openDecryptInfo(second, parseDecryptInfoEnvelope(toFirst))).toThrow(
      expect.objectContaining({ code: "DECRYPT_INFO_UNREADABLE" }),
    );
  });

  it("refuses an envelope sealed to a stranger's key, and one whose wrapped key was altered", async () => {
    const device = await identityOf(ca);
    const stranger = await identityOf(ca);
    expect(() =>
      openDecryptInfo(device, parseDecryptInfoEnvelope(sealDecryptInfo(stranger.certificatePem, fileKeys))),
    ).toThrow(expect.objectContaining({ code: "DECRYPT_INFO_UNREADABLE" }));
    const bytes = envelopeBytes(sealDecryptInfo(device.certificatePem, fileKeys));
    const keyAt = bytes.indexOf(Buffer.from([0x04, 0x82, 0x01, 0x00]));
    expect(keyAt).toBeGreaterThan(0);
    bytes[keyAt + 100] = (bytes[keyAt + 100] as number) ^ 0xff;
    expect(() => openDecryptInfo(device, bytes.toString("base64"))).toThrow(
      expect.objectContaining({ code: "DECRYPT_INFO_UNREADABLE" }),
    );
  });

  it("leaves what is not the mock's DER shape to the full parser", async () => {
    const device = await identityOf(ca);
    const bytes = envelopeBytes(sealDecryptInfo(device.certificatePem, fileKeys));
    const named = { issuerDer: Buffer.alloc(0), serialNumber: Buffer.alloc(0) };
    expect(readSealedEnvelope(bytes, named)).toBeUndefined();
    expect(readSealedEnvelope(bytes.subarray(0, bytes.length - 1), named)).toBeUndefined();
    expect(readSealedEnvelope(Buffer.from("not der"), named)).toBeUndefined();
  });
});
