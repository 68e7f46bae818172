import { Applicability, DetectionType, Operator, RegistryDetectionSubType } from "@imesim/contracts/enums";
import type { RegistryDetectionRule } from "@imesim/contracts/ime";
import { describe, expect, it } from "vitest";
import type { Device } from "../../src/host/index.ts";
import { evaluateDetection, evaluateRequirements } from "../../src/rules/index.ts";
import { context, device, NO_REQUIREMENTS, USER_SID } from "./helpers.ts";
import { operatorRows } from "./matrix.ts";

const KEY = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso";

/** A device whose 64-bit and 32-bit views hold different values under the same path. */
function prepared(): Device {
  const host = device();
  const views = [
    { view: 64, version: "10.0.1", name: "Contoso App", count: 42 },
    { view: 32, version: "8.5", name: "Contoso App (x86)", count: 142 },
  ] as const;
  for (const { view, version, name, count } of views) {
    const access = { view };
    host.registry.setValue(KEY, "Version", { type: "REG_SZ", data: version }, access);
    host.registry.setValue(KEY, "DisplayName", { type: "REG_SZ", data: name }, access);
    host.registry.setValue(KEY, "Count", { type: "REG_DWORD", data: count }, access);
    host.registry.setValue(KEY, "CountText", { type: "REG_SZ", data: String(count) }, access);
    host.registry.setValue(KEY, "", { type: "REG_SZ", data: `default ${view}` }, access);
  }
  return host;
}

function rule(
  subType: number,
  operator: number,
  keyName: string | null,
  value: string | null,
  check32BitOn64System: boolean,
  path = KEY,
): RegistryDetectionRule {
  return {
    DetectionType: DetectionType.Registry,
    DetectionText: {
      Path: path,
      KeyName: keyName,
      Check32BitOn64System: check32BitOn64System,
      DetectionType: subType as RegistryDetectionRule["DetectionText"]["DetectionType"],
      Operator: operator as RegistryDetectionRule["DetectionText"]["Operator"],
      DetectionValue: value,
    },
  };
}

function detected(host: Device, r: RegistryDetectionRule): boolean {
  return evaluateDetection([r], context(host)).state === "Detected";
}

describe.each([
  { view: "64-bit", check32: false, count: 42, version: ["10.0", "10.0.1", "10.0.1.1"], name: "Contoso App" },
  {
    view: "32-bit (WOW6432Node)",
    check32: true,
    count: 142,
    version: ["8.4.9", "8.5", "8.10"],
    name: "Contoso App (x86)",
  },
])("registry detection in the $view view", ({ check32, count, version, name }) => {
  const host = prepared();

  it.each(operatorRows(String(count - 1), String(count), String(count + 1)))(
    "integer REG_DWORD %s (%i) against %s → %s",
    (_name, operator, value, expected) => {
      expect(
        detected(host, rule(RegistryDetectionSubType.IntegerComparison, operator, "Count", value, check32)),
      ).toBe(expected);
    },
  );

  it.each(operatorRows(String(count - 1), String(count), String(count + 1)))(
    "integer from REG_SZ %s (%i) against %s → %s",
    (_name, operator, value, expected) => {
      expect(
        detected(
          host,
          rule(RegistryDetectionSubType.IntegerComparison, operator, "CountText", value, check32),
        ),
      ).toBe(expected);
    },
  );

  it.each(operatorRows(version[0]!, version[1]!, version[2]!))(
    "version %s (%i) against %s → %s",
    (_n, operator, value, expected) => {
      expect(
        detected(host, rule(RegistryDetectionSubType.VersionComparison, operator, "Version", value, check32)),
      ).toBe(expected);
    },
  );

  it.each(operatorRows(`${name.slice(0, -1)}`, name.toUpperCase(), `${name}z`))(
    "string, case-insensitive, %s (%i) against %s → %s",
    (_n, operator, value, expected) => {
      expect(
        detected(
          host,
          rule(RegistryDetectionSubType.StringComparison, operator, "DisplayName", value, check32),
        ),
      ).toBe(expected);
    },
  );

  it("exists / does not exist, for keys (empty KeyName) and values", () => {
    const exists = RegistryDetectionSubType.Exists;
    const absent = RegistryDetectionSubType.DoesNotExist;
    const none = Operator.NotConfigured;
    expect(detected(host, rule(exists, none, "", null, check32))).toBe(true);
    expect(detected(host, rule(exists, none, null, null, check32))).toBe(true);
    expect(detected(host, rule(exists, none, "Count", null, check32))).toBe(true);
    expect(detected(host, rule(exists, none, "Missing", null, check32))).toBe(false);
    expect(detected(host, rule(exists, none, "", null, check32, `${KEY}\\Missing`))).toBe(false);
    expect(detected(host, rule(absent, none, "Missing", null, check32))).toBe(true);
    expect(detected(host, rule(absent, none, "", null, check32, `${KEY}\\Missing`))).toBe(true);
    expect(detected(host, rule(absent, none, "Count", null, check32))).toBe(false);
  });

  it("compares the default value when KeyName is empty", () => {
    const r = rule(
      RegistryDetectionSubType.StringComparison,
      Operator.Equal,
      "",
      `default ${check32 ? 32 : 64}`,
      check32,
    );
    expect(detected(host, r)).toBe(true);
  });
});

describe("registry detection edge cases", () => {
  it("writes the IME's check line, with its space before the comma", () => {
    const host = prepared();
    const outcome = evaluateDetection(
      [rule(RegistryDetectionSubType.VersionComparison, Operator.LessThan, "Version", "9.0", false)],
      context(host),
    );
    expect(outcome.lines).toEqual([
      "[Win32App] DetectionType 0",
      "[Win32App] Checked reg path: HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso, name: Version, operator: 8, type: 5, value: 9.0 , result of applicationDetected: False",
      "[Win32App] Completed detectionManager SideCarRegistryDetectionManager, applicationDetectedByCurrentRule: False",
    ]);
  });

  it("is not detected when a comparison's value is missing or not a number", () => {
    const host = prepared();
    expect(
      detected(host, rule(RegistryDetectionSubType.IntegerComparison, Operator.Equal, "Missing", "1", false)),
    ).toBe(false);
    expect(
      detected(
        host,
        rule(RegistryDetectionSubType.IntegerComparison, Operator.Equal, "DisplayName", "1", false),
      ),
    ).toBe(false);
    expect(
      detected(
        host,
        rule(RegistryDetectionSubType.IntegerComparison, Operator.Equal, "Count", "forty", false),
      ),
    ).toBe(false);
    expect(
      detected(
        host,
        rule(RegistryDetectionSubType.StringComparison, Operator.NotConfigured, "DisplayName", "x", false),
      ),
    ).toBe(false);
  });

  it("reads HKCU of the app's user for user-context apps, and SYSTEM's for system apps", () => {
    const host = prepared();
    host.registry.setValue(
      "HKCU\\Software\\Contoso",
      "Installed",
      { type: "REG_DWORD", data: 1 },
      { view: 64, userSid: USER_SID },
    );
    const r = rule(
      RegistryDetectionSubType.Exists,
      Operator.NotConfigured,
      "Installed",
      null,
      false,
      "HKEY_CURRENT_USER\\Software\\Contoso",
    );
    expect(evaluateDetection([r], context(host, { account: "user" })).state).toBe("Detected");
    expect(evaluateDetection([r], context(host)).state).toBe("NotDetected");
  });

  it("fails a registry requirement with Applicability 1007", () => {
    const host = prepared();
    const requirement = {
      Type: 0 as const,
      RequirementText: {
        Path: KEY,
        KeyName: "Count",
        Check32BitOn64System: false,
        Type: RegistryDetectionSubType.IntegerComparison,
        Operator: Operator.GreaterThanOrEqual,
        Value: "100",
      },
    };
    const result = evaluateRequirements(NO_REQUIREMENTS, [requirement], context(host));
    expect(result.applicability).toBe(Applicability.RegistryRequirementRuleNotMet);
    expect(result.lines).toContain(
      "[Win32App] Checked reg path: HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso, name: Count, operator: 5, type: 4, value: 100 , result of requirementMet: False",
    );
    const in32 = {
      ...requirement,
      RequirementText: { ...requirement.RequirementText, Check32BitOn64System: true },
    };
    expect(evaluateRequirements(NO_REQUIREMENTS, [in32], context(host)).applicability).toBe(
      Applicability.Applicable,
    );
  });
});
