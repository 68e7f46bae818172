// RS256 JSON Web Tokens (RFC 7515 compact serialisation, RFC 7519 claims) with node:crypto, synchronously.
// The service's access tokens and the devices' client assertions used jose, whose Web Crypto path made every sign
// and verify an async job plus a key conversion; in a fleet that was a few percent of each device's CPU.
// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) is deterministic, so the same header and claims signed here give the same
// bytes as jose: the header and claims are serialised with JSON.stringify in the caller's key order, as jose's
// SignJWT does. Verification keeps jose's checks and their order: the compact form, the protected header (a JSON
// object, `crit` understood, `alg` RS256), the signature, then the claims set (a JSON object; `iss`/`sub` when
// asked for; `iat`, `nbf`, `exp` numbers; `nbf` not in the future; `exp` not passed).
import { type KeyObject, sign, verify } from "node:crypto";

/** Why a JWT was refused. `signature` and `expired` are told apart; everything else is `malformed` or `claim`. */
export type JwtRejection = "malformed" | "signature" | "expired" | "claim";

/** A JWT that failed verification; `reason` says at which check. */
export class JwtRejected extends Error {
  readonly reason: JwtRejection;
  constructor(reason: JwtRejection, message: string) {
    super(message);
    this.name = "JwtRejected";
    this.reason = reason;
  }
}

/** A verified JWT: its protected header and claims set. */
export interface VerifiedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** What a verification asks of the claims beyond the signature and the times. */
export interface JwtExpectations {
  /** Required `iss`. */
  readonly issuer?: string;
  /** Required `sub`. */
  readonly subject?: string;
  /** The time checks' "now" in seconds since the epoch; defaults to Date.now(). */
  readonly nowSeconds?: number;
}

/** Signs `claims` under `header` (which must carry `alg: "RS256"`) with an RSA private key; compact form. */
export function signJwtRs256(
  header: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
  privateKey: KeyObject,
): string {
  if (header.alg !== "RS256") throw new TypeError('signJwtRs256 needs a header with alg "RS256"');
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  // PKCS#1 v1.5 is node:crypto's default padding for an RSA key.
  return `${signingInput}.${sign("sha256", Buffer.from(signingInput, "ascii"), privateKey).toString("base64url")}`;
}

/** Verifies an RS256 compact JWT against `publicKey`; throws JwtRejected with the first check that failed. */
export function verifyJwtRs256(
  token: string,
  publicKey: KeyObject,
  expected: JwtExpectations = {},
): VerifiedJwt {
  const parts = token.split(".");
  if (parts.length !== 3) throw new JwtRejected("malformed", "The JWT is not in compact form.");
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = jsonObjectOf(encodedHeader, "protected header");
  checkCritical(header);
  if (header.alg !== "RS256") throw new JwtRejected("malformed", 'The JWT\'s "alg" is not RS256.');
  if (!BASE64URL.test(encodedPayload))
    throw new JwtRejected("malformed", "The JWT's payload is not base64url.");
  const signature = decodeBase64url(encodedSignature, "signature");
  const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`, "ascii");
  let valid = false;
  try {
    valid = verify("sha256", signingInput, publicKey, signature);
  } catch {
    // A key that cannot check this signature at all (not RSA, say) refuses it like a wrong signature, as jose did.
  }
  if (!valid) throw new JwtRejected("signature", "The JWT's signature is invalid.");
  const payload = jsonObjectOf(encodedPayload, "claims set");
  checkClaims(payload, expected);
  return { header, payload };
}

// base64url without padding, as JWS writes it (RFC 7515 §2); jose also takes up to two "=" and so does this.
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
// The claims set and header must be UTF-8 (RFC 7519 §7.2); a fatal decoder refuses what Buffer would patch up.
const utf8 = new TextDecoder("utf-8", { fatal: true });

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/** Strict base64url: Buffer skips characters outside the alphabet, which would let an altered token through. */
function decodeBase64url(text: string, what: string): Buffer {
  const unpadded = text.replace(/=+$/, "");
  if (!BASE64URL.test(text) || unpadded.length % 4 === 1)
    throw new JwtRejected("malformed", `The JWT's ${what} is not base64url.`);
  return Buffer.from(unpadded, "base64url");
}

function jsonObjectOf(encoded: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(decodeBase64url(encoded, what)));
  } catch (error) {
    if (error instanceof JwtRejected) throw error;
    throw new JwtRejected("malformed", `The JWT's ${what} is not JSON.`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new JwtRejected("malformed", `The JWT's ${what} is not a JSON object.`);
  return parsed as Record<string, unknown>;
}

/**
 * RFC 7515 §4.1.11: every `crit` name must be understood. The only extension understood is `b64` (RFC 7797), and a
 * JWT must keep its payload encoded (RFC 7797 §7), so `b64` may only be true.
 */
function checkCritical(header: Record<string, unknown>): void {
  const { crit } = header;
  if (crit === undefined) return;
  if (
    !Array.isArray(crit) ||
    crit.length === 0 ||
    crit.some((name) => typeof name !== "string" || name === "") ||
    new Set(crit).size !== crit.length
  )
    throw new JwtRejected("malformed", 'The JWT\'s "crit" is not a list of distinct names.');
  for (const name of crit) {
    if (name !== "b64")
      throw new JwtRejected("malformed", `The JWT's critical extension ${name} is not supported.`);
    if (header.b64 !== true)
      throw new JwtRejected("malformed", "A JWT must keep its payload base64url-encoded.");
  }
}

function checkClaims(claims: Record<string, unknown>, expected: JwtExpectations): void {
  for (const [claim, value] of [
    ["iss", expected.issuer],
    ["sub", expected.subject],
  ] as const) {
    if (value !== undefined && claims[claim] !== value)
      throw new JwtRejected("claim", `The JWT's "${claim}" is not ${value}.`);
  }
  const now = expected.nowSeconds ?? Math.floor(Date.now() / 1000);
  for (const claim of ["iat", "nbf", "exp"]) {
    if (claims[claim] !== undefined && typeof claims[claim] !== "number")
      throw new JwtRejected("claim", `The JWT's "${claim}" is not a number.`);
  }
  if (typeof claims.nbf === "number" && claims.nbf > now)
    throw new JwtRejected("claim", "The JWT is not valid yet.");
  if (typeof claims.exp === "number" && claims.exp <= now)
    throw new JwtRejected("expired", "The JWT has expired.");
}
