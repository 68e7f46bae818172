// Issue 19: enrollment has a per-source rate limit and a per-tenant device cap, answering 429 + Retry-After.
import { afterEach, describe, expect, it } from "vitest";
import { EnrollmentLimiter } from "../../src/enrollment/enrollment-limits.ts";
import { startServer } from "./helpers.ts";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const enrollFrom = (server: Awaited<ReturnType<typeof startServer>>["server"], ip: string, name: string) =>
  server.inject({
    method: "POST",
    url: "/enrollment/devices",
    remoteAddress: ip,
    payload: { deviceName: name },
  });

describe("enrollment limits", () => {
  it("answers a source over its rate with 429 and Retry-After, while another source still enrolls", async () => {
    const started = await startServer({ enrollmentsPerMinute: 2 });
    close = started.close;
    const app = started.server;
    expect((await enrollFrom(app, "10.0.0.7", "A1")).statusCode).toBe(201);
    expect((await enrollFrom(app, "10.0.0.7", "A2")).statusCode).toBe(201);
    const refused = await enrollFrom(app, "10.0.0.7", "A3");
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(refused.json().error).toMatchObject({ code: "activityLimitReached" });
    expect(refused.json().error.message).toContain("10.0.0.7");
    expect((await enrollFrom(app, "10.0.0.8", "B1")).statusCode).toBe(201);
    expect(app.intune.store.countDevices()).toBe(3);
  });

  it("caps the tenant's devices", async () => {
    const started = await startServer({ maxDevices: 1 });
    close = started.close;
    expect((await enrollFrom(started.server, "10.0.0.1", "ONE")).statusCode).toBe(201);
    const refused = await enrollFrom(started.server, "10.0.0.2", "TWO");
    expect(refused.statusCode).toBe(429);
    expect(refused.headers["retry-after"]).toBe("60");
    expect(refused.json().error.message).toContain("maximum of 1 devices");
  });

  it("refills the bucket over time, and the defaults let a 1,000-device fleet enroll at once from one address", () => {
    const limited = new EnrollmentLimiter(60, 0);
    for (let index = 0; index < 60; index += 1) expect(limited.admit("h", 0, 0)).toBeUndefined();
    expect(limited.admit("h", 0, 0)?.retryAfterSeconds).toBe(1);
    expect(limited.admit("h", 0, 1000)).toBeUndefined();

    const defaults = new EnrollmentLimiter(1200, 100_000);
    for (let index = 0; index < 1000; index += 1)
      expect(defaults.admit("127.0.0.1", index, 0)).toBeUndefined();
    expect(new EnrollmentLimiter(0, 0).admit("x", 1e9, 0)).toBeUndefined();
  });

  it("refuses a limit that is not a whole number", async () => {
    await expect(startServer({ maxDevices: -1 })).rejects.toThrow(/maxDevices must be a whole number/);
  });
});
