// The parts of an X.509 certificate (RFC 5280 §4.1) that CMS key transport names a recipient by (RFC 5652 §6.2.1:
// issuer and serial number, or subject key identifier), read straight from the DER. node:crypto's X509Certificate
// does not hand out the issuer's DER or the serial's octets, and a full ASN.1 parse per device was a visible share
// of a fleet's CPU.
import { childrenOf, DER_TAG, der, type Tlv, tlvAt } from "./der.ts";

/** A certificate's recipient names, as DER. */
export interface CertificateNames {
  /** The issuer Name, whole TLV. */
  readonly issuerDer: Buffer;
  /** The serial number's INTEGER content octets (a leading 00 kept). */
  readonly serialNumber: Buffer;
  /** IssuerAndSerialNumber (RFC 5652 §10.2.4): SEQUENCE { issuer, serialNumber }. */
  readonly issuerAndSerialNumberDer: Buffer;
  /** The SubjectKeyIdentifier extension's key id (RFC 5280 §4.2.1.2), when there is one. */
  readonly subjectKeyId: Buffer | undefined;
  /** The subjectPublicKeyInfo, whole TLV, as the certificate carries it (a view into `certificate`). */
  readonly subjectPublicKeyInfoDer: Buffer;
}

/** id-ce-subjectKeyIdentifier (2.5.29.14) as a DER TLV. */
const SUBJECT_KEY_IDENTIFIER_OID = Buffer.from("0603551d0e", "hex");

/** Reads a DER certificate's recipient names; undefined when `certificate` is not a DER certificate in RFC 5280's shape. */
export function certificateNames(certificate: Uint8Array): CertificateNames | undefined {
  const bytes = Buffer.from(certificate.buffer, certificate.byteOffset, certificate.byteLength);
  const outer = tlvAt(bytes, 0, bytes.length);
  if (outer === undefined || outer.tag !== DER_TAG.sequence || outer.end !== bytes.length) return undefined;
  const [tbs] = childrenOf(bytes, outer) ?? [];
  if (tbs === undefined || tbs.tag !== DER_TAG.sequence) return undefined;
  const fields = childrenOf(bytes, tbs);
  if (fields === undefined) return undefined;
  // version is [0] EXPLICIT and DEFAULT v1, so it may be absent.
  const first = fields[0]?.tag === DER_TAG.contextConstructed0 ? 1 : 0;
  const [serial, , issuer, validity, subject, spki, ...optional] = fields.slice(first);
  if (serial?.tag !== DER_TAG.integer || issuer?.tag !== DER_TAG.sequence) return undefined;
  if (
    validity?.tag !== DER_TAG.sequence ||
    subject?.tag !== DER_TAG.sequence ||
    spki?.tag !== DER_TAG.sequence
  )
    return undefined;
  const issuerDer = Buffer.from(bytes.subarray(issuer.start, issuer.end));
  const serialNumber = Buffer.from(bytes.subarray(serial.contentStart, serial.end));
  const extensions = optional.find((field) => field.tag === DER_TAG.contextConstructed3);
  return {
    issuerDer,
    serialNumber,
    issuerAndSerialNumberDer: der(DER_TAG.sequence, issuerDer, bytes.subarray(serial.start, serial.end)),
    subjectKeyId: extensions === undefined ? undefined : subjectKeyIdOf(bytes, extensions),
    subjectPublicKeyInfoDer: bytes.subarray(spki.start, spki.end),
  };
}

/** The key id inside a SubjectKeyIdentifier extension of `[3] { Extensions }`, if present and well formed. */
function subjectKeyIdOf(bytes: Buffer, explicit: Tlv): Buffer | undefined {
  const [list] = childrenOf(bytes, explicit) ?? [];
  if (list === undefined || list.tag !== DER_TAG.sequence) return undefined;
  for (const extension of childrenOf(bytes, list) ?? []) {
    const parts = childrenOf(bytes, extension);
    const id = parts?.[0];
    if (parts === undefined || id === undefined || id.end - id.start !== SUBJECT_KEY_IDENTIFIER_OID.length)
      continue;
    if (
      bytes.compare(SUBJECT_KEY_IDENTIFIER_OID, 0, SUBJECT_KEY_IDENTIFIER_OID.length, id.start, id.end) !== 0
    )
      continue;
    // extnValue is the last part (after an optional critical BOOLEAN): an OCTET STRING holding the key id's OCTET STRING.
    const value = parts[parts.length - 1];
    if (value === undefined || value.tag !== DER_TAG.octetString) return undefined;
    const keyId = tlvAt(bytes, value.contentStart, value.end);
    if (keyId === undefined || keyId.tag !== DER_TAG.octetString || keyId.end !== value.end) return undefined;
    return Buffer.from(bytes.subarray(keyId.contentStart, keyId.end));
  }
  return undefined;
}
