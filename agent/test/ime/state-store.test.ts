import { createDevice } from "@imesim/agent/host";
import {
  Applicability,
  ComplianceState,
  DesiredState,
  InstallContext,
  TargetType,
} from "@imesim/contracts/enums";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../src/clock/index.ts";
import {
  createImeStateStore,
  formatImeTimestamp,
  grsKey,
  parseImeTimestamp,
  SETTINGS_KEY,
  subgraphHash,
  WIN32_APPS_KEY,
} from "../../src/ime/index.ts";

const deviceRegistry = () =>
  createDevice({ backend: "memory", clock: createVirtualClock(Date.UTC(2026, 0, 1)) }).registry;

const APP = "6e0911dd-6755-4eb7-8a75-ba02e685232b";
const USER = "00000000-0000-0000-0000-000000000000";
const AT = Date.UTC(2023, 2, 23, 8, 55, 35);

describe("IME state store (ime.md §4)", () => {
  it("writes ComplianceStateMessage and EnforcementStateMessage where and as the IME does", () => {
    const registry = deviceRegistry();
    const store = createImeStateStore(registry);
    const ref = { userId: USER, appId: APP, version: 1 };
    const key = store.writeCompliance(
      ref,
      {
        Applicability: Applicability.Applicable,
        ComplianceState: ComplianceState.Installed,
        DesiredState: DesiredState.Present,
        ErrorCode: null,
        TargetingMethod: 0,
        InstallContext: InstallContext.System,
        TargetType: TargetType.User,
        ProductVersion: null,
        AssignmentFilterIds: null,
      },
      3,
      AT,
    );
    expect(key).toBe(
      `HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Win32Apps\\${USER}\\${APP}_1\\ComplianceStateMessage`,
    );
    expect(registry.getValue(key, "ComplianceStateMessage")).toEqual({
      type: "REG_SZ",
      data: '{"Applicability":0,"ComplianceState":1,"DesiredState":2,"ErrorCode":null,"TargetingMethod":0,"InstallContext":2,"TargetType":1,"ProductVersion":null,"AssignmentFilterIds":null}',
    });
    store.writeEnforcement(
      ref,
      { EnforcementState: 5000, ErrorCode: -2016345060, TargetingMethod: 0 },
      AT,
      0,
    );
    expect(store.readEnforcement(ref)).toEqual({
      EnforcementState: 5000,
      ErrorCode: -2016345060,
      TargetingMethod: 0,
    });
    expect(registry.getValue(`${WIN32_APPS_KEY}\\${USER}\\${APP}_1`, "Intent")).toEqual({
      type: "REG_DWORD",
      data: 3,
    });
    expect(store.listAppStates(USER)).toEqual([{ appId: APP, version: 1 }]);
  });

  it("keeps GRS per subgraph hash as MM/dd/yyyy HH:mm:ss values named by app id", () => {
    const registry = deviceRegistry();
    const store = createImeStateStore(registry);
    const hash = subgraphHash(USER, [{ id: APP, version: 1 }]);
    expect(hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    store.recordGrs(USER, hash, APP, AT);
    expect(registry.getValue(grsKey(USER, hash), APP)).toEqual({
      type: "REG_SZ",
      data: "03/23/2023 08:55:35",
    });
    expect(store.readGrs(USER, hash, APP)).toBe(AT);
    expect(store.clearGrs(USER, hash, APP)).toBe(true);
    expect(store.readGrs(USER, hash, APP)).toBeUndefined();
  });

  it("reads Settings\\Interval in seconds and ignores nonsense", () => {
    const registry = deviceRegistry();
    const store = createImeStateStore(registry);
    expect(store.checkinIntervalSeconds()).toBeUndefined();
    registry.setValue(SETTINGS_KEY, "Interval", { type: "REG_DWORD", data: 1800 });
    expect(store.checkinIntervalSeconds()).toBe(1800);
    registry.setValue(SETTINGS_KEY, "Interval", { type: "REG_SZ", data: "soon" });
    expect(store.checkinIntervalSeconds()).toBeUndefined();
  });

  it("round-trips registry timestamps and names a bad one", () => {
    expect(parseImeTimestamp(formatImeTimestamp(AT), "x")).toBe(AT);
    // The same instant twice, another, then the first again: each formatted as itself.
    expect(formatImeTimestamp(AT)).toBe(formatImeTimestamp(AT));
    expect(formatImeTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe("01/02/2026 03:04:05");
    expect(parseImeTimestamp(formatImeTimestamp(AT), "x")).toBe(AT);
    expect(() => parseImeTimestamp("yesterday", "GRS\\h\\a")).toThrow(/GRS\\h\\a/);
  });
});
