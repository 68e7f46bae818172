// How a device renews the IME's token without proving its key again. Windows' web account manager, which gets the
// IME its tokens, renews them from the device's primary refresh token; it does not sign a fresh proof with the device
// key each hour. The mock's stand-in: the answer to a device assertion carries a refresh token bound to that device
// and user, good for one renewal (each renewal hands out the next, as Entra rotates refresh tokens). Besides
// fidelity it saves a 2048-bit RSA signature on the device and a verification here per renewal: a device renews
// at every hourly check-in (issue 18).
import { randomDraws } from "../random-draws.ts";
import type { Store } from "../store/store.ts";
import type { DeviceIdentity } from "./device-assertion.ts";

/** Who a device refresh token was handed to: the device and, for a user's token, the user. */
interface DeviceGrant {
  readonly deviceId: string;
  readonly userId: string | undefined;
  readonly expiresAt: number;
}

// A primary refresh token is valid for 14 days of inactivity ("What is a Primary Refresh Token?", Microsoft Entra).
const REFRESH_LIFETIME_MS = 14 * 24 * 3600_000;
// Expired grants are swept when the table has grown past this many since the last sweep: the table holds one live
// token per device and user, so it stays as large as the tenant's devices.
const FIRST_SWEEP_AT = 1024;

/** The device refresh tokens the service has handed out and not yet seen used. */
export class DeviceRefreshTokens {
  readonly #byToken = new Map<string, DeviceGrant>();
  // The live token of each device and user: a new one retires the one before (a device holds one at a time).
  readonly #byHolder = new Map<string, string>();
  #sweepAt = FIRST_SWEEP_AT;

  /** How many tokens the table holds: the live ones and expired ones not swept yet. */
  get size(): number {
    return this.#byToken.size;
  }

  /** A new refresh token for `deviceId` (and `userId`), retiring the one handed to them before. */
  issue(deviceId: string, userId: string | undefined, now = Date.now()): string {
    const holder = holderOf(deviceId, userId);
    const previous = this.#byHolder.get(holder);
    if (previous !== undefined) this.#byToken.delete(previous);
    if (this.#byToken.size >= this.#sweepAt) this.#sweep(now);
    const token = randomToken();
    this.#byToken.set(token, { deviceId, userId, expiresAt: now + REFRESH_LIFETIME_MS });
    this.#byHolder.set(holder, token);
    return token;
  }

  /**
   * The device and user `token` was handed to, when it is live; it is used up either way. Checked again against the
   * tenant as a device assertion would be: the device must still be enrolled and the user still one of its users.
   * Returns a reason string on refusal.
   */
  redeem(token: string, store: Store, now = Date.now()): DeviceIdentity | string {
    const grant = this.#byToken.get(token);
    if (grant === undefined || grant.expiresAt <= now) return "The provided refresh_token is not valid.";
    this.#byToken.delete(token);
    this.#byHolder.delete(holderOf(grant.deviceId, grant.userId));
    const device = store.getDevice(grant.deviceId);
    if (device === undefined) return "The device of the refresh_token is not enrolled.";
    if (grant.userId === undefined) return { device, user: undefined };
    const user = device.users.find((candidate) => candidate.id.toLowerCase() === grant.userId);
    if (user === undefined || store.getUser(grant.userId) === undefined)
      return "The user of the refresh_token does not sign in on this device.";
    return { device, user };
  }

  #sweep(now: number): void {
    for (const [token, grant] of this.#byToken) {
      if (grant.expiresAt > now) continue;
      this.#byToken.delete(token);
      this.#byHolder.delete(holderOf(grant.deviceId, grant.userId));
    }
    this.#sweepAt = Math.max(FIRST_SWEEP_AT, this.#byToken.size * 2);
  }
}

// Tokens are drawn from blocks of random bytes (random-draws.ts): one 32-byte randomBytes call cost ~25 µs in a busy
// fleet process.
const tokenDraws = randomDraws(32);

/** 32 fresh random bytes, base64url. */
function randomToken(): string {
  return tokenDraws().toString("base64url");
}

function holderOf(deviceId: string, userId: string | undefined): string {
  return `${deviceId.toLowerCase()} ${userId ?? ""}`;
}
