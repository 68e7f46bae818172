import { describe, expect, it } from "vitest";
import { DeviceRefreshTokens } from "../../src/identity/device-renewal.ts";
import type { DeviceRecord, UserRecord } from "../../src/store/records.ts";
import type { Store } from "../../src/store/store.ts";

const user = {
  id: "7c1d6f0e-0000-4000-8000-000000000001",
  userPrincipalName: "a@contoso.com",
  displayName: "A",
};

/** A tenant of enrolled device ids (each with `user`) and users, as far as a renewal reads it. */
function tenant(devices: Set<string>, users: Set<string>): Store {
  return {
    getDevice: (id: string) =>
      devices.has(id) ? ({ id, users: [user] } as unknown as DeviceRecord) : undefined,
    getUser: (id: string) => (users.has(id) ? ({ id } as unknown as UserRecord) : undefined),
  } as unknown as Store;
}

describe("device refresh tokens", () => {
  it("live 14 days, then are refused", () => {
    const tokens = new DeviceRefreshTokens();
    const store = tenant(new Set(["pc01"]), new Set());
    const now = Date.UTC(2026, 0, 1);
    const token = tokens.issue("pc01", undefined, now);
    expect(tokens.redeem(token, store, now + 14 * 86_400_000)).toBe(
      "The provided refresh_token is not valid.",
    );
    const fresh = tokens.issue("pc01", undefined, now);
    expect(tokens.redeem(fresh, store, now + 13 * 86_400_000)).toMatchObject({ device: { id: "pc01" } });
  });

  it("are refused once their device is gone or their user no longer a tenant user", () => {
    const devices = new Set(["pc01"]);
    const users = new Set([user.id]);
    const tokens = new DeviceRefreshTokens();
    const forDevice = tokens.issue("pc01", undefined);
    const forUser = tokens.issue("pc01", user.id);
    users.delete(user.id);
    expect(tokens.redeem(forUser, tenant(devices, users))).toBe(
      "The user of the refresh_token does not sign in on this device.",
    );
    devices.delete("pc01");
    expect(tokens.redeem(forDevice, tenant(devices, users))).toBe(
      "The device of the refresh_token is not enrolled.",
    );
  });

  it("keep one live token per device and user, and sweep expired ones as they grow", () => {
    const tokens = new DeviceRefreshTokens();
    const store = tenant(new Set(Array.from({ length: 3000 }, (_, index) => `pc${index}`)), new Set());
    const now = Date.UTC(2026, 0, 1);
    const old = Array.from({ length: 1500 }, (_, index) => tokens.issue(`pc${index}`, undefined, now));
    // 15 days on, 1,500 more devices: the sweep drops the expired grants, so their devices' new tokens stand alone.
    const later = now + 15 * 86_400_000;
    const fresh = Array.from({ length: 1500 }, (_, index) =>
      tokens.issue(`pc${1500 + index}`, undefined, later),
    );
    expect(tokens.size).toBeLessThan(1500 + 1024);
    expect(tokens.redeem(old[0] ?? "", store, later)).toBe("The provided refresh_token is not valid.");
    expect(tokens.redeem(fresh[1499] ?? "", store, later)).toMatchObject({ device: { id: "pc2999" } });
    expect(tokens.size).toBe(1499);
    const first = tokens.issue("pc1", undefined, later);
    const second = tokens.issue("pc1", undefined, later);
    expect(tokens.redeem(first, store, later)).toBe("The provided refresh_token is not valid.");
    expect(tokens.redeem(second, store, later)).toMatchObject({ device: { id: "pc1" } });
  });
});
