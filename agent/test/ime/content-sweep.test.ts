import { createDevice } from "@imesim/agent/host";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../src/clock/index.ts";
import {
  createImeStateStore,
  imeCachePath,
  incomingPath,
  STAGING_DIR,
  stagingPath,
  sweepStaleContent,
} from "../../src/ime/index.ts";

const USER = "00000000-0000-0000-0000-000000000000";
const [DOWNLOADING, TIMED_OUT, DONE, GONE] = ["a", "b", "c", "d"].map(
  (c) => `${c.repeat(8)}-0000-4000-8000-000000000000`,
) as [string, string, string, string];

describe("stale content sweep at service start (ime.md §3.5)", () => {
  it("keeps in-progress downloads and timed-out IMECache, removes everything else", () => {
    const clock = createVirtualClock(Date.UTC(2026, 0, 1));
    const device = createDevice({ backend: "memory", clock });
    const store = createImeStateStore(device.registry);
    const at = clock.now();
    const write = (appId: string, EnforcementState: number, ErrorCode: number) =>
      store.writeEnforcement(
        { userId: USER, appId, version: 1 },
        { EnforcementState, ErrorCode, TargetingMethod: 0 },
        at,
      );
    write(DOWNLOADING, 2000, 0);
    write(TIMED_OUT, 5000, -2016214839);
    write(DONE, 1000, 0);
    for (const id of [DOWNLOADING, TIMED_OUT, DONE, GONE]) {
      device.fs.writeFile(incomingPath(id, 1), "partial");
      device.fs.writeFile(`${imeCachePath(id, 1)}\\setup.exe`, "MZ");
    }
    device.fs.writeFile(`${stagingPath(DOWNLOADING, 1)}\\x.zip`, "zip");

    sweepStaleContent(device.fs, store);

    expect(device.fs.stat(incomingPath(DOWNLOADING, 1))?.kind).toBe("file");
    expect(device.fs.stat(imeCachePath(DOWNLOADING, 1))?.kind).toBe("directory");
    expect(device.fs.stat(imeCachePath(TIMED_OUT, 1))?.kind).toBe("directory");
    for (const id of [TIMED_OUT, DONE, GONE]) expect(device.fs.stat(incomingPath(id, 1))).toBeUndefined();
    for (const id of [DONE, GONE]) expect(device.fs.stat(imeCachePath(id, 1))).toBeUndefined();
    expect(device.fs.list(STAGING_DIR)).toEqual([]);
  });
});
