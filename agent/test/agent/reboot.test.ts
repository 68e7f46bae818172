// A restart as the logs show it (ime.md §11a): the device is down for minutes, the session cut short by a
// pending restart ends with the IME's reboot line, and the next check-in finds the last one's time.
import { describe, expect, it } from "vitest";
import { REBOOT_DOWNTIME_MS, STARTUP_DELAY_WIN32_MS } from "../../src/machines/index.ts";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR, MINUTE, T0 } from "../support/harness.ts";

const APP = "aaaaaaaa-1111-4111-8111-111111111111";
const NEXT = "bbbbbbbb-2222-4222-8222-222222222222";
const marker = (id: string) => `C:\\Program Files\\${id}\\app.exe`;
const REBOOT_LINE = "[Win32App] A device restart is required to complete to complete the check in process.";

describe("restarts (ime.md §11a, §5.4)", () => {
  it("keeps the device down for minutes: nothing is logged until the service starts again", async () => {
    const h = createHarness({ behaviours: [], setup: (s) => s.assign(DEVICE, []) });
    await h.runTo(10 * MINUTE);
    h.agent.trigger("reboot");
    await h.runTo(HOUR);
    const shutdown = h.phase("service.stopping").at(-1)!;
    const started = h.phase("service.started").at(-1)!;
    expect(shutdown.details.signal).toBe("shutdown");
    expect(started.details.reason).toBe("reboot");
    expect(started.simTime - shutdown.simTime).toBe(REBOOT_DOWNTIME_MS);
    expect(REBOOT_DOWNTIME_MS).toBeGreaterThanOrEqual(MINUTE);
    // Between the shutdown and the start there is nothing (the machine is off).
    const down = h.events.filter((e) => e.simTime > shutdown.simTime && e.simTime < started.simTime);
    expect(down).toEqual([]);
    // After start-up: the banners, the start-up delays, then the AgentRestart check-in.
    const after = h.events.filter((e) => e.seq > started.seq).map((e) => e.phase);
    expect(after.slice(0, 3)).toEqual(["service.startupDelay", "checkin.started", "poller.started"]);
    expect(h.phase("checkin.started").at(-1)!.simTime).toBe(
      T0 + 10 * MINUTE + REBOOT_DOWNTIME_MS + STARTUP_DELAY_WIN32_MS,
    );
  });

  it("ends a session cut short by a hard reboot with the reboot line, then restarts and goes on", async () => {
    const h = createHarness({
      behaviours: [
        {
          match: "setup-aaaaaaaa",
          attempts: [{ exitCode: 1641, effects: { writeFiles: [{ path: marker(APP) }] } }],
        },
        {
          match: "setup-bbbbbbbb",
          attempts: [{ exitCode: 0, effects: { writeFiles: [{ path: marker(NEXT) }] } }],
        },
      ],
      setup: (s) =>
        s.assign(DEVICE, [
          makePolicy(APP, { marker: marker(APP), RebootEx: { GracePeriod: 5, Countdown: 1, Snooze: -1 } }),
          makePolicy(NEXT, { marker: marker(NEXT) }),
        ]),
    });
    await h.runTo(HOUR);
    const log = h.appWorkload();
    expect(log).toContain(REBOOT_LINE);
    const first = log.slice(0, log.indexOf("application poller stopped"));
    // The session ends with the reboot line: no Completed banner for it.
    expect(first).not.toContain("Completed user session");
    expect(first.lastIndexOf(REBOOT_LINE)).toBeGreaterThan(first.lastIndexOf("Stop processing."));
    // The IME restarts the device after grace + countdown; after the downtime the next app installs.
    const started = h.phase("service.started").at(-1)!;
    expect(started.details.reason).toBe("reboot");
    expect(h.phase("install.started").map((e) => e.appId)).toEqual([APP, NEXT]);
  });

  it("finds the session's previous check-in time at the next check-in", async () => {
    const h = createHarness({
      behaviours: [
        {
          match: "setup-aaaaaaaa",
          attempts: [{ exitCode: 0, effects: { writeFiles: [{ path: marker(APP) }] } }],
        },
      ],
      setup: (s) => s.assign(DEVICE, [makePolicy(APP, { marker: marker(APP) })]),
    });
    await h.runTo(2 * HOUR);
    const found = h.phase("reevaluation.checkinFound");
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.details.at).toBe(h.phase("checkin.started")[0]!.simTime);
    expect(h.appWorkload()).toContain(
      "[Win32App][ReevaluationScheduleManager] Found previous reevaluation check-in time value: 1/1/2026 8:02:27 AM.",
    );
  });
});
