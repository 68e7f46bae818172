import { constants, createCipheriv, publicEncrypt, randomBytes } from "node:crypto";
import { AES_256_CBC_OID, DATA_OID, ENVELOPED_DATA_OID, OAEP_SHA256 } from "@imesim/contracts/crypto";
import { encodeDecryptInfo, encodeDecryptInfoEnvelope } from "@imesim/contracts/gateway";
import { DER_TAG, der } from "../pki/der.ts";
import { type DeviceCertificate, deviceCertificate } from "../pki/device-certificates.ts";
import { randomDraws } from "../random-draws.ts";
import type { FileEncryptionInfo } from "../store/records.ts";

/** Parts of the envelope that never change (contracts crypto/cms-der.ts, written out once). */
const fixedDer = {
  envelopedDataOid: ENVELOPED_DATA_OID,
  dataOid: DATA_OID,
  aes256CbcOid: AES_256_CBC_OID,
  oaepSha256: OAEP_SHA256,
  version0: der(DER_TAG.integer, Buffer.from([0])),
};

/** A content-encryption key and its RSA-OAEP wrapping to one public key. */
interface WrappedContentKey {
  readonly contentKey: Buffer;
  readonly wrappedKey: Buffer;
}

// One content key per recipient public key (by its SubjectPublicKeyInfo DER), wrapped once. Each envelope still
// gets a fresh IV and its own recipient id, and opening it still takes the private key; what is shared is only
// the RSA operation on each side. Every device of an `imesim run` fleet holds the run's one key pair (e2e
// run/enrollment.ts), so sealing with a fresh key per envelope made a private-key decryption per app per
// device, the largest single cost of a device's GetContentInfo; the agent memoises the unwrap by its input.
const wrappedKeys = new Map<string, WrappedContentKey>();
const wrappedKeyLimit = 4096;

function contentKeyFor(recipient: DeviceCertificate): WrappedContentKey {
  const spki = recipient.subjectPublicKeyInfo;
  const known = wrappedKeys.get(spki);
  if (known !== undefined) return known;
  const contentKey = randomBytes(32);
  const wrapped: WrappedContentKey = {
    contentKey,
    wrappedKey: publicEncrypt(
      { key: recipient.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
      contentKey,
    ),
  };
  if (wrappedKeys.size >= wrappedKeyLimit) wrappedKeys.delete(wrappedKeys.keys().next().value as string);
  wrappedKeys.set(spki, wrapped);
  return wrapped;
}

// IVs are drawn from blocks of random bytes (random-draws.ts): a randomBytes(16) call per sealing was about a fifth
// of it (issue 18). Each IV is copied out of its block.
const ivDraws = randomDraws(16);

function freshIv(): Buffer {
  return Buffer.from(ivDraws());
}

// The keys' JSON by the file's record: the content lookups hand every device the same record object for a file
// (until the store changes), and the JSON is a pure function of it (issue 18: one serialisation per file, not per
// GetContentInfo). Records that are not kept anywhere leave the map with them.
const decryptInfoJsons = new WeakMap<FileEncryptionInfo, string>();

function decryptInfoJson(info: FileEncryptionInfo): string {
  let json = decryptInfoJsons.get(info);
  if (json === undefined) {
    json = encodeDecryptInfo({
      EncryptionKey: info.encryptionKey,
      IV: info.initializationVector,
      MacKey: info.macKey,
      Mac: info.mac,
      ProfileIdentifier: "ProfileVersion1",
      FileDigest: info.fileDigest,
      FileDigestAlgorithm: "SHA256",
    });
    decryptInfoJsons.set(info, json);
  }
  return json;
}

/**
 * The `DecryptInfo` of GetContentInfo (ime.md §3.2): the file's keys as JSON, enveloped as CMS
 * EnvelopedData to the device's MDM certificate, base64 inside `<EncryptedMessage>`. Key transport
 * is RSA-OAEP (SHA-256) and the content cipher AES-256-CBC: the real algorithms are not recorded
 * in the reference, and Node refuses RSA PKCS#1 v1.5 decryption, so OAEP is the choice.
 * The keys are sealed with node:crypto and the envelope's DER is written directly around parts serialised
 * once (the algorithm identifiers, the recipient's IssuerAndSerialNumber): building and serialising pkijs
 * objects per call was most of a GetContentInfo's time, and 500 devices asking at once waited on it.
 */
export function sealDecryptInfo(certificatePem: string, info: FileEncryptionInfo): string {
  const json = decryptInfoJson(info);
  const recipient = deviceCertificate(certificatePem);
  const { contentKey, wrappedKey } = contentKeyFor(recipient);
  const iv = freshIv();
  const cipher = createCipheriv("aes-256-cbc", contentKey, iv);
  const encrypted = Buffer.concat([cipher.update(json, "utf8"), cipher.final()]);
  // RFC 5652 §6.2.1 KeyTransRecipientInfo: version 0 (rid is IssuerAndSerialNumber), the key wrapped with OAEP.
  const keyTransport = der(
    DER_TAG.sequence,
    fixedDer.version0,
    recipient.issuerAndSerialNumber,
    fixedDer.oaepSha256,
    der(DER_TAG.octetString, wrappedKey),
  );
  // §6.1 EncryptedContentInfo: data, AES-256-CBC with its IV, the ciphertext as [0] IMPLICIT OCTET STRING.
  const encryptedContentInfo = der(
    DER_TAG.sequence,
    fixedDer.dataOid,
    der(DER_TAG.sequence, fixedDer.aes256CbcOid, der(DER_TAG.octetString, iv)),
    der(DER_TAG.contextPrimitive0, encrypted),
  );
  // Version 0: no originator info, no unprotected attributes, one version-0 recipient (RFC 5652 §6.1).
  const enveloped = der(
    DER_TAG.sequence,
    fixedDer.version0,
    der(DER_TAG.set, keyTransport),
    encryptedContentInfo,
  );
  // §3 ContentInfo: EnvelopedData as the [0] EXPLICIT content.
  const content = der(
    DER_TAG.sequence,
    fixedDer.envelopedDataOid,
    der(DER_TAG.contextConstructed0, enveloped),
  );
  return encodeDecryptInfoEnvelope(content.toString("base64"));
}
