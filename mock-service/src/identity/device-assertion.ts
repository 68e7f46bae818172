import { verifyJwtRs256 } from "@imesim/contracts/crypto";
import { decodeProtectedHeader } from "jose";
import type { CertificateAuthority } from "../pki/authority.ts";
import { deviceCertificate } from "../pki/device-certificates.ts";
import type { DeviceRecord, DeviceUser } from "../store/records.ts";
import type { Store } from "../store/store.ts";

/** Assertion type of RFC 7523 client authentication, which the device grant uses. */
export const jwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** A verified device assertion: the device and, when it names one, the signed-in user. */
export interface DeviceIdentity {
  readonly device: DeviceRecord;
  readonly user: DeviceUser | undefined;
}

/**
 * Verifies the client assertion of the device grant. The real IME gets its token from Windows'
 * web account manager, which proves the device with its keys; the mock's stand-in is Entra's
 * certificate credential (RFC 7523): a JWT signed with the MDM device key, `iss` = `sub` =
 * device id, `aud` = this token endpoint, optional `oid` naming a tenant user allowed on the device, and
 * `x5t` = base64url SHA-1 of the device certificate. Returns a reason string on rejection.
 */
export async function verifyDeviceAssertion(
  assertion: string,
  tokenEndpointPath: string,
  store: Store,
  authority: CertificateAuthority,
): Promise<DeviceIdentity | string> {
  let deviceId: unknown;
  try {
    decodeProtectedHeader(assertion);
    deviceId = JSON.parse(Buffer.from(assertion.split(".")[1] ?? "", "base64url").toString("utf8")).sub;
  } catch {
    return "The client assertion is not a JWT.";
  }
  if (typeof deviceId !== "string") return "The client assertion has no sub claim.";
  const device = store.getDevice(deviceId);
  if (device === undefined) return "The device in the client assertion is not enrolled.";
  // Read once per certificate (device-certificates.ts): a device asks for tokens all day long.
  const certificate = deviceCertificate(device.certificatePem);
  if (!authority.issuedDevice(certificate)) return "The device certificate is not valid.";
  let payload: Record<string, unknown>;
  try {
    // node:crypto, synchronously (contracts crypto/jws.ts): jose's Web Crypto verify was an async job per token.
    const verified = verifyJwtRs256(assertion, certificate.publicKey, {
      issuer: device.id,
      subject: device.id,
    });
    payload = verified.payload;
    const x5t = verified.header.x5t;
    const expected = Buffer.from(device.thumbprint, "hex").toString("base64url");
    if (x5t !== undefined && x5t !== expected)
      return "The assertion's x5t does not match the device certificate.";
  } catch {
    return "The client assertion's signature or lifetime is invalid.";
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (
    !audiences.some(
      (aud) => typeof aud === "string" && aud.toLowerCase().endsWith(tokenEndpointPath.toLowerCase()),
    )
  ) {
    return "The client assertion's audience is not this token endpoint.";
  }
  if (payload.oid === undefined) return { device, user: undefined };
  const oid = String(payload.oid).toLowerCase();
  // The oid must be a user of the tenant (not a device, not anything else) and one allowed on this device.
  if (store.getUser(oid) === undefined)
    return "The oid in the client assertion is not a user of this tenant.";
  const user = device.users.find((candidate) => candidate.id.toLowerCase() === oid);
  if (user === undefined) return "The user in the client assertion does not sign in on this device.";
  return { device, user };
}
