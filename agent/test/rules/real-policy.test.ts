// The real "Get policies" JSON of ime.md §2.1 (IME 2025/26, 7-Zip 25.01 x64), parsed with the contracts'
// codec and evaluated end to end on prepared devices.
import { readFileSync } from "node:fs";
import { Applicability, RunAs } from "@imesim/contracts/enums";
import { parsePolicies } from "@imesim/contracts/ime";
import { describe, expect, it } from "vitest";
import type { Device } from "../../src/host/index.ts";
import { evaluateDetection, evaluateRequirements, type RuleContext } from "../../src/rules/index.ts";
import { context, device } from "./helpers.ts";

const POLICIES = readFileSync(new URL("./fixtures/policy-7zip-available.json", import.meta.url), "utf8");
// A resource-only PE built by agent/scripts/build-pe-fixtures.sh with FILEVERSION 25,1,0,0, like 7z.exe 25.01.
const SEVEN_ZIP_EXE = readFileSync(new URL("../fixtures/pe/7z-25.01.exe", import.meta.url));

function policyContext(host: Device): RuleContext {
  const [policy] = parsePolicies(POLICIES);
  return {
    ...context(host),
    appId: policy!.Id,
    account: policy!.InstallEx.RunAs === RunAs.System ? "system" : "user",
  };
}

describe("real policy JSON (ime.md §2.1) evaluated end to end", () => {
  const [policy] = parsePolicies(POLICIES);

  it("parses into one file-version detection rule and x64 + build 26100 requirements", () => {
    expect(policy!.DetectionRule).toHaveLength(1);
    expect(policy!.RequirementRules.MinimumWindows10BuildNumer).toBe("10.0.26100");
    expect(policy!.ExtendedRequirementRules).toEqual([]);
  });

  it("is not detected before 7-Zip is installed", () => {
    const host = device({ osVersion: "10.0.26100" });
    const outcome = evaluateDetection(policy!.DetectionRule, policyContext(host));
    expect(outcome.state).toBe("NotDetected");
    expect(outcome.lines).toEqual([
      "[Win32App] DetectionType 2",
      "[Win32App] Path doesn't exists: C:\\Program Files\\7-zip\\7z.exe applicationDetected: False",
      "[Win32App] Completed detectionManager SideCarFileDetectionManager, applicationDetectedByCurrentRule: False",
    ]);
  });

  it("is detected once 7z.exe 25.1.0.0 is in C:\\Program Files\\7-Zip (rule value 25.01.00.0, operator >=)", () => {
    const host = device({ osVersion: "10.0.26100" });
    host.fs.writeFile("C:\\Program Files\\7-Zip\\7z.exe", SEVEN_ZIP_EXE);
    const outcome = evaluateDetection(policy!.DetectionRule, policyContext(host));
    expect(outcome).toMatchObject({ state: "Detected", detectedVersion: "25.1.0.0" });
    expect(outcome.lines[1]).toBe(
      "[Win32App] GreaterThanOrEqual: actualVersion: 25.1.0.0, detectionVersion: 25.01.00.0, applicationDetected: True",
    );
  });

  it("is not detected when an older 7-Zip is there, or only the 32-bit one", () => {
    const older = device({ osVersion: "10.0.26100" });
    older.fs.writeFile("C:\\Program Files\\7-Zip\\7z.exe", "MZ", { version: "24.9.0.0" });
    expect(evaluateDetection(policy!.DetectionRule, policyContext(older)).state).toBe("NotDetected");
    const x86Only = device({ osVersion: "10.0.26100" });
    x86Only.fs.writeFile("C:\\Program Files (x86)\\7-Zip\\7z.exe", SEVEN_ZIP_EXE);
    expect(evaluateDetection(policy!.DetectionRule, policyContext(x86Only)).state).toBe("NotDetected");
  });

  it.each([
    ["Windows 11 24H2 x64", { osVersion: "10.0.26100", architecture: "x64" }, Applicability.Applicable],
    [
      "Windows 11 23H2 x64",
      { osVersion: "10.0.22631", architecture: "x64" },
      Applicability.MinimumOSVersionNotMet,
    ],
    [
      "Windows 11 24H2 x86",
      { osVersion: "10.0.26100", architecture: "x86" },
      Applicability.ProcessorArchitectureNotApplicable,
    ],
    [
      "Windows 11 24H2 arm64",
      { osVersion: "10.0.26100", architecture: "arm64" },
      Applicability.ProcessorArchitectureNotApplicable,
    ],
  ] as const)("requirements on %s → %i", (_name, profile, applicability) => {
    const host = device(profile);
    const outcome = evaluateRequirements(
      policy!.RequirementRules,
      policy!.ExtendedRequirementRules,
      policyContext(host),
    );
    expect(outcome.applicability).toBe(applicability);
  });

  it("logs the applicability lines of a real Windows 11 24H2 x64 check", () => {
    const host = device({ osVersion: "10.0.26100" });
    const outcome = evaluateRequirements(
      policy!.RequirementRules,
      policy!.ExtendedRequirementRules,
      policyContext(host),
    );
    expect(outcome.lines[0]).toBe(
      "[Win32App] RequiredOSArchitecture: 32,is64BitOperatingSystem: True,AllowedArchitectures: X64,applicability: ApplicableBuild: 26100.",
    );
    expect(outcome.lines).toContain(
      "[Win32App] applicationRequirementMetadata.RequiredMemory is , skip check.",
    );
    expect(outcome.applicabilityName).toBe("Applicable");
  });
});
