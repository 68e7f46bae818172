import { describe, expect, it } from "vitest";
import { createImeStateStore, WIN32_APPS_KEY } from "../../src/ime/index.ts";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR, MINUTE, T0 } from "../support/harness.ts";

const APP = "9a7d745d-9cd2-4b05-adc2-7796f8c8cc87";

/** The app required for the device, whose installer succeeds at once and leaves its file. */
const installingHarness = () =>
  createHarness({
    behaviours: [
      {
        match: "setup-9a7d745d.exe /quiet",
        attempts: [
          { exitCode: 0, effects: { writeFiles: [{ path: `C:\\Program Files\\${APP}\\app.exe` }] } },
        ],
      },
    ],
    setup: (service) => service.assign(DEVICE, [makePolicy(APP)]),
  });

describe("a required install", () => {
  it("downloads, installs, detects and records success at the start-up check-in", async () => {
    const h = createHarness({
      behaviours: [
        {
          match: "setup-9a7d745d.exe /quiet",
          attempts: [
            {
              exitCode: 0,
              durationMs: 2 * MINUTE,
              effects: { writeFiles: [{ path: `C:\\Program Files\\${APP}\\app.exe` }] },
            },
          ],
        },
      ],
      setup: (service) => service.assign(DEVICE, [makePolicy(APP)]),
    });
    await h.runTo(HOUR);
    expect(h.agent.failure()).toBeUndefined();
    const store = createImeStateStore(h.device.registry);
    expect(store.readEnforcement({ userId: DEVICE, appId: APP, version: 1 })).toEqual({
      EnforcementState: 1000,
      ErrorCode: 0,
      TargetingMethod: 0,
    });
    expect(h.phase("state.enforcement", APP).map((e) => e.details.enforcementState)).toEqual([
      2000, 2009, 1000,
    ]);
    // ime.md §10.2: compliance after detection/applicability, then 2000 → 2009 → final, compliance re-set after re-detection.
    const writes = h.events.flatMap((e): Array<string | number> => {
      if (e.appId !== APP) return [];
      if (e.phase === "state.enforcement") return [e.details.enforcementState];
      if (e.phase === "state.compliance") return [`C${String(e.details.message.ComplianceState)}`];
      return [];
    });
    expect(writes).toEqual(["C2", 2000, 2009, "C1", 1000]);
    const log = h.appWorkload();
    expect(log).toContain("[Win32App] lpExitCode is defined as Success");
    expect(log).toContain(`[Win32App][V3Processor] Processing subgraph with app ids: ${APP}`);
    expect(h.device.fs.stat(`C:\\Windows\\IMECache\\${APP}_1`)).toBeUndefined();
    expect(h.service.results).toHaveLength(1);
    h.agent.dispose();
  });
});

describe("status uploads (ime.md §9, §4.5)", () => {
  it("sends deltas, a full report daily, and a full report when LastFullReportTimeUtc is deleted", async () => {
    const h = installingHarness();
    await h.runTo(5 * HOUR);
    // The first upload is a full one; later check-ins have no change to report.
    expect(h.service.results).toHaveLength(1);
    h.device.registry.deleteValue(`${WIN32_APPS_KEY}\\Reporting\\${DEVICE}`, "LastFullReportTimeUtc");
    await h.runTo(6 * HOUR + 5 * MINUTE);
    expect(h.service.results).toHaveLength(2);
    expect(h.service.results[1]!.results.map((r) => r.ApplicationId)).toEqual([APP]);
    await h.runTo(31 * HOUR);
    expect(h.service.results).toHaveLength(3);
    expect(
      h.device.registry.getValue(`${WIN32_APPS_KEY}\\Reporting\\${DEVICE}`, "LastFullReportTimeUtc")?.type,
    ).toBe("REG_SZ");
  });
});

describe("a service answering over real I/O", () => {
  it("detects three times (before applicability, after the download, after the install), and each step takes time", async () => {
    const h = installingHarness();
    await h.runTo(HOUR);
    // ime.md §11a "Order inside a subgraph".
    const order = h.events
      .filter((e) => e.appId === APP)
      .flatMap((e) =>
        e.phase === "detection.completed"
          ? [`detect:${e.details.detected}`]
          : [
                "applicability.completed",
                "download.completed",
                "content.unzipped",
                "install.finished",
              ].includes(e.phase)
            ? [e.phase]
            : [],
      );
    expect(order).toEqual([
      "detect:false",
      "applicability.completed",
      "download.completed",
      "content.unzipped",
      "detect:false",
      "install.finished",
      "detect:true",
    ]);
    // Nothing the IME does takes zero time (work-durations.ts): the download, the content steps, the process.
    const at = (phase: Parameters<typeof h.phase>[0]) => h.phase(phase, APP)[0]!.simTime;
    expect(at("download.completed") - at("download.started")).toBeGreaterThanOrEqual(1_000);
    expect(at("content.unzipped")).toBeGreaterThan(at("content.verified"));
    expect(at("install.finished") - at("install.started")).toBeGreaterThanOrEqual(2_000);
  });

  it("keeps virtual time still until each answer is in", async () => {
    const slow = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const h = createHarness({
      behaviours: [
        {
          match: "setup-9a7d745d.exe /quiet",
          attempts: [
            { exitCode: 0, effects: { writeFiles: [{ path: `C:\\Program Files\\${APP}\\app.exe` }] } },
          ],
        },
      ],
      setup: (service) => {
        service.assign(DEVICE, [makePolicy(APP)]);
        const inner = service.client.requestApps;
        service.client.requestApps = async (request) => {
          await slow(30);
          return inner(request);
        };
      },
    });
    await h.runTo(HOUR);
    // The download starts the instant the (slow, real-time) app list is in; from there the modelled work
    // takes its own simulated time (work-durations.ts).
    expect(h.phase("download.started", APP)[0]?.simTime).toBe(T0 + 147_000);
  });
});
