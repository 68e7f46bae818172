// The mock's per-device caches hold the devices checking in now: a fleet's finished devices must not keep their
// tokens, certificates and app lists in memory to the end of the run (issue 18, bench/fleet.bench.ts row 2).
import { describe, expect, it } from "vitest";
import { DEVICE_CACHE_ENTRIES, deviceCache } from "../../src/device-cache.ts";

describe("deviceCache", () => {
  it("keeps at most DEVICE_CACHE_ENTRIES values however many devices pass", () => {
    const cache = deviceCache<{ device: number }>();
    for (let device = 0; device < 3 * DEVICE_CACHE_ENTRIES; device += 1)
      cache.set(`device-${device}`, { device });
    expect(cache.size).toBe(DEVICE_CACHE_ENTRIES);
    expect(cache.get("device-0")).toBeUndefined();
    expect(cache.get(`device-${3 * DEVICE_CACHE_ENTRIES - 1}`)).toEqual({
      device: 3 * DEVICE_CACHE_ENTRIES - 1,
    });
  });

  it("keeps the entry of a device that keeps checking in while others pass", () => {
    const cache = deviceCache<string>(4);
    cache.set("live", "token");
    for (let device = 0; device < 12; device += 1) {
      cache.set(`finished-${device}`, "token");
      expect(cache.get("live")).toBe("token");
    }
    expect(cache.size).toBe(4);
  });
});
