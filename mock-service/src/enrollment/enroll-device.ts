import { randomUUID } from "node:crypto";
import { ImesimError } from "@imesim/contracts/errors";
import { resolveEnrollmentUsers } from "../identity/tenant-users.ts";
import {
  type CertificateAuthority,
  generateRsaKeys,
  privateKeyToPem,
  thumbprintOf,
} from "../pki/authority.ts";
import { certificatePem } from "../pki/certificate-der.ts";
import { rememberIssuedDevice } from "../pki/device-certificates.ts";
import { x509 } from "../pki/x509.ts";
import type { DeviceRecord } from "../store/records.ts";
import type { Store } from "../store/store.ts";
import type { EnrollmentRequest } from "./schemas.ts";

/** The outcome of enrolling: the stored device and, when the service made it, the private key. */
export interface Enrollment {
  readonly device: DeviceRecord;
  readonly privateKeyPem: string | undefined;
}

/** Windows build the mock assumes when the device does not say (ime.md §2.4 example build). */
const defaultOsVersion = "10.0.26100";

/**
 * Registers a device and issues its MDM certificate (CN = device id, client-auth and key
 * encipherment, so DecryptInfo can be enveloped to it). Throws ImesimError on a bad CSR or a user
 * the tenant does not have.
 */
export async function enrollDevice(
  request: EnrollmentRequest,
  store: Store,
  authority: CertificateAuthority,
): Promise<Enrollment> {
  // Users first: a device naming no user of the tenant is refused before a certificate is made.
  const users = resolveEnrollmentUsers(store, request.users ?? []);
  // Device and user ids are one namespace (Entra object ids): a new device id never names a user.
  let deviceId = randomUUID();
  while (store.getUser(deviceId) !== undefined) deviceId = randomUUID();
  let publicKey: CryptoKey | x509.PublicKey;
  let privateKeyPem: string | undefined;
  if (request.certificateSigningRequest !== undefined) {
    publicKey = await publicKeyOfCsr(request.certificateSigningRequest);
  } else {
    const keys = await generateRsaKeys();
    publicKey = keys.publicKey;
    privateKeyPem = await privateKeyToPem(keys.privateKey);
  }
  // Written as DER directly (certificate-der.ts): the same certificate @peculiar/x509 made, at a fraction of the cost.
  const leaf = await authority.issueLeaf({
    subject: `CN=${deviceId}`,
    publicKey,
    validDays: 365,
    usages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    extendedUsages: [x509.ExtendedKeyUsage.clientAuth],
  });
  const device: DeviceRecord = {
    id: deviceId,
    name: request.deviceName,
    osVersion: request.osVersion ?? defaultOsVersion,
    users,
    certificatePem: certificatePem(leaf.der),
    thumbprint: thumbprintOf(leaf.der),
    enrolledAt: new Date().toISOString(),
    lastCheckinAt: null,
  };
  store.insertDevice(device);
  rememberIssuedDevice(device.certificatePem, leaf, authority);
  if (request.filterProperties !== undefined)
    store.putDeviceFilterProperties(device.id, request.filterProperties as Record<string, string>);
  return { device, privateKeyPem };
}

// Verified requests by their text: reading and verifying a CSR is a pure function of its bytes, and every device
// of an `imesim run` fleet sends the run's one request (e2e run/enrollment.ts), so it is checked once. Only
// requests that passed are kept; a bad one is read and refused again each time.
const verifiedCsrs = new Map<string, x509.PublicKey>();
const verifiedCsrLimit = 256;

async function publicKeyOfCsr(text: string): Promise<x509.PublicKey> {
  const known = verifiedCsrs.get(text);
  if (known !== undefined) return known;
  const publicKey = await verifiedPublicKeyOfCsr(text);
  if (verifiedCsrs.size >= verifiedCsrLimit) verifiedCsrs.delete(verifiedCsrs.keys().next().value as string);
  verifiedCsrs.set(text, publicKey);
  return publicKey;
}

async function verifiedPublicKeyOfCsr(text: string): Promise<x509.PublicKey> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(text.includes("-----BEGIN") ? text : Buffer.from(text, "base64"));
  } catch (cause) {
    throw new ImesimError("ENROLLMENT_CSR_INVALID", "certificateSigningRequest is not a PKCS#10 request.", {
      path: "certificateSigningRequest",
      cause,
    });
  }
  if (!(await csr.verify())) {
    throw new ImesimError(
      "ENROLLMENT_CSR_SIGNATURE",
      "certificateSigningRequest is not signed by its own key.",
      {
        path: "certificateSigningRequest",
      },
    );
  }
  if (csr.publicKey.algorithm.name !== "RSASSA-PKCS1-v1_5") {
    throw new ImesimError("ENROLLMENT_CSR_KEY", "certificateSigningRequest must carry an RSA key.", {
      path: "certificateSigningRequest",
    });
  }
  return csr.publicKey;
}
