import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DetectionType,
  FileDetectionSubType,
  Intent,
  Operator,
  ReturnCodeType,
} from "../../src/enums/index.ts";
import { encodePolicy, parsePolicies, serializePolicies } from "../../src/ime/index.ts";

const fixtureText = readFileSync(
  new URL("../fixtures/policies/get-policies-s16-available-script-installer.txt", import.meta.url),
  "utf8",
).trim();
const rawPolicies = JSON.parse(fixtureText) as Record<string, unknown>[];
const raw = rawPolicies[0] as Record<string, unknown>;

describe("the real Get policies example (ime.md §2.1)", () => {
  const [policy] = parsePolicies(fixtureText);
  if (policy === undefined) throw new Error("fixture holds no policy");

  it("decodes the nested file detection rule into typed numbers", () => {
    expect(policy.DetectionRule).toEqual([
      {
        DetectionType: DetectionType.FileSystem,
        DetectionText: {
          Path: "C:\\Program Files\\7-zip",
          FileOrFolderName: "7z.exe",
          Check32BitOn64System: false,
          DetectionType: FileDetectionSubType.Version,
          Operator: Operator.GreaterThanOrEqual,
          DetectionValue: "25.01.00.0",
        },
      },
    ]);
  });

  it("decodes requirements, install settings, return codes, scripts and dates", () => {
    expect(policy.Intent).toBe(Intent.Available);
    expect(policy.RequirementRules.RequiredOSArchitecture).toBe(32);
    expect(policy.RequirementRules.MinimumWindows10BuildNumer).toBe("10.0.26100");
    expect(policy.RequirementRules.MinimumFreeDiskSpaceInMB).toBeNull();
    expect(policy.ExtendedRequirementRules).toEqual([]);
    expect(policy.InstallEx).toMatchObject({
      RunAs: 1,
      MaxRetries: 3,
      RetryIntervalInMinutes: 5,
      MaxRunTimeInMinutes: 60,
    });
    expect(policy.ReturnCodes.map((c) => [c.ReturnCode, c.Type])).toEqual([
      [0, ReturnCodeType.Success],
      [1707, ReturnCodeType.Success],
      [3010, ReturnCodeType.SoftReboot],
      [1641, ReturnCodeType.HardReboot],
      [1618, ReturnCodeType.Retry],
    ]);
    expect(policy.Scripts).toEqual([
      { Id: "ea57d2d6-fb24-45a9-a0d0-638eb33b93f4", Type: 1, Data: null, EnforceSignatureCheck: false },
    ]);
    expect(policy.StartDeadlineEx).toEqual({ TimeFormat: "", StartTime: null, Deadline: null });
    expect(policy.RebootEx).toEqual({ GracePeriod: -1, Countdown: -1, Snooze: -1 });
  });

  it.each([
    "DetectionRule",
    "RequirementRules",
    "ExtendedRequirementRules",
    "InstallEx",
    "ReturnCodes",
    "Scripts",
  ])("serializes %s back byte for byte", (member) => {
    expect(encodePolicy(policy)[member as keyof ReturnType<typeof encodePolicy>]).toBe(raw[member]);
  });

  it("serializes the whole array to the same structure and the same text", () => {
    const text = serializePolicies([policy]);
    expect(JSON.parse(text)).toEqual(rawPolicies);
    expect(text).toBe(fixtureText);
  });
});
