// Kill the agent anywhere on a SQLite device and start it again: it resumes with no lost state, no
// duplicate report and no stray files (issue 6, crash safety).
import { join } from "node:path";
import { createDevice } from "@imesim/agent/host";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../src/clock/index.ts";
import { IMECACHE_DIR, INCOMING_DIR, STAGING_DIR } from "../../src/ime/index.ts";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR, MINUTE, T0 } from "../support/harness.ts";
import { temporaryFolder } from "../support/temporary-folder.ts";

const A = "c0ffee00-0000-4000-8000-00000000000a";
const B = "c0ffee00-0000-4000-8000-00000000000b";
const marker = (id: string) => `C:\\Program Files\\${id}\\app.exe`;
const behaviours = [A, B].map((id) => ({
  match: `setup-${id.slice(0, 8)}.exe /quiet`,
  appId: id,
  attempts: [{ exitCode: 0, durationMs: 10 * MINUTE, effects: { writeFiles: [{ path: marker(id) }] } }],
}));

/** Crash points on the first run's clock: mid-download (slow link), mid-install, between two apps. */
const crashPoints = [
  { name: "mid-download", at: 147_000 + 3_000 },
  { name: "mid-install of the first app", at: 147_000 + 20_000 + 5 * MINUTE },
  { name: "mid-install of the second app", at: 147_000 + 40_000 + 15 * MINUTE },
];

describe("crash safety with a SQLite device", () => {
  for (const point of crashPoints) {
    it(`resumes after a kill ${point.name}`, async () => {
      const path = join(temporaryFolder("imesim-crash-"), "device.sqlite");
      const firstClock = createVirtualClock(T0);
      const first = createHarness({
        behaviours,
        clock: firstClock,
        device: createDevice({ backend: { sqlitePath: path }, clock: firstClock }),
        setup: (s) => {
          s.assign(DEVICE, [makePolicy(A), makePolicy(B)], { "setup.exe": "MZ".padEnd(600, "x") });
          s.slowLink(1_000);
        },
      });
      await first.runTo(point.at);
      // The kill: the process is gone — its clock never ticks again and the database is simply closed.
      first.agent.dispose();
      first.device.close();
      expect(first.service.results).toHaveLength(0);

      const secondClock = createVirtualClock(T0 + point.at + 5 * MINUTE);
      first.service.useClock(secondClock);
      const second = createHarness({
        behaviours,
        clock: secondClock,
        service: first.service,
        device: createDevice({ backend: { sqlitePath: path }, clock: secondClock }),
      });
      await second.runTo(point.at + 2 * HOUR);
      expect(second.agent.failure()).toBeUndefined();
      for (const id of [A, B]) {
        expect(second.agent.state.readEnforcement({ userId: DEVICE, appId: id, version: 1 })).toEqual({
          EnforcementState: 1000,
          ErrorCode: 0,
          TargetingMethod: 0,
        });
        expect(second.device.fs.stat(marker(id))?.kind).toBe("file");
      }
      // One upload, one result per app: nothing reported twice.
      const reported = first.service.results.flatMap((r) => r.results.map((x) => x.ApplicationId));
      expect(reported.sort()).toEqual([A, B].sort());
      for (const dir of [INCOMING_DIR, STAGING_DIR, IMECACHE_DIR]) {
        expect(second.device.fs.stat(dir) === undefined || second.device.fs.list(dir).length === 0).toBe(
          true,
        );
      }
      second.agent.dispose();
      second.device.close();
    });
  }
});
