import { describe, expect, it } from "vitest";
import { type FilterDevice, matchesFilter } from "../../src/filters/filter-evaluate.ts";
import { parseFilterRule } from "../../src/filters/filter-rule.ts";

// The joined lab device of S12's probe (ime.md §11b), and one with no enrollment profile or category.
const joined: FilterDevice = {
  deviceName: "KRBETYP-AIEPVQ5",
  cpuArchitecture: "amd64",
  deviceTrustType: "Azure AD joined",
  manufacturer: "QEMU",
  model: "Standard PC (Q35 + ICH9, 2009)",
  operatingSystemSKU: "EnterpriseSEval",
  osVersion: "10.0.26100.9457",
  operatingSystemVersion: "10.0.26100.9457",
  deviceOwnership: "Corporate",
  enrollmentProfileName: null,
  deviceCategory: "",
  isTpmAttested: "False",
};

const matches = (rule: string, device: FilterDevice = joined) => matchesFilter(parseFilterRule(rule), device);

describe("filter rule syntax as validateFilter accepts it (S12 'Syntax')", () => {
  it.each([
    'device.deviceName -eq "PC01"',
    'device.deviceName eq "PC01"',
    'DEVICE.DEVICENAME -EQ "PC01" AND device.model -IN ["a", "b",]',
    '(device.deviceName -eq "a") -or ((device.model -startsWith "b") and device.manufacturer -notIn "c")',
    "device.operatingSystemVersion -ge 10.0.22000",
    'device.operatingSystemVersion -lt "10.0"',
    "device.enrollmentProfileName -eq $null",
    "device.deviceCategory -ne null",
    'device.model -contains " "',
    'device.model -in ["", "x"]',
    'device.isTpmAttested -eq "True"',
    'device.deviceName -eq "it\'s a \\ and a\ttab"',
    'device.deviceName\n   -eq   "a"\n and device.model -ne "b"',
  ])("accepts %s", (rule) => {
    expect(() => parseFilterRule(rule)).not.toThrow();
  });

  it.each([
    ["", "the rule is empty"],
    ['device.deviceName -endsWith "a"', "'-endsWith' is not a filter operator"],
    ['not device.deviceName -eq "a"', "'not' is not a device property"],
    ["device.deviceName -eq 'a'", "double quotes, not single quotes"],
    ["device.deviceName -eq PC01", "must be in double quotes"],
    ['device.deviceName -eq "a\\"b"', "cannot contain a double quote"],
    ['device.deviceName -eq "a""b"', "cannot contain a double quote"],
    ['(device.deviceName -eq "a"', "is never closed"],
    ['device.deviceName -eq "a")', "has no '('"],
    ["()", "empty parentheses"],
    ['device.deviceName -eq "a" device.model -eq "b"', "expected 'and' or 'or'"],
    ['device.deviceName -eq "a" and', "expected a clause"],
    ["device.deviceName -startsWith $null", "$null takes -eq or -ne"],
    ['device.model -in ["a", $null]', "a list holds double-quoted strings"],
    ["device.operatingSystemVersion -eq $null", "cannot be compared with $null"],
    ['device.deviceName -eq ""', "an empty string is not a value"],
    ["device.model -in []", "is empty"],
    ['device.deviceName -eq ["a"]', "a list takes -in or -notIn"],
    ['device.deviceName -gt "a"', "does not take -gt"],
    ["device.operatingSystemVersion -startsWith 10.0", "does not take -startswith"],
    ['device.cpuArchitecture -contains "amd"', "does not take -contains"],
    ['device.deviceOwnership -in ["Corporate"]', "does not take -in"],
    ["device.operatingSystemVersion -eq 10", "2 to 4 numeric parts"],
    ["device.operatingSystemVersion -eq 10.0.1.2.3", "2 to 4 numeric parts"],
    ['device.isRooted -eq "True"', "is not available for Windows filters"],
    ['device.userPrincipalName -eq "a@b.c"', "is not available for Windows filters"],
    ['device.colour -eq "red"', "is not a filter property"],
    ['app.name -eq "x"', "is not a device property"],
    ['device.deviceName-eq"a"', "is not a device property"],
    ['device.deviceName -eq"a"', "separated by whitespace"],
    ['device.deviceName -eq "a" # note', "comments are not allowed"],
  ])("refuses %j: %s", (rule, why) => {
    expect(() => parseFilterRule(rule)).toThrow(
      expect.objectContaining({
        code: "ASSIGNMENT_FILTER_RULE_INVALID",
        message: expect.stringContaining(why),
      }),
    );
  });
});

describe("filter matching as real devices evaluate it (S12 'Matching')", () => {
  it("compares without case and without the value's outer spaces", () => {
    expect(matches('device.deviceName -eq "krbetyp-aiepvq5"')).toBe(true);
    expect(matches('device.manufacturer -in ["  qemu "]')).toBe(true);
    expect(matches('device.model -startsWith " standard pc"')).toBe(true);
    expect(matches('device.model -contains "ich9, 2009"')).toBe(true);
    expect(matches('device.model -notContains "ich9"')).toBe(false);
  });

  it("a property without a value matches -eq $null, -ne, -notIn and -notContains only", () => {
    for (const property of ["enrollmentProfileName", "deviceCategory"]) {
      expect(matches(`device.${property} -eq $null`)).toBe(true);
      expect(matches(`device.${property} -ne $null`)).toBe(false);
      expect(matches(`device.${property} -ne "a"`)).toBe(true);
      expect(matches(`device.${property} -notIn ["a"]`)).toBe(true);
      expect(matches(`device.${property} -notContains "a"`)).toBe(true);
      expect(matches(`device.${property} -contains "a"`)).toBe(false);
      expect(matches(`device.${property} -startsWith "a"`)).toBe(false);
    }
    expect(matches('device.model -contains " "')).toBe(true);
  });

  it("operatingSystemVersion compares numerically with missing parts as 0; osVersion is a string", () => {
    expect(matches("device.operatingSystemVersion -eq 10.0.26100")).toBe(false);
    expect(matches("device.operatingSystemVersion -ge 10.0.26100")).toBe(true);
    expect(matches("device.operatingSystemVersion -gt 10.0.26100.0")).toBe(true);
    expect(matches('device.operatingSystemVersion -lt "10.0.26100.9457"')).toBe(false);
    expect(matches("device.operatingSystemVersion -ne 10.0.26100.9457")).toBe(false);
    expect(matches("device.operatingSystemVersion -le 10.0.100000000")).toBe(true);
    expect(matches('device.osVersion -eq "10.0.26100"')).toBe(false);
    expect(matches('device.osVersion -startsWith "10.0.26100"')).toBe(true);
  });

  it("enumerated values match only their real spelling", () => {
    expect(matches('device.cpuArchitecture -eq "amd64"')).toBe(true);
    expect(matches('device.cpuArchitecture -eq "x64"')).toBe(false);
    expect(matches('device.deviceTrustType -eq "Microsoft Entra joined"')).toBe(false);
    expect(matches('device.operatingSystemSKU -eq "Enterprise"')).toBe(false);
    expect(matches('device.deviceOwnership -eq "company"')).toBe(false);
    expect(matches('device.isTpmAttested -ne "True"')).toBe(true);
  });

  it("and binds tighter than or; parentheses override it", () => {
    expect(matches('device.model -ne "x" or device.model -eq "x" and device.model -eq "y"')).toBe(true);
    expect(
      matches(
        'device.model -eq "nope" or device.deviceName -eq "KRBETYP-AIEPVQ5" and device.deviceTrustType -eq "Azure AD registered"',
      ),
    ).toBe(false);
    expect(matches('(device.model -ne "x" or device.model -eq "x") and device.model -eq "y"')).toBe(false);
  });
});
