// What the device-crypto tests share: a throwaway certificate authority, devices it certifies, and a file's keys.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import {
  CertificateAuthority,
  generateRsaKeys,
  type LeafOptions,
  privateKeyToPem,
} from "../../src/pki/authority.ts";
import { x509 } from "../../src/pki/x509.ts";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A fresh certificate authority in a temporary folder, removed after the test file. */
export async function authority(): Promise<CertificateAuthority> {
  const folder = mkdtempSync(join(tmpdir(), "imesim-device-crypto-"));
  folders.push(folder);
  return CertificateAuthority.open(folder);
}

/** What the tests' device certificates say: a 30-day client-authentication leaf for `publicKey`. */
export function deviceLeafOptions(publicKey: CryptoKey): LeafOptions {
  return {
    subject: "CN=device",
    publicKey,
    validDays: 30,
    usages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    extendedUsages: [x509.ExtendedKeyUsage.clientAuth],
  };
}

/** A device certificate issued by `ca` for `keys` (a fresh pair unless given), with the private key's PEM. */
export async function deviceOf(
  ca: CertificateAuthority,
  keys?: CryptoKeyPair,
): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const pair = keys ?? (await generateRsaKeys());
  const certificate = await ca.issue(deviceLeafOptions(pair.publicKey));
  return {
    certificatePem: certificate.toString("pem"),
    privateKeyPem: await privateKeyToPem(pair.privateKey),
  };
}

/** A content file's keys as the store keeps them. */
export const fileKeys = {
  encryptionKey: "VUlXZGJ0c2lnbmVkS2V5MDEyMzQ1Njc4OTAxMjM0NTY=",
  initializationVector: "MDEyMzQ1Njc4OWFiY2RlZg==",
  macKey: "bWFjS2V5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU=",
  mac: "bWFjMDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg=",
  fileDigest: "ZGlnZXN0MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU=",
  fileDigestAlgorithm: "SHA256",
  profileIdentifier: "ProfileVersion1",
};
