// Opening DecryptInfo (ime.md §3.2): CMS EnvelopedData addressed to the device's MDM certificate, holding
// the content file's keys as JSON. The structure is read with @peculiar/asn1-cms and the keys are used
// through node:crypto directly: pkijs's WebCrypto path re-imported the private key and made three async
// crypto round trips per envelope, which made opening DecryptInfo the largest single cost of a fleet.
import { constants, createDecipheriv, type KeyObject, privateDecrypt } from "node:crypto";
import { certificateNames } from "@imesim/contracts/crypto";
import { ImesimError } from "@imesim/contracts/errors";
import { ContentInfo, EnvelopedData, id_envelopedData, type KeyTransRecipientInfo } from "@peculiar/asn1-cms";
import {
  id_mgf1,
  id_RSAES_OAEP,
  id_sha1,
  id_sha256,
  id_sha384,
  id_sha512,
  RsaEsOaepParams,
} from "@peculiar/asn1-rsa";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { type DeviceIdentity, pemToDer, privateKeyOf } from "./device-identity.ts";
import { readSealedEnvelope } from "./envelope-der.ts";

/** The device's side of key transport: its private key and how a RecipientInfo names its certificate. */
interface Recipient {
  readonly privateKey: KeyObject;
  readonly issuerDer: Buffer;
  readonly serialNumber: Buffer;
  readonly subjectKeyId: Buffer | undefined;
}

// Read once per identity: an agent opens a DecryptInfo for every app it installs, always with the same key.
const recipients = new WeakMap<DeviceIdentity, Recipient>();

function recipientOf(identity: DeviceIdentity): Recipient {
  const known = recipients.get(identity);
  if (known !== undefined) return known;
  // Read straight from the DER (contracts crypto): a full ASN.1 parse of the certificate per identity was a visible
  // share of a fleet device's CPU.
  const names = certificateNames(pemToDer(identity.certificatePem));
  if (names === undefined) throw new Error("the device certificate is not DER-encoded X.509");
  const recipient: Recipient = {
    privateKey: privateKeyOf(identity.privateKeyPem),
    issuerDer: names.issuerDer,
    serialNumber: names.serialNumber,
    subjectKeyId: names.subjectKeyId,
  };
  recipients.set(identity, recipient);
  return recipient;
}

/** True when the RecipientInfo names this device's certificate (RFC 5652 §6.2.1: issuer + serial, or key id). */
function addressedTo(info: KeyTransRecipientInfo, recipient: Recipient): boolean {
  const { issuerAndSerialNumber, subjectKeyIdentifier } = info.rid;
  if (issuerAndSerialNumber !== undefined) {
    return (
      Buffer.from(issuerAndSerialNumber.serialNumber).equals(recipient.serialNumber) &&
      Buffer.from(AsnConvert.serialize(issuerAndSerialNumber.issuer)).equals(recipient.issuerDer)
    );
  }
  return (
    subjectKeyIdentifier !== undefined &&
    recipient.subjectKeyId !== undefined &&
    Buffer.from(subjectKeyIdentifier.buffer).equals(recipient.subjectKeyId)
  );
}

const OAEP_HASHES: Readonly<Record<string, string>> = {
  [id_sha1]: "sha1",
  [id_sha256]: "sha256",
  [id_sha384]: "sha384",
  [id_sha512]: "sha512",
};

/** AES-CBC content ciphers by OID (NIST CSOR): the content encryption algorithms an envelope may name. */
const CONTENT_CIPHERS: Readonly<Record<string, string>> = {
  "2.16.840.1.101.3.4.1.2": "aes-128-cbc",
  "2.16.840.1.101.3.4.1.22": "aes-192-cbc",
  "2.16.840.1.101.3.4.1.42": "aes-256-cbc",
};

/** The hash MGF1 uses, from the OAEP parameters' maskGenAlgorithm. */
function mgf1HashOf(maskGen: AlgorithmIdentifier): string | undefined {
  if (maskGen.algorithm !== id_mgf1 || maskGen.parameters === undefined || maskGen.parameters === null)
    return undefined;
  return AsnConvert.parse(maskGen.parameters, AlgorithmIdentifier).algorithm;
}

// Unwrapped keys by private key and wrapped bytes. RSA-OAEP decryption is a pure function of the two, so this
// memo changes no answer: a device still needs the private key to get one. It pays off when the service seals
// the same content key to the same public key again (the mock reuses its content key per recipient key, see
// mock-service gateway/decrypt-info.ts), as a fleet sharing one run-wide key pair makes it do for every app.
const unwrapped = new WeakMap<KeyObject, Map<string, Buffer>>();
const unwrappedPerKey = 256;

function privateDecryptOnce(privateKey: KeyObject, oaepHash: string, wrapped: Buffer): Buffer {
  let known = unwrapped.get(privateKey);
  if (known === undefined) {
    known = new Map();
    unwrapped.set(privateKey, known);
  }
  const memoKey = `${oaepHash}:${wrapped.toString("base64")}`;
  const hit = known.get(memoKey);
  if (hit !== undefined) return Buffer.from(hit);
  const key = privateDecrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash },
    wrapped,
  );
  if (known.size >= unwrappedPerKey) known.delete(known.keys().next().value as string);
  known.set(memoKey, Buffer.from(key));
  return key;
}

/**
 * The content-encryption key, unwrapped with RSA-OAEP (RFC 8017). Only OAEP: Node refuses RSA PKCS#1 v1.5 decryption
 * (the Marvin attack), and the mock seals with OAEP SHA-256 (mock-service gateway/decrypt-info.ts).
 */
function unwrapKey(info: KeyTransRecipientInfo, privateKey: KeyObject): Buffer {
  const algorithm = info.keyEncryptionAlgorithm;
  if (algorithm.algorithm !== id_RSAES_OAEP)
    throw new Error(`key transport ${algorithm.algorithm} is not RSA-OAEP`);
  // Absent parameters mean the RFC 4055 defaults: SHA-1, MGF1 with SHA-1, empty label.
  const params =
    algorithm.parameters === undefined || algorithm.parameters === null
      ? new RsaEsOaepParams()
      : AsnConvert.parse(algorithm.parameters, RsaEsOaepParams);
  const hashOid = params.hashAlgorithm.algorithm;
  const hash = OAEP_HASHES[hashOid];
  // node:crypto's OAEP uses one hash for the label digest and MGF1, so the envelope must use one too.
  if (hash === undefined || mgf1HashOf(params.maskGenAlgorithm) !== hashOid)
    throw new Error(`RSA-OAEP with hash ${hashOid} and a different or unknown MGF1 hash is not supported`);
  // The label (pSourceAlgorithm) stays the empty default: CMS senders do not set one.
  return privateDecryptOnce(privateKey, hash, Buffer.from(info.encryptedKey.buffer));
}

/** AES-CBC decryption of `ciphertext`. */
function decryptCbc(cipher: string, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const decipher = createDecipheriv(cipher, key, iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** Decrypts the envelope's content with the unwrapped key. */
function decryptContent(enveloped: EnvelopedData, key: Buffer): Buffer {
  const { contentEncryptionAlgorithm, encryptedContent } = enveloped.encryptedContentInfo;
  const cipher = CONTENT_CIPHERS[contentEncryptionAlgorithm.algorithm];
  const ivBytes = contentEncryptionAlgorithm.parameters;
  if (cipher === undefined || ivBytes === undefined || ivBytes === null)
    throw new Error(`content cipher ${contentEncryptionAlgorithm.algorithm} is not AES-CBC with an IV`);
  // The encrypted content comes as one OCTET STRING (DER) or as a constructed run of them (BER).
  const ciphertext =
    encryptedContent?.constructedValue === undefined
      ? Buffer.from(encryptedContent?.value?.buffer ?? new ArrayBuffer(0))
      : Buffer.concat(encryptedContent.constructedValue.map((part) => Buffer.from(part.buffer)));
  const iv = Buffer.from(AsnConvert.parse(ivBytes, OctetString).buffer);
  return decryptCbc(cipher, key, iv, ciphertext);
}

/** Opens the CMS EnvelopedData of DecryptInfo (ime.md §3.2) with the device's MDM key; returns the JSON text. */
export function openDecryptInfo(identity: DeviceIdentity, envelopeBase64: string): string {
  try {
    const bytes = Buffer.from(envelopeBase64, "base64");
    const recipient = recipientOf(identity);
    // The mock's own shape, read directly (envelope-der.ts); anything else goes through the full parser below.
    const sealed = readSealedEnvelope(bytes, recipient);
    if (sealed !== undefined) {
      const key = privateDecryptOnce(recipient.privateKey, sealed.oaepHash, sealed.encryptedKey);
      return decryptCbc(sealed.cipher, key, sealed.iv, sealed.ciphertext).toString("utf8");
    }
    const info = AsnConvert.parse(bytes, ContentInfo);
    if (info.contentType !== id_envelopedData)
      throw new Error(`the content type ${info.contentType} is not EnvelopedData`);
    const enveloped = AsnConvert.parse(info.content, EnvelopedData);
    const mine = enveloped.recipientInfos.find(
      (candidate) => candidate.ktri !== undefined && addressedTo(candidate.ktri, recipient),
    )?.ktri;
    if (mine === undefined) throw new Error("no RecipientInfo names the device's certificate");
    return decryptContent(enveloped, unwrapKey(mine, recipient.privateKey)).toString("utf8");
  } catch (cause) {
    throw new ImesimError(
      "DECRYPT_INFO_UNREADABLE",
      `DecryptInfo could not be opened with the device key: ${cause instanceof Error ? cause.message : String(cause)}`,
      { path: "DecryptInfo", cause },
    );
  }
}
