// A direct DER read of the one envelope shape the mock seals (mock-service gateway/decrypt-info.ts, ime.md §3.2):
// ContentInfo → EnvelopedData (RFC 5652 §6.1) → KeyTransRecipientInfos, RSA-OAEP with SHA-256 for the hash and
// MGF1, AES-CBC content. Building @peculiar/asn1-schema objects for every envelope was most of a fleet device's
// DecryptInfo time; this walks the bytes instead. It answers only when everything is in that shape and otherwise
// says "not mine" (undefined), so decrypt-info.ts falls back to the full parser, which accepts and rejects exactly
// as before: this path never decides that an envelope is bad.
import {
  AES_CBC_OIDS,
  childrenOf,
  ENVELOPED_DATA_OID,
  OAEP_SHA256,
  type Tlv,
  tlvAt,
} from "@imesim/contracts/crypto";

/** How a RecipientInfo must name the device's certificate: its issuer Name's DER and its serial's content octets. */
export interface RecipientName {
  readonly issuerDer: Buffer;
  readonly serialNumber: Buffer;
}

/** What the fast read found: the wrapped key (RSA-OAEP SHA-256) and the content's cipher, IV and ciphertext. */
export interface ReadEnvelope {
  readonly encryptedKey: Buffer;
  readonly oaepHash: "sha256";
  readonly cipher: string;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
}

const equalsAt = (bytes: Buffer, tlv: Tlv, expected: Buffer) =>
  tlv.end - tlv.start === expected.length &&
  bytes.compare(expected, 0, expected.length, tlv.start, tlv.end) === 0;

/**
 * Reads the envelope `bytes` when it is DER in the mock's shape and a KeyTransRecipientInfo names `recipient` by
 * issuer and serial number (RFC 5652 §6.2.1); undefined for anything else (the caller then uses the full parser).
 */
export function readSealedEnvelope(bytes: Buffer, recipient: RecipientName): ReadEnvelope | undefined {
  const contentInfo = tlvAt(bytes, 0, bytes.length);
  if (contentInfo === undefined || contentInfo.tag !== 0x30 || contentInfo.end !== bytes.length)
    return undefined;
  const [type, explicit, ...extra] = childrenOf(bytes, contentInfo) ?? [];
  if (type === undefined || explicit === undefined || extra.length > 0) return undefined;
  if (!equalsAt(bytes, type, ENVELOPED_DATA_OID) || explicit.tag !== 0xa0) return undefined;
  const [enveloped, ...after] = childrenOf(bytes, explicit) ?? [];
  if (enveloped === undefined || enveloped.tag !== 0x30 || after.length > 0) return undefined;
  // version, recipientInfos (SET), encryptedContentInfo: no originatorInfo, no unprotectedAttrs.
  const [version, recipients, encryptedContentInfo, ...rest] = childrenOf(bytes, enveloped) ?? [];
  if (version === undefined || version.tag !== 0x02 || recipients === undefined || recipients.tag !== 0x31)
    return undefined;
  if (encryptedContentInfo === undefined || encryptedContentInfo.tag !== 0x30 || rest.length > 0)
    return undefined;
  const encryptedKey = keyFor(bytes, recipients, recipient);
  if (encryptedKey === undefined) return undefined;
  const content = contentOf(bytes, encryptedContentInfo);
  return content === undefined ? undefined : { encryptedKey, oaepHash: "sha256", ...content };
}

/** The wrapped key of the first KeyTransRecipientInfo naming `recipient`, if it uses RSA-OAEP SHA-256. */
function keyFor(bytes: Buffer, recipients: Tlv, recipient: RecipientName): Buffer | undefined {
  for (const info of childrenOf(bytes, recipients) ?? []) {
    // Other RecipientInfo kinds are context-tagged ([1]…[4]); ktri is the untagged SEQUENCE.
    if (info.tag !== 0x30) continue;
    const [version, rid, algorithm, key, ...rest] = childrenOf(bytes, info) ?? [];
    if (version === undefined || rid === undefined || algorithm === undefined || key === undefined)
      return undefined;
    if (rest.length > 0 || rid.tag !== 0x30) return undefined;
    const [issuer, serial, ...ridRest] = childrenOf(bytes, rid) ?? [];
    if (issuer === undefined || serial === undefined || serial.tag !== 0x02 || ridRest.length > 0)
      return undefined;
    const named =
      equalsAt(bytes, issuer, recipient.issuerDer) &&
      bytes.subarray(serial.contentStart, serial.end).equals(recipient.serialNumber);
    if (!named) continue;
    if (!equalsAt(bytes, algorithm, OAEP_SHA256) || key.tag !== 0x04) return undefined;
    return bytes.subarray(key.contentStart, key.end);
  }
  return undefined;
}

/** EncryptedContentInfo (§6.1): AES-CBC with an OCTET STRING IV, the ciphertext as [0] IMPLICIT OCTET STRING. */
function contentOf(bytes: Buffer, info: Tlv): Pick<ReadEnvelope, "cipher" | "iv" | "ciphertext"> | undefined {
  const [type, algorithm, encrypted, ...rest] = childrenOf(bytes, info) ?? [];
  if (type === undefined || type.tag !== 0x06 || algorithm === undefined || algorithm.tag !== 0x30)
    return undefined;
  if (encrypted === undefined || encrypted.tag !== 0x80 || rest.length > 0) return undefined;
  const [oid, ivTlv, ...algorithmRest] = childrenOf(bytes, algorithm) ?? [];
  if (oid === undefined || ivTlv === undefined || ivTlv.tag !== 0x04 || algorithmRest.length > 0)
    return undefined;
  const cipher = AES_CBC_OIDS.find(([der]) => equalsAt(bytes, oid, der))?.[1];
  if (cipher === undefined) return undefined;
  return {
    cipher,
    iv: bytes.subarray(ivTlv.contentStart, ivTlv.end),
    ciphertext: bytes.subarray(encrypted.contentStart, encrypted.end),
  };
}
