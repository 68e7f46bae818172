import { toSigned32 } from "@imesim/contracts/enums";
import { describe, expect, it } from "vitest";
import { grsKey, WIN32_APPS_KEY } from "../../src/ime/index.ts";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR, MINUTE, T0 } from "../support/harness.ts";

const APP = "cce28372-5d0a-4f4e-9d55-1f0c2a7b6e10";
const MARKER = `C:\\Program Files\\${APP}\\app.exe`;
const installs = { writeFiles: [{ path: MARKER }] };
const ref = { userId: DEVICE, appId: APP, version: 1 };

/** 1618 (Retry) four runs in a row, then success. */
function busyThenFine() {
  return createHarness({
    behaviours: [
      {
        match: "setup-cce28372.exe /quiet",
        attempts: [
          { exitCode: 1618, durationMs: 30_000 },
          { exitCode: 1618, durationMs: 30_000 },
          { exitCode: 1618, durationMs: 30_000 },
          { exitCode: 1618, durationMs: 30_000 },
          { exitCode: 0, durationMs: 30_000, effects: installs },
        ],
      },
    ],
    setup: (service) => service.assign(DEVICE, [makePolicy(APP, { marker: MARKER })]),
  });
}

describe("retry, GRS and the 24 h window (ime.md §5.1, §5.2)", () => {
  it("retries a 1618 three times 5 minutes apart, waits 24 h in GRS, then succeeds", async () => {
    const h = busyThenFine();
    await h.runTo(HOUR);
    const runs = h.phase("install.started", APP);
    expect(runs.map((e) => e.details.retry)).toEqual([0, 1, 2, 3]);
    const gaps = runs.slice(1).map((e, i) => e.simTime - runs[i]!.simTime);
    // Each run takes 30 s, then the IME waits RetryIntervalInMinutes (5) before the next.
    expect(gaps).toEqual([5.5 * MINUTE, 5.5 * MINUTE, 5.5 * MINUTE]);
    expect(h.phase("install.retryScheduled", APP).map((e) => e.details.delayMs)).toEqual([
      5 * MINUTE,
      5 * MINUTE,
      5 * MINUTE,
    ]);
    const failedAt = h.phase("grs.recorded", APP)[0]!.simTime;
    expect(h.agent.state.readEnforcement(ref)).toEqual({
      EnforcementState: 5000,
      ErrorCode: toSigned32(0x80070652),
      TargetingMethod: 0,
    });
    const hash = h.phase("grs.checked", APP)[0]!.details.hash;
    expect(h.device.registry.getValue(grsKey(DEVICE, hash), APP)?.type).toBe("REG_SZ");

    // Re-evaluations inside the window find the app in GRS and do not enforce it.
    await h.runTo(23 * HOUR);
    expect(h.phase("install.started", APP)).toHaveLength(4);
    expect(h.phase("grs.blocked", APP).length).toBeGreaterThanOrEqual(2);
    expect(h.appWorkload()).toContain(
      `[Win32App][ActionProcessor] App with id: ${APP} to install is in GRS. The app will not be enforced.`,
    );
    expect(h.appWorkload()).toContain(
      `[Win32App][GRSManager] App with id: ${APP} is not expired. | Hash = ${hash}`,
    );

    await h.runTo(27 * HOUR);
    const fifth = h.phase("install.started", APP)[4]!;
    expect(fifth.simTime - failedAt).toBeGreaterThanOrEqual(24 * HOUR);
    expect(fifth.simTime - failedAt).toBeLessThan(25 * HOUR);
    expect(h.phase("grs.checked", APP).at(-1)?.details.verdict).toBe("expired");
    expect(h.agent.state.readEnforcement(ref)).toEqual({
      EnforcementState: 1000,
      ErrorCode: 0,
      TargetingMethod: 0,
    });
    const lastReport = h.service.results.at(-1)!.results.find((r) => r.ApplicationId === APP)!;
    expect(lastReport.EnforcementStateMessage).toMatchObject({ EnforcementState: 1000 });
    expect(h.agent.failure()).toBeUndefined();
  });

  it("treats deleted GRS and app keys plus a service restart as a fresh start (ime.md §4.6)", async () => {
    const h = busyThenFine();
    await h.runTo(HOUR);
    expect(h.agent.state.readEnforcement(ref)?.EnforcementState).toBe(5000);
    const hash = h.phase("grs.checked", APP)[0]!.details.hash;
    h.device.registry.deleteKey(`${WIN32_APPS_KEY}\\${DEVICE}\\${APP}_1`);
    h.device.registry.deleteKey(grsKey(DEVICE, hash));
    h.agent.trigger("restart");
    await h.runTo(HOUR + 10 * MINUTE);
    const fifth = h.phase("install.started", APP)[4];
    expect(fifth).toBeDefined();
    expect(fifth!.simTime).toBeLessThan(T0 + 2 * HOUR);
    expect(h.phase("grs.checked", APP).at(-1)?.details.verdict).toBe("noValue");
    expect(h.agent.state.readEnforcement(ref)?.EnforcementState).toBe(1000);
    expect(h.agent.logs.read("IntuneManagementExtension")).toContain("EMS Agent received stop signal");
  });
});
