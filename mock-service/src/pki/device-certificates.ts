// Device certificates as the service uses them, parsed once per certificate. Every token request verifies
// an assertion against the device's certificate and every GetContentInfo seals keys to it; parsing the
// PEM and importing its key each time cost more than the RSA operations themselves in a fleet.
import { type KeyObject, X509Certificate } from "node:crypto";
import { certificateNames } from "@imesim/contracts/crypto";
import { deviceCache } from "../device-cache.ts";
import { fromPem } from "./authority.ts";

/** A device certificate, read. */
export interface DeviceCertificate {
  readonly certificate: X509Certificate;
  /** Its DER, base64: how GetContentInfo's CertificateBlob names it. */
  readonly base64: string;
  /** Its public key, for verifying the device's assertions and sealing DecryptInfo. */
  readonly publicKey: KeyObject;
  /** The certificate's SubjectPublicKeyInfo DER, base64: which key pair the certificate is for. */
  readonly subjectPublicKeyInfo: string;
  /** IssuerAndSerialNumber's DER: how a CMS RecipientInfo names the certificate (RFC 5652 §10.2.4). */
  readonly issuerAndSerialNumber: Buffer;
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
  const names = certificateNames(der);
  if (names === undefined) throw new Error("the device certificate is not DER-encoded X.509");
  // Keyed by the SPKI bytes the certificate carries (the same bytes are the same key), so a known key costs
  // neither a key object nor an export (issue 18).
  const spki = names.subjectPublicKeyInfoDer.toString("base64");
  let publicKey = publicKeys.get(spki);
  if (publicKey === undefined) {
    publicKey = certificate.publicKey;
    publicKeys.set(spki, publicKey);
  }
  const read: DeviceCertificate = {
    certificate,
    base64: der.toString("base64"),
    publicKey,
    subjectPublicKeyInfo: spki,
    issuerAndSerialNumber: names.issuerAndSerialNumberDer,
  };
  cache.set(pem, read);
  return read;
}
