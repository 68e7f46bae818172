// decodeAppListPayload remembers what it decoded (issue 18): the service answers the same list at every hourly
// check-in, and inflating it again each time was 2% of a simulated month. node:zlib is wrapped to count inflations.
import * as zlib from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import { decodeAppListPayload, encodeAppListPayload } from "../../src/gateway/index.ts";

vi.mock("node:zlib", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:zlib")>();
  return { ...real, gunzipSync: vi.fn(real.gunzipSync) };
});

describe("app-list payload decoding, remembered", () => {
  it("inflates a payload once however often the same text comes back", () => {
    const json = '[{"Id":"0a0a0a0a-0000-4000-8000-00000000000a","memo":1}]';
    const payload = encodeAppListPayload(json);
    const inflations = vi.mocked(zlib.gunzipSync);
    inflations.mockClear();
    for (let i = 0; i < 5; i += 1) expect(decodeAppListPayload(payload)).toBe(json);
    expect(inflations).toHaveBeenCalledTimes(1);
  });

  it("decodes each distinct payload for itself and forgets the oldest past a few", () => {
    const texts = Array.from({ length: 12 }, (_, i) => `[{"n":${i}}]`);
    const payloads = texts.map(encodeAppListPayload);
    payloads.forEach((payload, i) => {
      expect(decodeAppListPayload(payload)).toBe(texts[i]);
    });
    const inflations = vi.mocked(zlib.gunzipSync);
    inflations.mockClear();
    // The newest are remembered, the first ones were dropped and are decoded again (to the same text).
    expect(decodeAppListPayload(payloads[11]!)).toBe(texts[11]);
    expect(inflations).toHaveBeenCalledTimes(0);
    expect(decodeAppListPayload(payloads[0]!)).toBe(texts[0]);
    expect(inflations).toHaveBeenCalledTimes(1);
  });

  it("rejects a bad payload every time it comes (errors are not remembered)", () => {
    for (let i = 0; i < 2; i += 1) {
      let error: unknown;
      try {
        decodeAppListPayload("not base64!");
      } catch (caught) {
        error = caught;
      }
      expect(isImesimError(error)).toBe(true);
    }
  });
});
