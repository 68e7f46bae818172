// The pure decisions behind the charts, tested without a device: exit codes, GRS, cadence, planning, DO telemetry.
import { DEFAULT_RETURN_CODES, RelationAction, RelationType, toSigned32 } from "@imesim/contracts/enums";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkinIntervalMs,
  deliveryTelemetry,
  GRS_WINDOW_MS,
  grsVerdict,
  INSTALL_TIMEOUT_ERROR,
  imeRestartDelayMs,
  mapExitCode,
  planSubgraphs,
  reevaluationDue,
} from "../../src/machines/index.ts";
import { makePolicy } from "../support/fakes.ts";

describe("exit-code mapping (ime.md §5.1)", () => {
  it("maps the default return codes by type and unmapped codes to HRESULT_FROM_WIN32", () => {
    expect(mapExitCode(DEFAULT_RETURN_CODES, 0)).toEqual({ word: "Success", errorCode: 0 });
    expect(mapExitCode(DEFAULT_RETURN_CODES, 3010)).toEqual({ word: "SoftReboot", errorCode: 0 });
    expect(mapExitCode(DEFAULT_RETURN_CODES, 1641)).toEqual({ word: "HardReboot", errorCode: 0 });
    expect(mapExitCode(DEFAULT_RETURN_CODES, 1618).word).toBe("Retry");
    expect(mapExitCode(DEFAULT_RETURN_CODES, 1603)).toEqual({
      word: undefined,
      errorCode: toSigned32(0x80070643),
    });
    expect(mapExitCode(DEFAULT_RETURN_CODES, 3221225794)).toEqual({
      word: undefined,
      errorCode: -2147024574,
    });
  });

  it("never reports an error code for a success-type code, always one for an unmapped positive code", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffffffff }), (code) => {
        const mapped = mapExitCode(DEFAULT_RETURN_CODES, code);
        if (mapped.word === "Success" || mapped.word === "SoftReboot" || mapped.word === "HardReboot") {
          expect(mapped.errorCode).toBe(0);
        } else {
          expect(mapped.errorCode >>> 0).toBe((0x80070000 | (code & 0xffff)) >>> 0);
        }
      }),
    );
  });
});

describe("GRS, re-evaluation and cadence (ime.md §5.2, §5.3, §6)", () => {
  const now = Date.UTC(2026, 0, 2);
  it("treats no value as expired, 24 h as the window, and lets available intent through", () => {
    expect(grsVerdict(undefined, now, "required")).toBe("noValue");
    expect(grsVerdict(now - GRS_WINDOW_MS + 1, now, "required")).toBe("notExpired");
    expect(grsVerdict(now - GRS_WINDOW_MS, now, "required")).toBe("expired");
    expect(grsVerdict(now - 1000, now, "available")).toBe("bypassedByIntent");
  });

  it("re-evaluates after the interval and checks in on 58/62 min or Settings\\Interval", () => {
    expect(reevaluationDue(undefined, now, 480)).toBe(true);
    expect(reevaluationDue(now - 479 * 60_000, now, 480)).toBe(false);
    expect(reevaluationDue(now - 480 * 60_000, now, 480)).toBe(true);
    expect([0, 1, 2, 3].map((n) => checkinIntervalMs(n, undefined))).toEqual([
      3_480_000, 3_720_000, 3_480_000, 3_720_000,
    ]);
    expect(checkinIntervalMs(5, 900)).toBe(900_000);
    // 0x87D300C9 stored signed, as the EnforcementStateMessage holds it (ime.md §5.1).
    expect(INSTALL_TIMEOUT_ERROR).toBe(0x87d300c9 - 2 ** 32);
    // Our precedence [I]: Settings\Interval, then the server's CheckinIntervalMinutes, then 58/62.
    expect(checkinIntervalMs(5, 900, 56)).toBe(900_000);
    // The server's value keeps the real timers' ±2 min alternation: 60 gives 3480000/3720000 (issue 13).
    expect(checkinIntervalMs(5, undefined, 56)).toBe(58 * 60_000);
    expect([0, 1].map((n) => checkinIntervalMs(n, undefined, 60))).toEqual([3_480_000, 3_720_000]);
  });
});

describe("reboots (ime.md §5.4)", () => {
  it("waits RebootEx's grace and countdown, the portal defaults when unset, and leaves 'allow' to the app", () => {
    expect(imeRestartDelayMs(makePolicy("a"))).toBe((1440 + 15) * 60_000);
    expect(
      imeRestartDelayMs(makePolicy("a", { RebootEx: { GracePeriod: 30, Countdown: 5, Snooze: -1 } })),
    ).toBe(35 * 60_000);
    expect(imeRestartDelayMs(makePolicy("a", { installEx: { DeviceRestartBehavior: 1 } }))).toBeUndefined();
  });
});

describe("subgraph planning (ime.md §2.8)", () => {
  it("orders dependencies deepest first, then superseded apps, then the target; relation-only apps get no subgraph", () => {
    const target = makePolicy("t", {
      FlatDependencies: [
        {
          Action: RelationAction.AutoInstall,
          AppId: "t",
          ChildId: "d1",
          Type: RelationType.Dependency,
          Level: 1,
        },
        {
          Action: RelationAction.DetectOnly,
          AppId: "d1",
          ChildId: "d2",
          Type: RelationType.Dependency,
          Level: 2,
        },
        {
          Action: RelationAction.SupersedeReplace,
          AppId: "t",
          ChildId: "old",
          Type: RelationType.Supersedence,
          Level: 1,
        },
      ],
    });
    const only = (id: string) => makePolicy(id, { Intent: 0, Targeted: 0 });
    const plans = planSubgraphs([target, only("d1"), only("d2"), only("old")]);
    expect(plans).toHaveLength(1);
    expect(plans[0]!.members.map((m) => [m.policy.Id, m.role.kind])).toEqual([
      ["d2", "dependency"],
      ["d1", "dependency"],
      ["old", "superseded"],
      ["t", "target"],
    ]);
    expect(plans[0]!.members[0]!.role).toMatchObject({ autoInstall: false });
    expect(plans[0]!.members[2]!.role).toMatchObject({ replace: true });
  });
});

describe("Delivery Optimization telemetry (ime.md §1.3.6)", () => {
  it("splits the bytes by source and keeps the total", () => {
    const t = deliveryTelemetry("f", 1000, 12_340, {
      lanPeers: 0.25,
      groupPeers: 0.1,
      cacheServer: { share: 0.5, host: "mcc.contoso.com" },
    });
    expect(t).toMatchObject({
      BytesFromLanPeers: 250,
      BytesFromGroupPeers: 100,
      BytesFromPeers: 350,
      PercentPeerCaching: 35,
      BytesFromCacheServer: 500,
      CacheHost: "mcc.contoso.com",
      BytesFromHttp: 150,
      DownloadDuration: "00:00:12.3400000",
    });
    expect(deliveryTelemetry("f", 10, 0, undefined)).toMatchObject({
      BytesFromHttp: 10,
      BytesFromPeers: 0,
      DownloadMode: 0,
    });
  });
});
