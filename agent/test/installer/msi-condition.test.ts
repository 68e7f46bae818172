import { describe, expect, it } from "vitest";
import { evaluateCondition } from "../../src/host/installer/msiexec/condition.ts";

const PROPERTIES: Record<string, string> = {
  VersionNT: "603",
  VersionNT64: "603",
  ProductName: "Demo App",
  EMPTY: "",
  PATH_LIKE: "C:\\Program Files\\Demo",
};
const lookup = (name: string): string | undefined => (name === "%OS" ? "Windows_NT" : PROPERTIES[name]);

describe("Windows Installer conditions", () => {
  it.each([
    ["", true],
    ["VersionNT64", true],
    ["NOT VersionNT64", false],
    ["Installed", false],
    ["EMPTY", false],
    ["Installed OR VersionNT >= 601", true],
    ["VersionNT > 603", false],
    ["VersionNT = 603 AND NOT Installed", true],
    ['ProductName = "Demo App"', true],
    ['ProductName = "demo app"', false],
    ['ProductName ~= "demo app"', true],
    ['ProductName >< "App"', true],
    ['PATH_LIKE << "C:\\"', true],
    ['PATH_LIKE >> "Demo"', true],
    ['%OS = "Windows_NT"', true],
    ['VersionNT = "603"', false],
    ["(Installed OR VersionNT64) AND VersionNT <> 500", true],
    ["Installed XOR VersionNT64", true],
    ["VersionNT64 IMP Installed", false],
    ["$MainComponent = 3", false],
  ])("%s → %s", (condition, expected) => {
    expect(evaluateCondition(condition, lookup)).toBe(expected);
  });

  it.each(["(VersionNT", "VersionNT >", 'ProductName = "open', "AND", "VersionNT 603"])(
    "%s does not parse",
    (condition) => {
      expect(evaluateCondition(condition, lookup)).toBeUndefined();
    },
  );
});
