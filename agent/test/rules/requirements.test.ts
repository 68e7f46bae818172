import { Applicability, Operator, ScriptOutputType } from "@imesim/contracts/enums";
import type { RequirementRules, ScriptRequirementRule } from "@imesim/contracts/ime";
import { describe, expect, it } from "vitest";
import type { DeviceProfile } from "../../src/host/index.ts";
import { evaluateRequirements } from "../../src/rules/index.ts";
import { context, device, NO_REQUIREMENTS, scriptBody } from "./helpers.ts";
import { operatorRows } from "./matrix.ts";

const NONE = NO_REQUIREMENTS;
const PROFILE = {
  osVersion: "10.0.22631",
  osRevision: 4460,
  freeDiskSpaceMB: 2048,
  memoryMB: 8192,
  logicalProcessors: 4,
  cpuSpeedMHz: 2400,
};

function check(rules: Partial<RequirementRules>, profile: Partial<DeviceProfile> = {}) {
  const host = device({ ...PROFILE, ...profile });
  return evaluateRequirements({ ...NONE, ...rules }, [], context(host));
}

describe("built-in requirements (ime.md §2.4, §7.6)", () => {
  it.each([
    // [RequiredOSArchitecture, device architecture, applicable]
    [32, "x64", true],
    [32, "x86", false],
    [64, "x86", true],
    [64, "x64", false],
    [96, "x64", true],
    [96, "x86", true],
    [96, "arm64", false],
    [16, "arm64", true],
    [1, "x86", true],
    [1, "x64", false],
    [2, "x64", true],
    [3, "x86", true],
    [3, "arm64", false],
    [null, "arm64", true],
  ] as const)("architecture %s on %s → applicable %s", (required, architecture, applicable) => {
    const result = check({ RequiredOSArchitecture: required }, { architecture });
    expect(result.applicability).toBe(
      applicable ? Applicability.Applicable : Applicability.ProcessorArchitectureNotApplicable,
    );
  });

  it("writes the real architecture line, missing separator and all", () => {
    const result = check({ RequiredOSArchitecture: 96 }, { osVersion: "10.0.26100" });
    expect(result.lines[0]).toBe(
      "[Win32App] RequiredOSArchitecture: 96,is64BitOperatingSystem: True,AllowedArchitectures: X64, X86,applicability: ApplicableBuild: 26100.",
    );
    expect(result.lines).toContain(
      "[Win32App] applicationRequirementMetadata.RequiredMemory is , skip check.",
    );
    expect(result.lines.at(-1)).toBe(
      "[Win32App] No ExtendedRequirementRules for this App. Skipping Check Extended requirement rule",
    );
    expect(result.applicabilityName).toBe("Applicable");
  });

  it.each([
    ["10.0.22000", true],
    ["10.0.22631", true],
    ["10.0.26100", false],
    ["10.0.22631.4460", true],
    ["10.0.22631.4461", false],
    ["1607", true],
    ["22H2", true],
  ])("minimum OS %s on 10.0.22631.4460 → met %s (else 1002)", (minimum, met) => {
    const result = check({ MinimumWindows10BuildNumer: minimum });
    expect(result.applicability).toBe(met ? Applicability.Applicable : Applicability.MinimumOSVersionNotMet);
  });

  it.each([
    ["MinimumFreeDiskSpaceInMB", 2048, 2049, Applicability.MinimumDiskSpaceNotMet],
    ["MinimumMemoryInMB", 8192, 8193, Applicability.MinimumPhysicalMemoryNotMet],
    ["MinimumNumberOfProcessors", 4, 5, Applicability.MinimumLogicalProcessorCountNotMet],
    ["MinimumCpuSpeed", 2400, 2401, Applicability.MinimumCPUSpeedNotMet],
  ] as const)("%s: %i is met, %i gives %i", (field, enough, tooMuch, code) => {
    expect(check({ [field]: enough }).applicability).toBe(Applicability.Applicable);
    expect(check({ [field]: tooMuch }).applicability).toBe(code);
  });

  it("counts free disk space as whole MB of the system drive, after what was written", () => {
    const host = device(PROFILE);
    host.fs.writeFile("C:\\big.bin", new Uint8Array(1024 * 1024 + 1));
    const rules = { ...NONE, MinimumFreeDiskSpaceInMB: 2047 };
    expect(evaluateRequirements(rules, [], context(host)).applicability).toBe(
      Applicability.MinimumDiskSpaceNotMet,
    );
    expect(
      evaluateRequirements({ ...rules, MinimumFreeDiskSpaceInMB: 2046 }, [], context(host)).applicability,
    ).toBe(0);
  });
});

function scriptRequirement(
  outputType: number,
  operator: number,
  value: string | null,
  runAsAccount = 0,
): ScriptRequirementRule {
  return {
    Type: 3,
    RequirementText: {
      ScriptBody: scriptBody("Get-Something"),
      Type: outputType as ScriptRequirementRule["RequirementText"]["Type"],
      Operator: operator as ScriptRequirementRule["RequirementText"]["Operator"],
      Value: value,
      RunAsAccount: runAsAccount,
      RunAs32Bit: false,
      EnforceSignatureCheck: false,
    },
  };
}

function scriptApplicability(
  output: string,
  rule: ScriptRequirementRule,
  result: { exitCode?: number; stderr?: string } = {},
) {
  const host = device(PROFILE);
  const ctx = context(host, { scripts: [{ result: { stdout: `${output}\r\n`, ...result } }] });
  return evaluateRequirements(NONE, [rule], ctx).applicability;
}

describe("script requirements with an output type (ime.md §7.6)", () => {
  const cases = [
    { type: ScriptOutputType.String, output: "Contoso", values: ["CONTOSA", "contoso", "Contosp"] },
    { type: ScriptOutputType.Integer, output: "42", values: ["41", "42", "43"] },
    { type: ScriptOutputType.Float, output: "4.5", values: ["4.25", "4.50", "4.75"] },
    { type: ScriptOutputType.Version, output: "10.0.1", values: ["9.0", "10.0.1", "10.0.2"] },
    {
      type: ScriptOutputType.DateTime,
      output: "2026-11-24T12:00:00Z",
      values: ["2026-11-24T11:00:00Z", "2026-11-24T12:00:00Z", "2026-11-25T00:00:00Z"],
    },
    { type: ScriptOutputType.Boolean, output: "True", values: ["False", "true", "True"] },
  ];
  for (const { type, output, values } of cases) {
    const rows = operatorRows(values[0]!, values[1]!, values[2]!).filter(
      // Booleans have no value above True: only the smaller/equal columns are meaningful.
      (_row, index) => type !== ScriptOutputType.Boolean || index % 3 !== 2,
    );
    it.each(rows)(
      `type ${type}, output ${output}: %s (%i) against %s → %s`,
      (_n, operator, value, expected) => {
        const applicability = scriptApplicability(output, scriptRequirement(type, operator, value));
        expect(applicability).toBe(
          expected ? Applicability.Applicable : Applicability.ScriptRequirementRuleNotMet,
        );
      },
    );
  }

  it("is not met (1008) on a non-zero exit or anything on STDERR", () => {
    const rule = scriptRequirement(ScriptOutputType.Integer, Operator.Equal, "42");
    expect(scriptApplicability("42", rule, { exitCode: 1 })).toBe(Applicability.ScriptRequirementRuleNotMet);
    expect(scriptApplicability("42", rule, { stderr: "error" })).toBe(
      Applicability.ScriptRequirementRuleNotMet,
    );
  });

  it("gives RequirementsNotMet (1) when the output cannot be read as the declared type", () => {
    expect(
      scriptApplicability("forty-two", scriptRequirement(ScriptOutputType.Integer, Operator.Equal, "42")),
    ).toBe(Applicability.RequirementsNotMet);
    expect(
      scriptApplicability("maybe", scriptRequirement(ScriptOutputType.Boolean, Operator.Equal, "True")),
    ).toBe(Applicability.RequirementsNotMet);
  });

  it("runs as the signed-in user when RunAsAccount is non-zero", () => {
    const host = device(PROFILE);
    const accounts: string[] = [];
    const ctx = context(host, {
      scripts: [
        {
          result: (request) => {
            accounts.push(request.context.account);
            return { exitCode: 0, stdout: "1", stderr: "" };
          },
        },
      ],
    });
    evaluateRequirements(NONE, [scriptRequirement(ScriptOutputType.Integer, Operator.Equal, "1", 1)], ctx);
    evaluateRequirements(NONE, [scriptRequirement(ScriptOutputType.Integer, Operator.Equal, "1", 0)], ctx);
    expect(accounts).toEqual(["user", "system"]);
  });
});
