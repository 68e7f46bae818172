import { describe, expect, it } from "vitest";
import { contentStepMs, DEFAULT_DOWNLOAD_MBPS, downloadMs } from "../../src/machines/work-durations.ts";

const MB = 1_000_000;

describe("work durations (issue 13 time)", () => {
  it("downloads at the device's bandwidth, faster from peers, never in no time", () => {
    expect(DEFAULT_DOWNLOAD_MBPS).toBe(100);
    // 100 MB at 100 Mbit/s is 8 s of transfer, plus the DO job's fixed cost.
    expect(downloadMs(100 * MB)).toBe(9_500);
    expect(downloadMs(100 * MB, 10)).toBe(81_500);
    expect(downloadMs(100 * MB, 100, 1)).toBe(3_500);
    expect(downloadMs(0)).toBeGreaterThanOrEqual(1_000);
  });

  it("hashes, decrypts and unzips in time that grows with the size, from a floor", () => {
    for (const step of ["verify", "decrypt", "unzip"] as const) {
      expect(contentStepMs(step, 0)).toBeGreaterThan(0);
      expect(contentStepMs(step, 1_000 * MB)).toBeGreaterThan(contentStepMs(step, MB));
    }
    expect(contentStepMs("unzip", 1_000 * MB)).toBeGreaterThan(contentStepMs("verify", 1_000 * MB));
  });
});
