// The token issuer remembers tokens whose signature it checked (by their text). A remembered token must still be
// refused once it expires or for the wrong audience, and an altered copy of it is a new text that is checked afresh.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TokenIssuer, TokenRejected } from "../../src/identity/token-issuer.ts";
import { graphAudience, imeResourceId } from "../../src/identity/well-known-ids.ts";
import type { CertificateAuthority } from "../../src/pki/authority.ts";
import { authority } from "./fixtures.ts";

async function reasonOf(issuer: TokenIssuer, token: string, audiences = [imeResourceId]): Promise<string> {
  try {
    await issuer.verify(`Bearer ${token}`, audiences);
    return "accepted";
  } catch (error) {
    if (error instanceof TokenRejected) return error.reason;
    throw error;
  }
}

describe("verified tokens remembered by the issuer", () => {
  let ca: CertificateAuthority;
  let otherCa: CertificateAuthority;
  beforeAll(async () => {
    ca = await authority();
    otherCa = await authority();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("still refuses an expired, altered or misdirected token after a good one was remembered", async () => {
    const issuer = new TokenIssuer(ca.root, "tenant-a", 3600);
    const token = await issuer.issueDeviceToken("device-1", undefined);
    expect(await reasonOf(issuer, token)).toBe("accepted");
    expect(await reasonOf(issuer, token)).toBe("accepted");
    // The remembered token, for another resource.
    expect(await reasonOf(issuer, token, [graphAudience])).toBe("audience");
    // An altered copy: other claims under the good signature, or a changed signature.
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...claims, deviceid: "device-2" })).toString("base64url");
    expect(await reasonOf(issuer, `${header}.${forged}.${signature}`)).toBe("signature");
    const flipped = `${signature.slice(0, -3)}${signature.at(-3) === "A" ? "B" : "A"}${signature.slice(-2)}`;
    expect(await reasonOf(issuer, `${header}.${payload}.${flipped}`)).toBe("signature");
    // Another tenant's issuer on the same key refuses it (the iss claim), and another key's issuer by signature.
    expect(await reasonOf(new TokenIssuer(ca.root, "tenant-b", 3600), token)).toBe("malformed");
    expect(await reasonOf(new TokenIssuer(otherCa.root, "tenant-a", 3600), token)).toBe("signature");
    // An hour later the remembered token has expired.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3600_000 });
    expect(await reasonOf(issuer, token)).toBe("expired");
  });

  it("refuses a token that was already expired when first seen, and a missing one", async () => {
    const issuer = new TokenIssuer(ca.root, "tenant-a", 60);
    const token = await issuer.issueDeviceToken("device-1", undefined);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
    expect(await reasonOf(issuer, token)).toBe("expired");
    await expect(issuer.verify(undefined, [imeResourceId])).rejects.toMatchObject({ reason: "missing" });
  });
});
