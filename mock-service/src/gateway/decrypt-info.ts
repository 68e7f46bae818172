import { constants, createCipheriv, publicEncrypt, randomBytes } from "node:crypto";
import { encodeDecryptInfo, encodeDecryptInfoEnvelope } from "@imesim/contracts/gateway";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { deviceCertificate } from "../pki/device-certificates.ts";
import type { FileEncryptionInfo } from "../store/records.ts";

/** Object identifiers of the envelope (RFC 5652, RFC 4055, NIST CSOR). */
const oids = {
  data: "1.2.840.113549.1.7.1",
  envelopedData: "1.2.840.113549.1.7.3",
  rsaesOaep: "1.2.840.113549.1.1.7",
  mgf1: "1.2.840.113549.1.1.8",
  sha256: "2.16.840.1.101.3.4.2.1",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
} as const;

/** RSAES-OAEP with SHA-256 for both the hash and MGF1 (RFC 4055 §4.1), the empty label left as default. */
const sha256 = new pkijs.AlgorithmIdentifier({
  algorithmId: oids.sha256,
  algorithmParams: new asn1js.Null(),
});
const oaepSha256 = new pkijs.AlgorithmIdentifier({
  algorithmId: oids.rsaesOaep,
  algorithmParams: new pkijs.RSAESOAEPParams({
    hashAlgorithm: sha256,
    maskGenAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: oids.mgf1,
      algorithmParams: sha256.toSchema(),
    }),
  }).toSchema(),
});

/**
 * The `DecryptInfo` of GetContentInfo (ime.md §3.2): the file's keys as JSON, enveloped as CMS
 * EnvelopedData to the device's MDM certificate, base64 inside `<EncryptedMessage>`. Key transport
 * is RSA-OAEP (SHA-256) and the content cipher AES-256-CBC: the real algorithms are not recorded
 * in the reference, and Node refuses RSA PKCS#1 v1.5 decryption, so OAEP is the choice.
 * The envelope is built with pkijs and sealed with node:crypto directly: pkijs's own WebCrypto path
 * re-parsed the certificate and made four async crypto round trips per call, a large share of a fleet's
 * time; the certificate is now read once (device-certificates.ts).
 */
export function sealDecryptInfo(certificatePem: string, info: FileEncryptionInfo): string {
  const json = encodeDecryptInfo({
    EncryptionKey: info.encryptionKey,
    IV: info.initializationVector,
    MacKey: info.macKey,
    Mac: info.mac,
    ProfileIdentifier: "ProfileVersion1",
    FileDigest: info.fileDigest,
    FileDigestAlgorithm: "SHA256",
  });
  const recipient = deviceCertificate(certificatePem);
  const contentKey = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", contentKey, iv);
  const encrypted = Buffer.concat([cipher.update(json, "utf8"), cipher.final()]);
  const wrappedKey = publicEncrypt(
    { key: recipient.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
    contentKey,
  );
  const keyTransport = new pkijs.KeyTransRecipientInfo({
    version: 0,
    rid: new pkijs.IssuerAndSerialNumber({
      issuer: recipient.issuer,
      serialNumber: recipient.serialNumber,
    }),
    keyEncryptionAlgorithm: oaepSha256,
    encryptedKey: new asn1js.OctetString({ valueHex: wrappedKey }),
  });
  const enveloped = new pkijs.EnvelopedData({
    // Version 0: no originator info, no unprotected attributes, one version-0 recipient (RFC 5652 §6.1).
    version: 0,
    recipientInfos: [new pkijs.RecipientInfo({ variant: 1, value: keyTransport })],
    encryptedContentInfo: new pkijs.EncryptedContentInfo({
      contentType: oids.data,
      contentEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: oids.aes256Cbc,
        algorithmParams: new asn1js.OctetString({ valueHex: iv }),
      }),
      encryptedContent: new asn1js.OctetString({ valueHex: encrypted }),
    }),
  });
  const content = new pkijs.ContentInfo({ contentType: oids.envelopedData, content: enveloped.toSchema() });
  return encodeDecryptInfoEnvelope(Buffer.from(content.toSchema().toBER()).toString("base64"));
}
