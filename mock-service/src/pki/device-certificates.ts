// Device certificates as the service uses them, parsed once per certificate. Every token request verifies
// an assertion against the device's certificate and every GetContentInfo seals keys to it; parsing the
// PEM and importing its key each time cost more than the RSA operations themselves in a fleet.
import { createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { certificateNames } from "@imesim/contracts/crypto";
import { deviceCache } from "../device-cache.ts";
import { keptBytes } from "../kept-bytes.ts";
import { type CertificateAuthority, fromPem, type IssuedLeaf } from "./authority.ts";

/** A device certificate, read. */
export interface DeviceCertificate {
  /** node:crypto's reading of it (made when first asked for, for one this service issued: rememberIssuedDevice). */
  readonly certificate: X509Certificate;
  /** Its DER, base64: how GetContentInfo's CertificateBlob names it. */
  readonly base64: string;
  /** Its public key, for verifying the device's assertions and sealing DecryptInfo. */
  readonly publicKey: KeyObject;
  /** The certificate's SubjectPublicKeyInfo DER, base64: which key pair the certificate is for. */
  readonly subjectPublicKeyInfo: string;
  /** IssuerAndSerialNumber's DER: how a CMS RecipientInfo names the certificate (RFC 5652 §10.2.4). */
  readonly issuerAndSerialNumber: Buffer;
  /** Its validity period as it states it, in ms since the epoch. */
  readonly validFrom: number;
  readonly validTo: number;
  /** The authority that issued it in this process, when it did: its signature is then known good. */
  readonly issuer: CertificateAuthority | undefined;
}

// By PEM text: the value is a pure function of it, so one cache serves every server in the process.
const cache = deviceCache<DeviceCertificate>();
// Public keys by their SubjectPublicKeyInfo: the devices of an `imesim run` fleet share the run's one key pair
// (e2e run/enrollment.ts), and one key object keeps OpenSSL's per-key set-up to once per key, not per device.
const publicKeys = deviceCache<KeyObject>(64);

/** The certificate in `pem`, read once and then served from memory. Throws on a PEM that is not a certificate. */
export function deviceCertificate(pem: string): DeviceCertificate {
  const known = cache.get(pem);
  if (known !== undefined) return known;
  const der = fromPem(pem);
  // node:crypto refuses what is not a certificate; the names are then read from the same DER (contracts crypto).
  const certificate = new X509Certificate(der);
  const read = readingOf(der, () => certificate, {
    validFrom: certificate.validFromDate.getTime(),
    validTo: certificate.validToDate.getTime(),
    issuer: undefined,
  });
  cache.set(pem, read);
  return read;
}

/**
 * Keeps the reading of a device certificate `authority` has just issued as `pem`: its validity as issued, its
 * signature known good, and node:crypto's parse left until something asks for it. Every device's first token
 * request read its new certificate with node:crypto and checked the CA's signature on it (~0.13 ms per device in
 * a fleet, issue 18); a PEM of other text is read and checked as before.
 */
export function rememberIssuedDevice(pem: string, leaf: IssuedLeaf, authority: CertificateAuthority): void {
  let parsed: X509Certificate | undefined;
  // Parsed from the kept base64, not `leaf.der`: the DER is a view into a shared pool slab (kept-bytes.ts), and
  // holding it for a parse seldom asked for kept the slab alive as long as the entry.
  const read: DeviceCertificate = readingOf(
    leaf.der,
    () => {
      parsed ??= new X509Certificate(Buffer.from(read.base64, "base64"));
      return parsed;
    },
    { validFrom: leaf.validFrom, validTo: leaf.validTo, issuer: authority },
  );
  cache.set(pem, read);
}

function readingOf(
  der: Buffer,
  certificate: () => X509Certificate,
  known: Pick<DeviceCertificate, "validFrom" | "validTo" | "issuer">,
): DeviceCertificate {
  const names = certificateNames(der);
  if (names === undefined) throw new Error("the device certificate is not DER-encoded X.509");
  // Keyed by the SPKI bytes the certificate carries (the same bytes are the same key), so a known key costs
  // neither a key object nor an export (issue 18).
  const spki = names.subjectPublicKeyInfoDer.toString("base64");
  let publicKey = publicKeys.get(spki);
  if (publicKey === undefined) {
    publicKey = createPublicKey({ key: names.subjectPublicKeyInfoDer, format: "der", type: "spki" });
    publicKeys.set(spki, publicKey);
  }
  return {
    get certificate() {
      return certificate();
    },
    base64: der.toString("base64"),
    publicKey,
    subjectPublicKeyInfo: spki,
    issuerAndSerialNumber: keptBytes(names.issuerAndSerialNumberDer),
    ...known,
  };
}
