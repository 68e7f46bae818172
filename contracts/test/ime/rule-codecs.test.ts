import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DetectionType,
  ExtendedRequirementType,
  FileDetectionSubType,
  Operator,
  RegistryDetectionSubType,
  ReturnCodeType,
  ScriptOutputType,
} from "../../src/enums/index.ts";
import {
  type DetectionRule,
  decodeDetectionRules,
  decodeExtendedRequirementRules,
  decodeInstallEx,
  decodeRequirementRules,
  decodeReturnCodes,
  type ExtendedRequirementRule,
  encodeDetectionRules,
  encodeExtendedRequirementRules,
  encodeInstallEx,
  encodeRequirementRules,
  encodeReturnCodes,
  type Flag,
  returnCodeTypeOf,
} from "../../src/ime/index.ts";

const operator = fc.constantFrom(...Object.values(Operator));
const text = fc.string();
const optionalText = fc.option(text, { nil: null });
const flag = fc.constantFrom<Flag>(true, false, 0, 1);

const detectionRule: fc.Arbitrary<DetectionRule> = fc.oneof(
  fc.record({
    DetectionType: fc.constant(DetectionType.Registry),
    DetectionText: fc.record({
      Path: text,
      KeyName: optionalText,
      Check32BitOn64System: fc.boolean(),
      DetectionType: fc.constantFrom(...Object.values(RegistryDetectionSubType)),
      Operator: operator,
      DetectionValue: optionalText,
    }),
  }),
  fc.record({
    DetectionType: fc.constant(DetectionType.MsiProductCode),
    DetectionText: fc.record({
      ProductCode: text,
      ProductVersion: optionalText,
      ProductVersionOperator: operator,
    }),
  }),
  fc.record({
    DetectionType: fc.constant(DetectionType.FileSystem),
    DetectionText: fc.record({
      Path: text,
      FileOrFolderName: text,
      Check32BitOn64System: fc.boolean(),
      DetectionType: fc.constantFrom(...Object.values(FileDetectionSubType)),
      Operator: operator,
      DetectionValue: optionalText,
    }),
  }),
  fc.record({
    DetectionType: fc.constant(DetectionType.Script),
    DetectionText: fc.record({
      ScriptBody: fc.base64String(),
      EnforceSignatureCheck: flag,
      RunAs32Bit: flag,
    }),
  }),
);

const requirementRule: fc.Arbitrary<ExtendedRequirementRule> = fc.oneof(
  fc.record({
    Type: fc.constant(ExtendedRequirementType.Registry),
    RequirementText: fc.record({
      Path: text,
      KeyName: optionalText,
      Check32BitOn64System: fc.boolean(),
      Type: fc.constantFrom(...Object.values(RegistryDetectionSubType)),
      Operator: operator,
      Value: optionalText,
    }),
  }),
  fc.record({
    Type: fc.constant(ExtendedRequirementType.FileSystem),
    RequirementText: fc.record({
      Path: text,
      FileOrFolderName: text,
      Check32BitOn64System: fc.boolean(),
      Type: fc.constantFrom(...Object.values(FileDetectionSubType)),
      Operator: operator,
      Value: optionalText,
    }),
  }),
  fc.record({
    Type: fc.constant(ExtendedRequirementType.Script),
    RequirementText: fc.record({
      ScriptBody: fc.base64String(),
      Type: fc.constantFrom(...Object.values(ScriptOutputType)),
      Operator: operator,
      Value: optionalText,
      RunAsAccount: fc.constantFrom(0, 1),
      RunAs32Bit: flag,
      EnforceSignatureCheck: flag,
    }),
  }),
);

describe("rule codecs round-trip every typed rule", () => {
  it("DetectionRule", () => {
    fc.assert(
      fc.property(fc.array(detectionRule, { maxLength: 4 }), (rules) => {
        expect(decodeDetectionRules(encodeDetectionRules(rules))).toEqual(rules);
      }),
    );
  });

  it("ExtendedRequirementRules", () => {
    fc.assert(
      fc.property(fc.array(requirementRule, { maxLength: 4 }), (rules) => {
        expect(decodeExtendedRequirementRules(encodeExtendedRequirementRules(rules))).toEqual(rules);
      }),
    );
  });

  it("writes members in the IME's order whatever order the caller built them in", () => {
    const rule: DetectionRule = {
      DetectionType: DetectionType.FileSystem,
      DetectionText: {
        DetectionValue: "1.0",
        Operator: Operator.Equal,
        DetectionType: FileDetectionSubType.Version,
        Check32BitOn64System: true,
        FileOrFolderName: "a.exe",
        Path: "C:\\A",
      },
    };
    expect(encodeDetectionRules([rule])).toBe(
      '[{"DetectionType":2,"DetectionText":"{\\"Path\\":\\"C:\\\\\\\\A\\",\\"FileOrFolderName\\":\\"a.exe\\",\\"Check32BitOn64System\\":true,\\"DetectionType\\":4,\\"Operator\\":1,\\"DetectionValue\\":\\"1.0\\"}"}]',
    );
  });

  it("RequirementRules keeps nulls, the IME's spelling and order", () => {
    const rules = {
      RunAs32Bit: false,
      MinimumCpuSpeed: null,
      MinimumNumberOfProcessors: 2,
      MinimumMemoryInMB: null,
      MinimumWindows10BuildNumer: "10.0.19045",
      MinimumFreeDiskSpaceInMB: null,
      RequiredOSArchitecture: 96,
    };
    const encoded = encodeRequirementRules(rules);
    expect(encoded).toBe(
      '{"RequiredOSArchitecture":96,"MinimumFreeDiskSpaceInMB":null,"MinimumWindows10BuildNumer":"10.0.19045","MinimumMemoryInMB":null,"MinimumNumberOfProcessors":2,"MinimumCpuSpeed":null,"RunAs32Bit":false}',
    );
    expect(decodeRequirementRules(encoded)).toEqual(rules);
  });

  it("InstallEx and ReturnCodes round-trip", () => {
    const installEx = {
      RunAs: 2,
      RequiresLogon: true,
      InstallProgramVisibility: 3,
      MaxRetries: 3,
      RetryIntervalInMinutes: 5,
      MaxRunTimeInMinutes: 60,
      DeviceRestartBehavior: 3 as const,
    };
    expect(decodeInstallEx(encodeInstallEx(installEx))).toEqual(installEx);
    const codes = [
      { ReturnCode: 0, Type: ReturnCodeType.Success },
      { ReturnCode: 3221225794, Type: ReturnCodeType.Failed },
    ];
    expect(decodeReturnCodes(encodeReturnCodes(codes))).toEqual(codes);
  });

  it("looks exit codes up whether written signed or unsigned", () => {
    const codes = [
      { ReturnCode: 3010, Type: ReturnCodeType.SoftReboot },
      { ReturnCode: -1073741502, Type: ReturnCodeType.Retry },
    ];
    expect(returnCodeTypeOf(codes, 3010)).toBe(ReturnCodeType.SoftReboot);
    expect(returnCodeTypeOf(codes, 3221225794)).toBe(ReturnCodeType.Retry);
    expect(returnCodeTypeOf(codes, 1603)).toBeUndefined();
  });
});
