// RS256 JWTs signed and verified with node:crypto (contracts crypto/jws.ts) against jose, which the service and the
// agent used before: the same header and claims give the same token bytes, each side accepts the other's tokens, and
// every refusal jose made is still made, with the reason the service turns into its 401s.
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { JwtRejected, signJwtRs256, verifyJwtRs256 } from "@imesim/contracts/crypto";
import { jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
const now = 1_796_000_000;

/** A token as the service's TokenIssuer signed it with jose. */
function byJose(claims: Record<string, unknown>, key: KeyObject = privateKey): Promise<string> {
  return new SignJWT({ ...claims, tid: "t1", ver: "1.0" })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "k1", x5t: "k1" })
    .setIssuer("https://sts.example/t1/")
    .setIssuedAt(now)
    .setNotBefore(now - 300)
    .setExpirationTime(now + 3600)
    .sign(key);
}

/** The same token signed here. */
function byNode(claims: Record<string, unknown>, overrides: Record<string, unknown> = {}): string {
  return signJwtRs256(
    { alg: "RS256", typ: "JWT", kid: "k1", x5t: "k1" },
    {
      ...claims,
      tid: "t1",
      ver: "1.0",
      iss: "https://sts.example/t1/",
      iat: now,
      nbf: now - 300,
      exp: now + 3600,
      ...overrides,
    },
    privateKey,
  );
}

function rejection(token: string, options = {}): string {
  try {
    verifyJwtRs256(token, publicKey, { issuer: "https://sts.example/t1/", nowSeconds: now, ...options });
  } catch (error) {
    if (error instanceof JwtRejected) return error.reason;
    throw error;
  }
  return "accepted";
}

/** A token with its header or claims replaced by `json`, the signature kept. */
function withPart(token: string, index: 0 | 1, json: unknown): string {
  const parts = token.split(".");
  parts[index] = Buffer.from(JSON.stringify(json)).toString("base64url");
  return parts.join(".");
}

describe("RS256 JWTs with node:crypto", () => {
  it("are the bytes jose signs for the same header and claims, a device assertion's order included", async () => {
    const claims = { aud: "26a4ae64", oid: "o1", sub: "o1", scp: "x", deviceid: "d1", upn: "u@x" };
    expect(byNode(claims)).toBe(await byJose(claims));
    const assertion = await new SignJWT({ oid: "u1" })
      .setProtectedHeader({ alg: "RS256", x5t: "abc" })
      .setIssuer("d1")
      .setSubject("d1")
      .setAudience("https://login/t1/oauth2/token")
      .setIssuedAt(now)
      .setNotBefore(now - 60)
      .setExpirationTime(now + 600)
      .setJti("j1")
      .sign(privateKey);
    expect(
      signJwtRs256(
        { alg: "RS256", x5t: "abc" },
        {
          oid: "u1",
          iss: "d1",
          sub: "d1",
          aud: "https://login/t1/oauth2/token",
          iat: now,
          nbf: now - 60,
          exp: now + 600,
          jti: "j1",
        },
        privateKey,
      ),
    ).toBe(assertion);
  });

  it("accept jose's tokens, and jose accepts theirs", async () => {
    const token = byNode({ oid: "o1" });
    const verified = verifyJwtRs256(await byJose({ oid: "o1" }), publicKey, {
      issuer: "https://sts.example/t1/",
      nowSeconds: now,
    });
    expect(verified.payload).toMatchObject({ oid: "o1", tid: "t1", exp: now + 3600 });
    expect(verified.header).toEqual({ alg: "RS256", typ: "JWT", kid: "k1", x5t: "k1" });
    const byJoseCheck = await jwtVerify(token, publicKey, {
      algorithms: ["RS256"],
      issuer: "https://sts.example/t1/",
      currentDate: new Date(now * 1000),
    });
    expect(byJoseCheck.payload).toEqual(verified.payload);
  });

  it("refuse what jose refused: signature, expiry, not-yet-valid, issuer, subject, algorithm, form", () => {
    const good = byNode({ oid: "o1" });
    expect(rejection(good)).toBe("accepted");
    const [header, payload, signature] = good.split(".") as [string, string, string];
    // Another key, altered claims, an altered signature byte: the signature check.
    expect(
      rejection(signJwtRs256({ alg: "RS256" }, { iss: "https://sts.example/t1/" }, other.privateKey)),
    ).toBe("signature");
    expect(
      rejection(withPart(good, 1, { iss: "https://sts.example/t1/", oid: "admin", exp: now + 60 })),
    ).toBe("signature");
    const flipped = `${signature.slice(0, 10)}${signature[10] === "A" ? "B" : "A"}${signature.slice(11)}`;
    expect(rejection(`${header}.${payload}.${flipped}`)).toBe("signature");
    // Characters outside base64url are refused, not skipped (Buffer would skip them and see the good signature).
    expect(rejection(`${header}.${payload}.${signature.slice(0, 5)}*${signature.slice(5)}`)).toBe(
      "malformed",
    );
    expect(rejection(`${header}.${payload}.${signature}.x`)).toBe("malformed");
    expect(rejection(`${header}.${payload}`)).toBe("malformed");
    // Header: not JSON, not an object, another algorithm, an extension nobody understands.
    expect(rejection(`e30x.${payload}.${signature}`)).toBe("malformed");
    expect(rejection(withPart(good, 0, ["RS256"]))).toBe("malformed");
    expect(rejection(withPart(good, 0, { alg: "none" }))).toBe("malformed");
    expect(rejection(withPart(good, 0, { alg: "HS256" }))).toBe("malformed");
    expect(rejection(withPart(good, 0, { alg: "RS256", crit: ["exp"], exp: 1 }))).toBe("malformed");
    // Claims, checked after the signature: expired at exp exactly, nbf in the future, iss and sub, number types.
    expect(rejection(good, { nowSeconds: now + 3600 })).toBe("expired");
    expect(rejection(good, { nowSeconds: now + 3599 })).toBe("accepted");
    expect(rejection(good, { nowSeconds: now - 301 })).toBe("claim");
    expect(rejection(good, { issuer: "https://sts.example/t2/" })).toBe("claim");
    expect(rejection(good, { subject: "o1" })).toBe("claim");
    expect(rejection(byNode({ sub: "o1" }), { subject: "o1" })).toBe("accepted");
    expect(rejection(byNode({}, { exp: String(now + 60) }))).toBe("claim");
    expect(rejection(byNode({}, { iat: "now" }))).toBe("claim");
    // A signed claims set that is not a JSON object.
    const array = `${header}.${Buffer.from("[1]").toString("base64url")}`;
    const signedArray = `${array}.${sign("sha256", Buffer.from(array), privateKey).toString("base64url")}`;
    expect(rejection(signedArray)).toBe("malformed");
  });

  it("signs only RS256 headers", () => {
    expect(() => signJwtRs256({ alg: "HS256" }, {}, privateKey)).toThrow(/RS256/);
  });
});
