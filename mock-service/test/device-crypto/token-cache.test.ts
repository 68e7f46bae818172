// The token issuer remembers tokens whose signature it checked (by their whole text). A remembered token must still be
// refused once it expires or for the wrong audience, and an altered copy of it is a new text that is checked afresh.
// A token the issuer signed goes into that cache as it is made (the same bytes would verify), so a device's first
// request with it costs no RSA verify (issue 18); the claims served are the ones a verification reads.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TokenIssuer, TokenRejected } from "../../src/identity/token-issuer.ts";
import { graphAudience, imeResourceId } from "../../src/identity/well-known-ids.ts";
import type { CertificateAuthority } from "../../src/pki/authority.ts";
import { authority } from "./fixtures.ts";

const verifications = vi.hoisted(() => ({ count: 0 }));
vi.mock("@imesim/contracts/crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@imesim/contracts/crypto")>();
  return {
    ...actual,
    verifyJwtRs256: (...args: Parameters<typeof actual.verifyJwtRs256>) => {
      verifications.count += 1;
      return actual.verifyJwtRs256(...args);
    },
  };
});

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

describe("tokens the issuer signed itself", () => {
  let ca: CertificateAuthority;
  beforeAll(async () => {
    ca = await authority();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("are accepted without a signature check, with the claims a verification reads", async () => {
    const issuer = new TokenIssuer(ca.root, "tenant-a", 3600);
    const user = { id: "0f0e0d0c-0000-4000-8000-000000000001", userPrincipalName: "ada@contoso.com" };
    for (const token of [
      await issuer.issueDeviceToken("device-1", undefined),
      await issuer.issueDeviceToken("device-1", user),
      await issuer.issueAdminToken("admin-app", "https://graph.microsoft.com"),
    ]) {
      const audiences = [imeResourceId, graphAudience];
      const before = verifications.count;
      const served = await issuer.verify(`Bearer ${token}`, audiences);
      expect(verifications.count).toBe(before);
      // Another issuer on the same key and tenant has not seen the token: it verifies the signature.
      const verified = await new TokenIssuer(ca.root, "tenant-a", 3600).verify(`Bearer ${token}`, audiences);
      expect(verifications.count).toBe(before + 1);
      expect(served).toStrictEqual(verified);
    }
  });

  it("are still refused for another audience, and once expired; an altered copy is verified and refused", async () => {
    const issuer = new TokenIssuer(ca.root, "tenant-a", 60);
    const token = await issuer.issueDeviceToken("device-1", undefined);
    expect(await reasonOf(issuer, token, [graphAudience])).toBe("audience");
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...claims, deviceid: "device-2" })).toString("base64url");
    const before = verifications.count;
    expect(await reasonOf(issuer, `${header}.${forged}.${signature}`)).toBe("signature");
    expect(verifications.count).toBe(before + 1);
    // The altered copy ends with the good token's signature, where the issuer keeps the good one: it is still
    // served from memory.
    expect(await reasonOf(issuer, token)).toBe("accepted");
    expect(verifications.count).toBe(before + 1);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
    expect(await reasonOf(issuer, token)).toBe("expired");
  });
});
