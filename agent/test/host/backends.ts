// The backends every contract test runs against: a fresh device on each, cleaned up after the test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { ChangeJournal, createDevice, type Device, type DeviceProfile } from "../../src/host/index.ts";

/** `journaled`: in memory, recording every change (the dashboard's opt-in journal must change no behaviour). */
export const BACKENDS = ["memory", "sqlite", "journaled"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** A settable clock for file times. */
export function fixedClock(startMs = Date.UTC(2026, 10, 24, 12, 0, 0)) {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A temporary folder removed after the test. */
export function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "imesim-host-"));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** A fresh device on `backend`, closed after the test. */
export function openDevice(
  backend: BackendName,
  options: { profile?: Partial<DeviceProfile>; clock?: ReturnType<typeof fixedClock> } = {},
): Device {
  const clock = options.clock ?? fixedClock();
  const journal = backend === "journaled" ? new ChangeJournal(() => clock.now()) : undefined;
  const device = createDevice({
    profile: options.profile,
    backend: backend === "sqlite" ? { sqlitePath: join(tempFolder(), "device.sqlite") } : "memory",
    clock,
    ...(journal === undefined ? {} : { journal }),
  });
  journal?.start({ registry: [["HKEY_LOCAL_MACHINE", "SOFTWARE"]], folders: [["C:", "Program Files"]] });
  cleanups.unshift(() => device.close());
  return device;
}
