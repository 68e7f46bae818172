// Who the device is to the service: what enrollment hands out, and the token request's client assertion
// built from it (decrypt-info.ts opens DecryptInfo with the same MDM key).
import { createHash, createPrivateKey, type KeyObject, randomUUID } from "node:crypto";
import { signJwtRs256 } from "@imesim/contracts/crypto";
import { ImesimError } from "@imesim/contracts/errors";

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

/** What signs a device's assertions: its MDM key and the certificate's thumbprint. */
interface AssertionSigner {
  readonly key: KeyObject;
  readonly x5t: string;
}

// Private keys by their PEM text: the key object is a pure function of it, and every device of an `imesim run`
// fleet holds the run's one key (e2e run/enrollment.ts). One object per key also keeps OpenSSL's per-key set-up
// (Montgomery contexts, blinding), which costs more than a signature, to once per key instead of once per device.
const privateKeys = new Map<string, KeyObject>();
const privateKeyLimit = 64;

/** The private key in `pem` (PKCS#8), imported once per distinct PEM. */
export function privateKeyOf(pem: string): KeyObject {
  const known = privateKeys.get(pem);
  if (known !== undefined) return known;
  const key = createPrivateKey(pem);
  if (privateKeys.size >= privateKeyLimit) privateKeys.delete(privateKeys.keys().next().value as string);
  privateKeys.set(pem, key);
  return key;
}

// Read once per identity: a device asks for a token several times a day (per user, and on every renewal).
const signers = new WeakMap<DeviceIdentity, AssertionSigner>();

function assertionSignerOf(identity: DeviceIdentity): AssertionSigner {
  const known = signers.get(identity);
  if (known !== undefined) return known;
  const signer = {
    key: privateKeyOf(identity.privateKeyPem),
    x5t: createHash("sha1").update(pemToDer(identity.certificatePem)).digest("base64url"),
  };
  signers.set(identity, signer);
  return signer;
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
  const { key, x5t } = assertionSignerOf(identity);
  const seconds = Math.floor(nowMs / 1000);
  // Signed with node:crypto (contracts crypto/jws.ts), claims in the order jose's SignJWT wrote them: the same
  // bytes for the same inputs, without an async Web Crypto job per assertion.
  return signJwtRs256(
    { alg: "RS256", x5t },
    {
      ...(userId === undefined ? {} : { oid: userId }),
      iss: identity.deviceId,
      sub: identity.deviceId,
      aud: identity.tokenEndpoint,
      iat: seconds,
      nbf: seconds - 60,
      exp: seconds + 600,
      jti: randomUUID(),
    },
    key,
  );
}
