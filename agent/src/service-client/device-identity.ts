// Who the device is to the service: what enrollment hands out, and the proofs built from it — the token
// request's client assertion and the opening of DecryptInfo with the MDM key.
import { createHash, webcrypto } from "node:crypto";
import { ImesimError } from "@imesim/contracts/errors";
import { importPKCS8, SignJWT } from "jose";
import * as pkijs from "pkijs";

pkijs.setEngine(
  "imesim-agent",
  new pkijs.CryptoEngine({ name: "imesim-agent", crypto: webcrypto as unknown as Crypto }),
);

/** An enrolled device's identity (the mock's `POST /enrollment/devices` answer, trimmed to what the IME uses). */
export interface DeviceIdentity {
  readonly deviceId: string;
  readonly deviceName: string;
  readonly osVersion: string;
  /** PEM of the MDM device certificate. */
  readonly certificatePem: string;
  /** PKCS#8 PEM of its private key. */
  readonly privateKeyPem: string;
  readonly tokenEndpoint: string;
  readonly serviceDiscoveryUrl: string;
  /** CA certificate (PEM) to trust when the service speaks TLS with its own authority. */
  readonly caCertificatePem?: string;
}

/** "Microsoft Intune Windows Agent", the IME's client id (graph-win32.md §5.4). */
export const IME_CLIENT_ID = "fc0f3af4-6835-4174-b806-f7db311fd2f3";
/** "Microsoft Intune Checkin", the resource of the IME's gateway token (graph-win32.md §5.4). */
export const IME_RESOURCE_ID = "26a4ae64-5862-427f-a9b0-044e62572a4f";
/** RFC 7523 client assertion type. */
export const JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** DER bytes of the first PEM block. */
export function pemToDer(pem: string): Buffer {
  const body = pem.replace(/-----(BEGIN|END)[^-]+-----/g, "").replace(/\s+/g, "");
  if (body === "") throw new ImesimError("DEVICE_PEM_INVALID", "the device certificate or key PEM is empty");
  return Buffer.from(body, "base64");
}

/**
 * The client assertion of the device's token request. The real IME proves the device through Windows'
 * web account manager; the mock's stand-in is an RS256 JWT signed with the MDM key: iss = sub = device id,
 * aud = the token endpoint, optional oid = the signed-in user, x5t = SHA-1 of the certificate.
 */
export async function deviceAssertion(
  identity: DeviceIdentity,
  nowMs: number,
  userId?: string,
): Promise<string> {
  const key = await importPKCS8(identity.privateKeyPem, "RS256");
  const x5t = createHash("sha1").update(pemToDer(identity.certificatePem)).digest("base64url");
  const seconds = Math.floor(nowMs / 1000);
  return new SignJWT(userId === undefined ? {} : { oid: userId })
    .setProtectedHeader({ alg: "RS256", x5t })
    .setIssuer(identity.deviceId)
    .setSubject(identity.deviceId)
    .setAudience(identity.tokenEndpoint)
    .setIssuedAt(seconds)
    .setNotBefore(seconds - 60)
    .setExpirationTime(seconds + 600)
    .setJti(webcrypto.randomUUID())
    .sign(key);
}

/** Opens the CMS EnvelopedData of DecryptInfo (ime.md §3.2) with the device's MDM key; returns the JSON text. */
export async function openDecryptInfo(identity: DeviceIdentity, envelopeBase64: string): Promise<string> {
  try {
    const info = pkijs.ContentInfo.fromBER(new Uint8Array(Buffer.from(envelopeBase64, "base64")));
    const enveloped = new pkijs.EnvelopedData({ schema: info.content });
    const certificate = pkijs.Certificate.fromBER(new Uint8Array(pemToDer(identity.certificatePem)));
    const plain = await enveloped.decrypt(0, {
      recipientCertificate: certificate,
      recipientPrivateKey: new Uint8Array(pemToDer(identity.privateKeyPem)),
    });
    return Buffer.from(plain).toString("utf8");
  } catch (cause) {
    throw new ImesimError("DECRYPT_INFO_UNREADABLE", "DecryptInfo could not be opened with the device key", {
      path: "DecryptInfo",
      cause,
    });
  }
}
