import { createHash, KeyObject, webcrypto, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { keptBytes } from "../kept-bytes.ts";
import { randomDraws } from "../random-draws.ts";
import { nameDer, signedCertificateDer } from "./certificate-der.ts";
import type { DeviceCertificate } from "./device-certificates.ts";
import { x509 } from "./x509.ts";

/** RSA PKCS#1 v1.5 with SHA-256: what Windows MDM certificates and Entra signing keys use. */
export const rsaSigning = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

/** A certificate with its private key. */
export interface KeyedCertificate {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: CryptoKey;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/**
 * The service's own certificate authority, made at first start and kept in `<data>/pki`:
 * it issues the MDM device certificates, the token-signing certificate and the TLS server
 * certificate, so trusting this one root is all a client needs.
 */
export class CertificateAuthority {
  readonly root: KeyedCertificate;
  // The root as node:crypto reads it: a device's certificate is checked on every token request, and
  // node's native check costs a fraction of the WebCrypto one.
  readonly #nativeRoot: X509Certificate;
  // Certificates whose signature this root checked: the check is a pure function of the two, and a fleet's devices
  // ask for a token several times each (one RSA verification per ask). The validity period is still checked per use.
  readonly #signedByRoot = new WeakMap<X509Certificate, boolean>();
  // The AuthorityKeyIdentifier of every certificate this CA issues: the same for all of them (the root's key id).
  #authorityKeyId: Promise<x509.AuthorityKeyIdentifierExtension> | undefined;
  // What issuing needs per certificate, made once: the signing key as node:crypto holds it, the issuer's name DER,
  // and each distinct set of extensions as DER (a device's are the same for every device).
  readonly #rootKey: KeyObject;
  readonly #issuerDer: Buffer;
  readonly #extensionsDer = new Map<string, Promise<Buffer[]>>();

  private constructor(root: KeyedCertificate) {
    this.root = root;
    this.#nativeRoot = new X509Certificate(root.certificatePem);
    this.#rootKey = KeyObject.from(root.privateKey);
    this.#issuerDer = keptBytes(nameDer(root.certificate.subject));
  }

  /** Loads the CA from `<dataDir>/pki`, creating it on first start. */
  static async open(dataDir: string): Promise<CertificateAuthority> {
    const folder = join(dataDir, "pki");
    const stored = await loadKeyedCertificate(folder, "ca");
    if (stored !== undefined) return new CertificateAuthority(stored);
    const keys = await generateRsaKeys();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: "CN=imesim Root CA, O=imesim",
      notBefore: daysFromNow(-1),
      notAfter: daysFromNow(3650),
      signingAlgorithm: rsaSigning,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 1, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const root = await saveKeyedCertificate(folder, "ca", certificate, keys.privateKey);
    return new CertificateAuthority(root);
  }

  /** Issues a leaf certificate for `publicKey`, signed by this CA. */
  async issue(options: LeafOptions): Promise<x509.X509Certificate> {
    return new x509.X509Certificate(new Uint8Array(await this.issueDer(options)));
  }

  /**
   * The DER of a leaf certificate for `options.publicKey`, signed by this CA: the certificate `issue` returns, written
   * directly (certificate-der.ts) — what enrolment uses, once per device.
   */
  async issueDer(options: LeafOptions): Promise<Buffer> {
    return (await this.issueLeaf(options)).der;
  }

  /** A leaf certificate as `issueDer` writes it, with the validity period it states. */
  async issueLeaf(options: LeafOptions): Promise<IssuedLeaf> {
    const notBefore = daysFromNow(-1);
    const notAfter = daysFromNow(options.validDays);
    const der = signedCertificateDer(
      {
        serialNumber: randomSerial(),
        issuerDer: this.#issuerDer,
        subjectDer: nameDer(options.subject),
        notBefore,
        notAfter,
        subjectPublicKeyInfoDer: subjectPublicKeyInfoOf(options.publicKey),
        extensionsDer: await this.#leafExtensions(options),
      },
      this.#rootKey,
    );
    // A certificate states its times in whole seconds (certificate-der.ts), as node:crypto reads them back.
    return { der, validFrom: wholeSeconds(notBefore), validTo: wholeSeconds(notAfter) };
  }

  /** The extensions of a leaf, as DER, made with @peculiar/x509 once per distinct set. */
  #leafExtensions(options: LeafOptions): Promise<Buffer[]> {
    const key = JSON.stringify([
      options.usages,
      options.extendedUsages,
      options.dnsNames,
      options.ipAddresses,
    ]);
    let made = this.#extensionsDer.get(key);
    if (made === undefined) {
      made = this.#makeLeafExtensions(options);
      this.#extensionsDer.set(key, made);
    }
    return made;
  }

  async #makeLeafExtensions(options: LeafOptions): Promise<Buffer[]> {
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(options.usages, true),
      new x509.ExtendedKeyUsageExtension([...options.extendedUsages], false),
      await this.#authorityKeyIdentifier(),
    ];
    const names = [
      ...(options.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
      ...(options.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
    ];
    if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
    return extensions.map((extension) => Buffer.from(extension.rawData));
  }

  #authorityKeyIdentifier(): Promise<x509.AuthorityKeyIdentifierExtension> {
    if (this.#authorityKeyId === undefined)
      this.#authorityKeyId = x509.AuthorityKeyIdentifierExtension.create(this.root.certificate, false);
    return this.#authorityKeyId;
  }

  /**
   * True when a device's certificate was signed by this CA and is within its validity period. One this CA issued
   * in this process is known to be signed by it (device-certificates.ts rememberIssuedDevice), as the token
   * issuer knows its own tokens; any other is checked as `issued` checks it.
   */
  issuedDevice(certificate: DeviceCertificate): boolean {
    const now = Date.now();
    if (certificate.validFrom > now || certificate.validTo < now) return false;
    return certificate.issuer === this || this.issued(certificate.certificate);
  }

  /** True when `certificate` was signed by this CA and is within its validity period. */
  issued(certificate: X509Certificate): boolean {
    const now = Date.now();
    if (certificate.validFromDate.getTime() > now || certificate.validToDate.getTime() < now) return false;
    let signed = this.#signedByRoot.get(certificate);
    if (signed === undefined) {
      signed = certificate.checkIssued(this.#nativeRoot) && certificate.verify(this.#nativeRoot.publicKey);
      this.#signedByRoot.set(certificate, signed);
    }
    return signed;
  }

  /**
   * Loads a certificate + key this CA issued earlier from `<data>/pki/<name>.*`, or issues
   * and stores a new one with `create`.
   */
  async loadOrIssue(
    dataDir: string,
    name: string,
    create: (publicKey: CryptoKey) => Promise<x509.X509Certificate>,
  ): Promise<KeyedCertificate> {
    const folder = join(dataDir, "pki");
    const stored = await loadKeyedCertificate(folder, name);
    if (stored !== undefined) return stored;
    const keys = await generateRsaKeys();
    const certificate = await create(keys.publicKey);
    return saveKeyedCertificate(folder, name, certificate, keys.privateKey);
  }
}

/** A leaf this CA signed: its DER and the validity period it states, in ms since the epoch (whole seconds). */
export interface IssuedLeaf {
  readonly der: Buffer;
  readonly validFrom: number;
  readonly validTo: number;
}

function wholeSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}

/** What a leaf certificate of the CA says: its subject, key, lifetime and usages. */
export interface LeafOptions {
  readonly subject: string;
  readonly publicKey: CryptoKey | x509.PublicKey;
  readonly validDays: number;
  readonly usages: number;
  readonly extendedUsages: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
}

// SubjectPublicKeyInfo DER by key: a fleet's devices all send the run's one key (e2e run/enrollment.ts).
const subjectPublicKeyInfos = new WeakMap<CryptoKey | x509.PublicKey, Buffer>();

function subjectPublicKeyInfoOf(key: CryptoKey | x509.PublicKey): Buffer {
  let spki = subjectPublicKeyInfos.get(key);
  if (spki === undefined) {
    spki =
      key instanceof x509.PublicKey
        ? Buffer.from(key.rawData)
        : KeyObject.from(key).export({ type: "spki", format: "der" });
    subjectPublicKeyInfos.set(key, spki);
  }
  return spki;
}

/** Path of the service's root CA certificate in a data folder: what clients must trust for `--tls`. */
export function caCertificatePath(dataDir: string): string {
  return join(dataDir, "pki", "ca.pem");
}

/** Generates an extractable RSA-2048 key pair for signing. */
export async function generateRsaKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(rsaSigning, true, ["sign", "verify"])) as CryptoKeyPair;
}

/** PEM (PKCS#8) of a private key. */
export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return toPem("PRIVATE KEY", der);
}

/** Imports a PKCS#8 PEM RSA key for RS256 signing. */
export async function importSigningKey(pem: string): Promise<CryptoKey> {
  return (await webcrypto.subtle.importKey("pkcs8", new Uint8Array(fromPem(pem)), rsaSigning, true, [
    "sign",
  ])) as CryptoKey;
}

/** SHA-1 thumbprint of a certificate's DER bytes, upper-case hex (as Windows shows it). */
export function thumbprintOf(der: ArrayBuffer | Uint8Array): string {
  return createHash("sha1")
    .update(der instanceof Uint8Array ? der : new Uint8Array(der))
    .digest("hex")
    .toUpperCase();
}

/** PEM armour around DER bytes. */
export function toPem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** DER bytes inside the first PEM block. */
export function fromPem(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [^-]+-----/g, "").replace(/\s+/g, ""), "base64");
}

async function loadKeyedCertificate(folder: string, name: string): Promise<KeyedCertificate | undefined> {
  const certificatePath = join(folder, `${name}.pem`);
  const keyPath = join(folder, `${name}.key.pem`);
  if (!existsSync(certificatePath) || !existsSync(keyPath)) return undefined;
  const certificatePem = readFileSync(certificatePath, "utf8");
  const privateKeyPem = readFileSync(keyPath, "utf8");
  return {
    certificate: new x509.X509Certificate(certificatePem),
    privateKey: await importSigningKey(privateKeyPem),
    certificatePem,
    privateKeyPem,
  };
}

async function saveKeyedCertificate(
  folder: string,
  name: string,
  certificate: x509.X509Certificate,
  privateKey: CryptoKey,
): Promise<KeyedCertificate> {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const certificatePem = certificate.toString("pem");
  const privateKeyPem = await privateKeyToPem(privateKey);
  writeFileSync(join(folder, `${name}.key.pem`), privateKeyPem, { mode: 0o600 });
  writeFileSync(join(folder, `${name}.pem`), certificatePem);
  return { certificate, privateKey, certificatePem, privateKeyPem };
}

// Serials are drawn from blocks of random bytes (random-draws.ts): a randomBytes(16) call per device cost ~25–30 µs of
// OpenSSL set-up in a busy fleet process.
const serialDraws = randomDraws(16);

function randomSerial(): string {
  // Positive 16-byte serial: clear the top bit so DER does not read it as negative (and never zero).
  for (;;) {
    const bytes = serialDraws();
    bytes[0] = (bytes[0] as number) & 0x7f;
    if (bytes.some((octet) => octet !== 0)) return bytes.toString("hex");
  }
}

function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * 86_400_000);
}
