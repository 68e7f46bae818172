// The device's client assertion, signed with node:crypto: what jose's SignJWT made (claims in its order, RS256 with
// the certificate's x5t), and the MDM key imported once per PEM however many identities hold it.
import { createHash, generateKeyPairSync } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  type DeviceIdentity,
  deviceAssertion,
  pemToDer,
  privateKeyOf,
} from "../../src/service-client/device-identity.ts";

function identityWith(privateKeyPem: string, deviceId: string): DeviceIdentity {
  return {
    deviceId,
    deviceName: "PC01",
    osVersion: "10.0.26100",
    // Any PEM block serves: the assertion only hashes the certificate's DER for x5t.
    certificatePem: `-----BEGIN CERTIFICATE-----\n${Buffer.from(`cert of ${deviceId}`).toString("base64")}\n-----END CERTIFICATE-----\n`,
    privateKeyPem,
    tokenEndpoint: "https://login.invalid/tenant/oauth2/token",
    serviceDiscoveryUrl: "https://discovery.invalid",
  };
}

const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();

describe("device assertions", () => {
  it("are RS256 JWTs jose verifies, with jose's claim order, the certificate's x5t and the user as oid", async () => {
    const identity = identityWith(pem, "device-1");
    const nowMs = 1_796_000_000_500;
    const assertion = await deviceAssertion(identity, nowMs, "user-1");
    const verified = await jwtVerify(assertion, pair.publicKey, {
      algorithms: ["RS256"],
      issuer: "device-1",
      subject: "device-1",
      audience: identity.tokenEndpoint,
      currentDate: new Date(nowMs),
    });
    expect(Object.keys(verified.payload)).toEqual(["oid", "iss", "sub", "aud", "iat", "nbf", "exp", "jti"]);
    expect(verified.payload).toMatchObject({
      oid: "user-1",
      iat: 1_796_000_000,
      nbf: 1_795_999_940,
      exp: 1_796_000_600,
    });
    const x5t = createHash("sha1").update(pemToDer(identity.certificatePem)).digest("base64url");
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: "RS256", x5t });
    // Byte for byte what jose signs for the same claims (PKCS#1 v1.5 is deterministic).
    const claims = decodeJwt(assertion);
    const byJose = await new SignJWT({ oid: "user-1" })
      .setProtectedHeader({ alg: "RS256", x5t })
      .setIssuer("device-1")
      .setSubject("device-1")
      .setAudience(identity.tokenEndpoint)
      .setIssuedAt(1_796_000_000)
      .setNotBefore(1_795_999_940)
      .setExpirationTime(1_796_000_600)
      .setJti(claims.jti as string)
      .sign(pair.privateKey);
    expect(assertion).toBe(byJose);
    expect(Object.keys(decodeJwt(await deviceAssertion(identity, nowMs)))).not.toContain("oid");
  });

  it("share one imported key between identities holding the same PEM, and only those", () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    expect(privateKeyOf(pem)).toBe(privateKeyOf(`${pem}`));
    expect(privateKeyOf(other)).not.toBe(privateKeyOf(pem));
    expect(privateKeyOf(other).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});
