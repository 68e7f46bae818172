// X.509 v3 certificates (RFC 5280 §4.1) written as DER directly and signed with node:crypto. The service issues a
// certificate to every enrolling device; @peculiar/x509 built and serialised an ASN.1 object tree and signed it
// through Web Crypto each time, a few percent of a fleet device's CPU. The bytes here are the ones @peculiar/x509
// writes for the same inputs (test/device-crypto/certificate-der.test.ts compares them), so certificates look exactly
// as before.
import { type KeyObject, sign } from "node:crypto";
import { DER_TAG, der } from "@imesim/contracts/crypto";
import { x509 } from "./x509.ts";

/** What goes into one certificate; names and extensions already DER. */
export interface CertificateFields {
  /** Serial number in hex (RFC 5280 §4.1.2.2). */
  readonly serialNumber: string;
  readonly issuerDer: Uint8Array;
  readonly subjectDer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo of the certified key. */
  readonly subjectPublicKeyInfoDer: Uint8Array;
  /** The Extension TLVs, in order. */
  readonly extensionsDer: readonly Uint8Array[];
}

/** `[0] EXPLICIT INTEGER 2`: version v3. */
const VERSION_3 = Buffer.from("a003020102", "hex");
/** AlgorithmIdentifier sha256WithRSAEncryption (RFC 4055 §5) with NULL parameters. */
const SHA256_WITH_RSA = Buffer.from("300d06092a864886f70d01010b0500", "hex");
/** id-at-commonName (2.5.4.3). */
const COMMON_NAME_OID = Buffer.from("0603550403", "hex");

/** The certificate's DER, its TBSCertificate signed with the issuer's RSA key (SHA-256, PKCS#1 v1.5). */
export function signedCertificateDer(fields: CertificateFields, issuerKey: KeyObject): Buffer {
  const tbs = der(
    DER_TAG.sequence,
    VERSION_3,
    serialNumberDer(fields.serialNumber),
    SHA256_WITH_RSA,
    fields.issuerDer,
    der(DER_TAG.sequence, timeDer(fields.notBefore), timeDer(fields.notAfter)),
    fields.subjectDer,
    fields.subjectPublicKeyInfoDer,
    der(DER_TAG.contextConstructed3, der(DER_TAG.sequence, ...fields.extensionsDer)),
  );
  const signature = sign("sha256", tbs, issuerKey);
  return der(DER_TAG.sequence, tbs, SHA256_WITH_RSA, der(DER_TAG.bitString, Buffer.from([0]), signature));
}

/**
 * The serial as a minimal positive INTEGER: leading zero octets dropped, one put back when the top bit is set.
 * An all-zero serial is refused (@peculiar/x509 replaces it with a random one; the CA never asks for it).
 */
function serialNumberDer(hex: string): Buffer {
  const octets = Buffer.from(hex, "hex");
  if (octets.length === 0 || octets.every((octet) => octet === 0))
    throw new RangeError(`certificate serial ${hex} is not a positive number`);
  let first = 0;
  while (octets[first] === 0) first += 1;
  const value = octets.subarray(first);
  return der(DER_TAG.integer, (value[0] as number) > 0x7f ? Buffer.concat([Buffer.from([0]), value]) : value);
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after, in whole seconds, always Z. */
function timeDer(date: Date): Buffer {
  const year = date.getUTCFullYear();
  const two = (value: number) => String(value).padStart(2, "0");
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return year > 2049
    ? der(DER_TAG.generalizedTime, Buffer.from(`${String(year).padStart(4, "0")}${rest}`, "ascii"))
    : der(DER_TAG.utcTime, Buffer.from(`${two(year % 100)}${rest}`, "ascii"));
}

/**
 * A distinguished name's DER. A lone `CN=` of letters, digits, dots and hyphens (a device id, a host name) is written
 * here as @peculiar/x509 writes it: one RDN, a PrintableString. Anything else goes through @peculiar/x509's own
 * reading of the string (quoting, escapes, several attributes).
 */
export function nameDer(name: string): Buffer {
  const simple = /^CN=([A-Za-z0-9.-]+)$/.exec(name);
  if (simple === null) return Buffer.from(new x509.Name(name).toArrayBuffer());
  const value = der(DER_TAG.printableString, Buffer.from(simple[1] as string, "ascii"));
  return der(DER_TAG.sequence, der(DER_TAG.set, der(DER_TAG.sequence, COMMON_NAME_OID, value)));
}

/** PEM of a DER certificate as @peculiar/x509 writes it: 64-character lines, "\n" between, none at the end. */
export function certificatePem(certificate: Uint8Array): string {
  const base64 = Buffer.from(certificate.buffer, certificate.byteOffset, certificate.byteLength).toString(
    "base64",
  );
  const lines = ["-----BEGIN CERTIFICATE-----"];
  for (let offset = 0; offset < base64.length; offset += 64) lines.push(base64.slice(offset, offset + 64));
  lines.push("-----END CERTIFICATE-----");
  return lines.join("\n");
}
