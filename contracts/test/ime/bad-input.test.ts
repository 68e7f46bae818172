import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import {
  decodeDetectionRules,
  decodeExtendedRequirementRules,
  ImeContractErrorCode,
  parseMsDate,
  parsePolicies,
  parsePolicy,
} from "../../src/ime/index.ts";

const fixture = readFileSync(
  new URL("../fixtures/policies/get-policies-s16-available-script-installer.txt", import.meta.url),
  "utf8",
).trim();
const realPolicy = (JSON.parse(fixture) as Record<string, unknown>[])[0] as Record<string, unknown>;

const fileText = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    Path: "C:\\Program Files\\7-zip",
    FileOrFolderName: "7z.exe",
    Check32BitOn64System: false,
    DetectionType: 4,
    Operator: 5,
    DetectionValue: "25.01.00.0",
    ...overrides,
  });

/** The real policy list with one policy member replaced, as JSON text. */
function withMember(member: string, value: unknown): string {
  return JSON.stringify([{ ...realPolicy, [member]: value }]);
}

function failure(run: () => unknown): { code: string; path: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (!isImesimError(error)) throw new Error(`expected an ImesimError, got ${String(error)}`);
    return { code: error.code, path: error.path, message: error.message };
  }
  throw new Error("expected the parser to reject the input");
}

describe("policy parser errors name the member path", () => {
  it.each([
    ["wrong top-level type", withMember("Version", "1"), ImeContractErrorCode.PolicyInvalid, "[0].Version"],
    ["enum out of range", withMember("Intent", 2), ImeContractErrorCode.PolicyInvalid, "[0].Intent"],
    [
      "missing member",
      JSON.stringify([(({ InstallCommandLine: _, ...rest }) => rest)(realPolicy)]),
      ImeContractErrorCode.PolicyInvalid,
      "[0].InstallCommandLine",
    ],
    [
      "nested member not a string",
      withMember("InstallEx", { RunAs: 1 }),
      ImeContractErrorCode.PolicyInvalid,
      "[0].InstallEx",
    ],
    [
      "malformed nested JSON",
      withMember("RequirementRules", "{not json"),
      ImeContractErrorCode.PolicyMalformedJson,
      "[0].RequirementRules",
    ],
    [
      "malformed doubly nested JSON",
      withMember("DetectionRule", JSON.stringify([{ DetectionType: 2, DetectionText: "{" }])),
      ImeContractErrorCode.PolicyMalformedJson,
      "[0].DetectionRule[0].DetectionText",
    ],
    [
      "bad operator deep inside the second rule",
      withMember(
        "DetectionRule",
        JSON.stringify([
          { DetectionType: 2, DetectionText: fileText() },
          { DetectionType: 2, DetectionText: fileText({ Operator: 3 }) },
        ]),
      ),
      ImeContractErrorCode.PolicyInvalid,
      "[0].DetectionRule[1].DetectionText.Operator",
    ],
    [
      "missing member deep inside a rule",
      withMember(
        "DetectionRule",
        JSON.stringify([{ DetectionType: 0, DetectionText: '{"Path":"HKLM\\\\X"}' }]),
      ),
      ImeContractErrorCode.PolicyInvalid,
      "[0].DetectionRule[0].DetectionText.KeyName",
    ],
    [
      "unknown detection type",
      withMember("DetectionRule", '[{"DetectionType":7,"DetectionText":"{}"}]'),
      ImeContractErrorCode.PolicyInvalid,
      "[0].DetectionRule[0].DetectionType",
    ],
    [
      "return code type",
      withMember("ReturnCodes", '[{"ReturnCode":0,"Type":9}]'),
      ImeContractErrorCode.PolicyInvalid,
      "[0].ReturnCodes[0].Type",
    ],
    [
      "requirement numbers",
      withMember(
        "RequirementRules",
        String(realPolicy.RequirementRules).replace(
          '"RequiredOSArchitecture":32',
          '"RequiredOSArchitecture":"x64"',
        ),
      ),
      ImeContractErrorCode.PolicyInvalid,
      "[0].RequirementRules.RequiredOSArchitecture",
    ],
    [
      "script output type",
      withMember(
        "ExtendedRequirementRules",
        JSON.stringify([
          {
            Type: 3,
            RequirementText: JSON.stringify({
              ScriptBody: "",
              Type: 7,
              Operator: 1,
              Value: "x",
              RunAsAccount: 0,
              RunAs32Bit: false,
              EnforceSignatureCheck: false,
            }),
          },
        ]),
      ),
      ImeContractErrorCode.PolicyInvalid,
      "[0].ExtendedRequirementRules[0].RequirementText.Type",
    ],
    [
      "MS date",
      withMember("StartDeadlineEx", { TimeFormat: "", StartTime: "2024-01-01", Deadline: "/Date(0)/" }),
      ImeContractErrorCode.MsDateInvalid,
      "[0].StartDeadlineEx.StartTime",
    ],
    [
      "flat dependency action",
      withMember("FlatDependencies", [{ Action: 5, AppId: "a", ChildId: "b", Type: 0, Level: 0 }]),
      ImeContractErrorCode.PolicyInvalid,
      "[0].FlatDependencies[0].Action",
    ],
    [
      "scripts",
      withMember("Scripts", '[{"Id":1,"Type":1,"Data":null,"EnforceSignatureCheck":false}]'),
      ImeContractErrorCode.PolicyInvalid,
      "[0].Scripts[0].Id",
    ],
    ["not an array", JSON.stringify(realPolicy), ImeContractErrorCode.PolicyInvalid, ""],
    ["not JSON", "Get policies = [", ImeContractErrorCode.PolicyMalformedJson, ""],
  ])("%s", (_name, text, code, path) => {
    const error = failure(() => parsePolicies(text));
    expect(error.code).toBe(code);
    expect(error.path).toBe(path);
  });

  it("words an enum error with the allowed values", () => {
    const error = failure(() =>
      decodeDetectionRules(JSON.stringify([{ DetectionType: 2, DetectionText: fileText({ Operator: 3 }) }])),
    );
    expect(error.message).toBe(
      "Invalid DetectionText at DetectionRule[0].DetectionText.Operator: must be one of 0, 1, 2, 4, 5, 8, 9",
    );
  });

  it("parsePolicy takes one policy as text or as a parsed object", () => {
    expect(parsePolicy(JSON.stringify(realPolicy)).Id).toBe(realPolicy.Id);
    expect(parsePolicy(realPolicy).Name).toBe(realPolicy.Name);
    expect(failure(() => parsePolicy({ ...realPolicy, Targeted: 2 })).path).toBe("Targeted");
  });

  it("reads /Date(ms+hhmm)/ as the same instant and rejects other text", () => {
    expect(parseMsDate("/Date(1700000000000+0100)/")).toBe(1700000000000);
    expect(parseMsDate("/Date(-62135596800000)/")).toBeNull();
    expect(failure(() => parseMsDate("/Date(abc)/", "Deadline")).path).toBe("Deadline");
  });

  it("never throws anything but a path-carrying ImesimError when a member is replaced by any JSON value", () => {
    const members = Object.keys(realPolicy);
    fc.assert(
      fc.property(fc.constantFrom(...members), fc.jsonValue(), (member, value) => {
        try {
          parsePolicies(withMember(member, value));
        } catch (error) {
          expect(isImesimError(error)).toBe(true);
          expect((error as { path?: string }).path?.startsWith(`[0].${member}`)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never throws anything but an ImesimError for any nested rule text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), fc.constantFrom(0, 1, 2, 3), (text, type) => {
        for (const decode of [
          () => decodeDetectionRules(JSON.stringify([{ DetectionType: type, DetectionText: text }])),
          () => decodeExtendedRequirementRules(JSON.stringify([{ Type: type, RequirementText: text }])),
          () => decodeDetectionRules(text),
        ]) {
          try {
            decode();
          } catch (error) {
            expect(isImesimError(error)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
