import { describe, expect, it } from "vitest";
import {
  ComplianceErrorCode,
  evaluateCompliance,
  parseComplianceRules,
  readDiscoveryOutput,
} from "../../src/compliance/index.ts";

const remediation = (title: string) => [
  { Language: "de_DE", Title: "Deutsch", Description: "Bitte aktualisieren." },
  { Language: "en_US", Title: title, Description: "Update it from the vendor site." },
];

const rule = (SettingName: string, Operator: string, DataType: string, Operand: unknown) => ({
  SettingName,
  Operator,
  DataType,
  Operand,
  MoreInfoUrl: "https://example.invalid/fix",
  RemediationStrings: remediation(`${SettingName} is {ActualValue}.`),
});

const rulesText = (...rules: unknown[]) => JSON.stringify({ Rules: rules });

describe("custom compliance rules", () => {
  it("parses the documented shape and accepts the Graph enum's camelCase spellings", () => {
    const rules = parseComplianceRules(
      rulesText(
        rule("BiosVersion", "greaterEquals", "version", "2.3"),
        rule("Bitlocker", "IsEquals", "Boolean", true),
      ),
    );
    expect(rules.map((r) => [r.settingName, r.operator, r.dataType])).toEqual([
      ["BiosVersion", "GreaterEquals", "Version"],
      ["Bitlocker", "IsEquals", "Boolean"],
    ]);
  });

  it("rejects an operator it does not evaluate, naming the rule and member", () => {
    expect(() => parseComplianceRules(rulesText(rule("Name", "Contains", "String", "x")))).toThrow(
      expect.objectContaining({ code: ComplianceErrorCode.RuleUnsupported, path: "Rules[0].Operator" }),
    );
    expect(() => parseComplianceRules(rulesText(rule("Flag", "GreaterThan", "Boolean", true)))).toThrow(
      expect.objectContaining({ code: ComplianceErrorCode.RuleUnsupported }),
    );
    expect(() => parseComplianceRules(rulesText(rule("X", "IsEquals", "StringArray", "x")))).toThrow(
      expect.objectContaining({ code: ComplianceErrorCode.RuleUnsupported, path: "Rules[0].DataType" }),
    );
  });

  it("rejects malformed documents with a stable code", () => {
    expect(() => parseComplianceRules("{not json")).toThrow(
      expect.objectContaining({ code: ComplianceErrorCode.RulesInvalid }),
    );
    expect(() => parseComplianceRules(JSON.stringify({ Rules: [{ SettingName: "A" }] }))).toThrow(
      expect.objectContaining({ code: ComplianceErrorCode.RulesInvalid }),
    );
  });
});

describe("evaluating discovery output", () => {
  const rules = parseComplianceRules(
    rulesText(
      rule("BiosVersion", "GreaterEquals", "Version", "2.3"),
      rule("FirewallOn", "IsEquals", "Boolean", "true"),
      rule("FreeGb", "GreaterThan", "Int64", 10),
      rule("Ratio", "LessEquals", "Double", 0.5),
      rule("Edition", "IsEquals", "String", "Enterprise"),
      rule("Patched", "GreaterEquals", "DateTime", "2026-01-01T00:00:00Z"),
      rule("Agent", "NotEquals", "String", "none"),
      rule("Count", "LessThan", "Int64", 3),
    ),
  );
  const good = {
    BiosVersion: "2.10",
    FirewallOn: true,
    FreeGb: 11,
    Ratio: 0.5,
    Edition: "enterprise",
    Patched: "2026-02-01T00:00:00Z",
    Agent: "v1",
    Count: 2,
  };

  it("is compliant when every rule holds (Version compares numerically, String equality ignores case)", () => {
    const result = evaluateCompliance(rules, JSON.stringify(good));
    expect(result.settings.filter((s) => s.state !== "compliant")).toEqual([]);
    expect(result.compliant).toBe(true);
  });

  it("reports each failing rule with its en_US remediation text and the discovered value", () => {
    const result = evaluateCompliance(
      rules,
      `starting\n${JSON.stringify({ ...good, BiosVersion: "2.2.9", FreeGb: 10, Count: 3 })}\n`,
    );
    expect(result.compliant).toBe(false);
    const failing = result.settings.filter((s) => s.state !== "compliant");
    expect(failing.map((s) => [s.settingName, s.state, s.remediationTitle])).toEqual([
      ["BiosVersion", "nonCompliant", "BiosVersion is 2.2.9."],
      ["FreeGb", "nonCompliant", "FreeGb is 10."],
      ["Count", "nonCompliant", "Count is 3."],
    ]);
    expect(failing[0]).toMatchObject({
      remediationDescription: "Update it from the vendor site.",
      moreInfoUrl: "https://example.invalid/fix",
    });
  });

  it("marks a missing setting, a wrongly typed value and non-JSON output as errors", () => {
    const { FreeGb: _, ...missing } = good;
    const missingResult = evaluateCompliance(rules, JSON.stringify({ ...missing, Ratio: "half" }));
    expect(missingResult.compliant).toBe(false);
    expect(
      missingResult.settings.filter((s) => s.state === "error").map((s) => [s.settingName, s.errorDetail]),
    ).toEqual([
      ["FreeGb", "The discovery output has no value for setting 'FreeGb'."],
      ["Ratio", "Setting 'Ratio' value half is not a Double."],
    ]);
    const notJson = evaluateCompliance(rules, "Write-Output done");
    expect(notJson.settings.every((s) => s.state === "error")).toBe(true);
    expect(readDiscoveryOutput("[1,2]")).toBeUndefined();
  });
});
