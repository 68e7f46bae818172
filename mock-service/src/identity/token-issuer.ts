import { createHash, KeyObject, randomUUID, X509Certificate } from "node:crypto";
import { JwtRejected, signJwtRs256, verifyJwtRs256 } from "@imesim/contracts/crypto";
import { deviceCache } from "../device-cache.ts";
import type { KeyedCertificate } from "../pki/authority.ts";
import {
  adminRoles,
  deviceTokenScope,
  graphAppId,
  graphAudience,
  imeAgentClientId,
  imeResourceId,
} from "./well-known-ids.ts";

/** Who a verified token speaks for. */
export interface TokenClaims {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | string[];
  readonly exp?: number;
  readonly nbf?: number;
  readonly iat?: number;
  readonly [claim: string]: unknown;
  readonly tid: string;
  readonly oid: string;
  readonly appid: string;
  readonly deviceid?: string;
  readonly roles?: readonly string[];
  readonly scp?: string;
}

/** Why a token was refused; the gateway and Graph turn this into a 401. */
export class TokenRejected extends Error {
  readonly reason: "missing" | "malformed" | "signature" | "expired" | "audience" | "tenant" | "device";
  constructor(reason: TokenRejected["reason"], message: string) {
    super(message);
    this.reason = reason;
  }
}

/**
 * Mints and verifies the service's RS256 access tokens (graph-win32.md §5.3): v1-format claims,
 * `kid` and `x5t` in the header, the key published in the JWKS.
 */
export class TokenIssuer {
  readonly tenantId: string;
  readonly lifetimeSeconds: number;
  readonly kid: string;
  readonly #signing: KeyedCertificate;
  // node:crypto key objects made once: tokens are signed and verified with node:crypto directly (contracts
  // crypto/jws.ts), synchronously, where jose's Web Crypto path made each an async job and a key conversion.
  readonly #signingKey: KeyObject;
  readonly #verifyingKey: KeyObject;
  readonly #x5t: string;
  // Verified tokens: a device presents the same token on every check-in for an hour, and an RSA verify per
  // request would dominate the gateway's cost. Each is kept under the end of its signature with its whole text
  // beside it, and only the whole text finds it: a look-up keyed by the whole token hashed ~1 KB of header text
  // made fresh per request (2–9 µs in a fleet, issue 18), where the end of the signature is a few dozen characters.
  readonly #verified = deviceCache<{ readonly token: string; readonly claims: TokenClaims }>();

  constructor(signing: KeyedCertificate, tenantId: string, lifetimeSeconds: number) {
    this.#signing = signing;
    this.tenantId = tenantId;
    this.lifetimeSeconds = lifetimeSeconds;
    const der = Buffer.from(signing.certificate.rawData);
    this.#signingKey = KeyObject.from(signing.privateKey);
    this.#verifyingKey = new X509Certificate(der).publicKey;
    this.#x5t = createHash("sha1").update(der).digest("base64url");
    // Entra uses the certificate's base64url SHA-1 thumbprint as both kid and x5t.
    this.kid = this.#x5t;
  }

  /** `iss` of every token: the v1 issuer (graph-win32.md §5.3). */
  get issuer(): string {
    return `https://sts.windows.net/${this.tenantId}/`;
  }

  /** The public key as a JWKS entry, with its certificate chain as Entra publishes it. */
  async jwk(): Promise<Record<string, unknown>> {
    const publicKey = await crypto.subtle.exportKey(
      "jwk",
      await this.#signing.certificate.publicKey.export(),
    );
    return {
      kty: "RSA",
      use: "sig",
      kid: this.kid,
      x5t: this.#x5t,
      n: publicKey.n,
      e: publicKey.e,
      x5c: [Buffer.from(this.#signing.certificate.rawData).toString("base64")],
      issuer: `https://login.microsoftonline.com/${this.tenantId}/v2.0`,
    };
  }

  /** App-only Graph token for an admin script using client credentials. */
  async issueAdminToken(clientId: string, audience: string): Promise<string> {
    const servicePrincipalId = stableUuid(`sp:${clientId}`);
    return this.#sign({
      aud: audience === graphAppId ? graphAppId : graphAudience,
      oid: servicePrincipalId,
      sub: servicePrincipalId,
      appid: clientId,
      appidacr: "1",
      idtyp: "app",
      roles: [...adminRoles],
    });
  }

  /**
   * Delegated Graph token for the tenant's admin user (device-code sign-in, graph-win32.md §5.1,
   * §5.3): `scp` instead of `roles`, the user's `upn` and `name`, a public client (`appidacr` 0).
   */
  async issueDelegatedToken(clientId: string, scope: string): Promise<string> {
    const userId = stableUuid(`user:admin:${this.tenantId}`);
    const upn = `admin@${this.tenantId.slice(0, 8)}.onmicrosoft.com`;
    return this.#sign({
      aud: graphAudience,
      oid: userId,
      sub: userId,
      appid: clientId,
      appidacr: "0",
      scp: scope,
      upn,
      unique_name: upn,
      name: "imesim admin",
    });
  }

  /** Gateway token for an enrolled device, for its system context or one of its users. */
  async issueDeviceToken(
    deviceId: string,
    user: { id: string; userPrincipalName: string } | undefined,
  ): Promise<string> {
    const subject = user?.id ?? deviceId;
    return this.#sign({
      aud: imeResourceId,
      oid: subject,
      sub: subject,
      appid: imeAgentClientId,
      appidacr: "0",
      scp: deviceTokenScope,
      deviceid: deviceId,
      ...(user === undefined ? {} : { upn: user.userPrincipalName, unique_name: user.userPrincipalName }),
    });
  }

  /** Verifies signature, expiry, audience and tenant; throws TokenRejected with the reason. */
  async verify(authorization: string | undefined, audiences: readonly string[]): Promise<TokenClaims> {
    if (authorization === undefined || !/^Bearer\s+/i.test(authorization)) {
      throw new TokenRejected("missing", "No bearer token in the Authorization header.");
    }
    const token = authorization.replace(/^Bearer\s+/i, "").trim();
    const nowSeconds = Math.floor(Date.now() / 1000);
    let claims = this.#known(token);
    if (claims === undefined) {
      claims = await this.#verifySignature(token);
      this.#remember(token, claims);
    }
    if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) {
      throw new TokenRejected("expired", "The access token has expired.");
    }
    if (!audiences.includes(String(claims.aud))) {
      throw new TokenRejected(
        "audience",
        `The token's audience ${String(claims.aud)} is not valid for this resource.`,
      );
    }
    if (claims.tid !== this.tenantId) {
      throw new TokenRejected("tenant", "The token was issued for another tenant.");
    }
    return claims;
  }

  /** The claims of `token` when this exact text was verified (or signed) lately. */
  #known(token: string): TokenClaims | undefined {
    const entry = this.#verified.get(cacheKeyOf(token));
    return entry !== undefined && entry.token === token ? entry.claims : undefined;
  }

  #remember(token: string, claims: TokenClaims): void {
    this.#verified.set(cacheKeyOf(token), { token, claims });
  }

  async #verifySignature(token: string): Promise<TokenClaims> {
    let payload: Readonly<Record<string, unknown>>;
    try {
      ({ payload } = verifyJwtRs256(token, this.#verifyingKey, { issuer: this.issuer }));
    } catch (error) {
      // Anything but a reasoned refusal is a token this service did not make: malformed, as with jose.
      if (!(error instanceof JwtRejected))
        throw new TokenRejected("malformed", "The token is not a valid JWT issued by this service.");
      if (error.reason === "expired") throw new TokenRejected("expired", "The access token has expired.");
      if (error.reason === "signature")
        throw new TokenRejected("signature", "The token's signature is invalid.");
      throw new TokenRejected("malformed", "The token is not a valid JWT issued by this service.");
    }
    if (
      typeof payload.tid !== "string" ||
      typeof payload.oid !== "string" ||
      typeof payload.appid !== "string"
    ) {
      throw new TokenRejected("malformed", "The token lacks tid, oid or appid.");
    }
    return payload as TokenClaims;
  }

  async #sign(claims: {
    readonly oid: string;
    readonly appid: string;
    readonly [claim: string]: string | readonly string[];
  }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    // The header and claims in the order jose's SignJWT wrote them (the caller's claims, tid, ver, uti, then iss,
    // iat, nbf, exp): with PKCS#1 v1.5's deterministic signature, the token bytes are what they were.
    const signed = {
      ...claims,
      tid: this.tenantId,
      ver: "1.0",
      uti: randomUUID().replaceAll("-", ""),
      iss: this.issuer,
      iat: now,
      nbf: now - 300,
      exp: now + this.lifetimeSeconds,
    };
    const token = signJwtRs256(
      { alg: "RS256", typ: "JWT", kid: this.kid, x5t: this.#x5t },
      signed,
      this.#signingKey,
    );
    // This service's key made the signature over exactly these bytes, so verifying them would succeed: the
    // token's claims go into the verified cache now. Expiry, audience and tenant are still checked on every use
    // (verify); a device's first request with a fresh token no longer pays an RSA verify (issue 18). The claims
    // are the object just signed, not the token read back: every value is a string, a whole number or a list of
    // strings, which the token's JSON carries exactly, and the read-back decoded and parsed each token again.
    this.#remember(token, signed);
    return token;
  }
}

/**
 * Where a token is kept among the verified ones: the last 32 characters of its text, the end of its signature
 * (192 bits of an RSA signature, distinct per token). Two texts sharing it only displace each other's entry.
 */
function cacheKeyOf(token: string): string {
  return token.slice(-32);
}

/** A UUID derived from `seed`, so the same client id always maps to the same object id. */
export function stableUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
