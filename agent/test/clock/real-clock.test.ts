import { describe, expect, it } from "vitest";
import { createRealClock } from "../../src/clock/index.ts";

describe("real clock", () => {
  it("at speed 100 fires a 5 s timer after about 50 ms of wall time, with 5 s passed on its own time", async () => {
    const clock = createRealClock({ speed: 100 });
    const start = clock.now();
    const wallStart = performance.now();
    await clock.sleep(5_000);
    const wall = performance.now() - wallStart;
    expect(wall).toBeGreaterThanOrEqual(45);
    expect(wall).toBeLessThan(2_000);
    expect(clock.now() - start).toBeGreaterThanOrEqual(4_500);
  });

  it("at the default speed follows the wall clock", () => {
    const clock = createRealClock();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
  });

  it("refuses a speed that is not a positive number, naming it", () => {
    expect(() => createRealClock({ speed: 0 })).toThrow(
      expect.objectContaining({
        code: "CLOCK_SPEED_INVALID",
        message: "clock speed must be a positive number, not 0",
      }),
    );
    expect(() => createRealClock({ speed: Number.NaN })).toThrow("not NaN");
  });
});
