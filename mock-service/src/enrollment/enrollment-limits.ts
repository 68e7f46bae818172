/** Why an enrollment was refused for now, and when to try again. */
export interface EnrollmentRefusal {
  readonly reason: string;
  readonly retryAfterSeconds: number;
}

/** Sources remembered at most; beyond that the table starts afresh (a refill for everyone, never a leak). */
const maxSources = 10_000;

/**
 * Enrollment limits (issue 19): a token bucket per source address holding `perMinute` enrollments, refilled
 * continuously at `perMinute` a minute, and a cap on the tenant's devices. 0 turns either off. Pure: the
 * caller passes the time and the device count.
 */
export class EnrollmentLimiter {
  readonly #perMinute: number;
  readonly #maxDevices: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perMinute: number, maxDevices: number) {
    this.#perMinute = perMinute;
    this.#maxDevices = maxDevices;
  }

  /** Takes one enrollment from `source`'s bucket, or says why not (and leaves the bucket as it was). */
  admit(source: string, deviceCount: number, nowMs: number): EnrollmentRefusal | undefined {
    if (this.#maxDevices > 0 && deviceCount >= this.#maxDevices) {
      return {
        reason: `The tenant holds its maximum of ${this.#maxDevices} devices (--max-devices).`,
        retryAfterSeconds: 60,
      };
    }
    if (this.#perMinute <= 0) return undefined;
    const perMs = this.#perMinute / 60_000;
    const bucket = this.#buckets.get(source) ?? { tokens: this.#perMinute, at: nowMs };
    const tokens = Math.min(this.#perMinute, bucket.tokens + (nowMs - bucket.at) * perMs);
    if (tokens < 1) {
      this.#buckets.set(source, { tokens, at: nowMs });
      return {
        reason: `Too many enrollments from ${source}: at most ${this.#perMinute} a minute (--enrollments-per-minute).`,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)),
      };
    }
    if (this.#buckets.size >= maxSources && !this.#buckets.has(source)) this.#buckets.clear();
    this.#buckets.set(source, { tokens: tokens - 1, at: nowMs });
    return undefined;
  }
}
