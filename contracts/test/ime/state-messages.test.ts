import { describe, expect, it } from "vitest";
import {
  Applicability,
  ComplianceState,
  DesiredState,
  EnforcementState,
  InstallContext,
  TargetType,
} from "../../src/enums/index.ts";
import {
  parseComplianceStateMessage,
  parseEnforcementStateMessage,
  serializeComplianceStateMessage,
  serializeEnforcementStateMessage,
} from "../../src/ime/index.ts";

// ime.md §4.1, real value (S16).
const REAL_COMPLIANCE =
  '{"Applicability":0,"ComplianceState":1,"DesiredState":2,"ErrorCode":null,"TargetingMethod":0,"InstallContext":2,"TargetType":1,"ProductVersion":null,"AssignmentFilterIds":null}';

describe("registry state messages (ime.md §4.1, §4.3)", () => {
  it("parses the real ComplianceStateMessage and writes it back byte for byte", () => {
    const message = parseComplianceStateMessage(REAL_COMPLIANCE);
    expect(message).toMatchObject({
      Applicability: Applicability.Applicable,
      ComplianceState: ComplianceState.Installed,
      DesiredState: DesiredState.Present,
      InstallContext: InstallContext.System,
      TargetType: TargetType.User,
    });
    expect(serializeComplianceStateMessage(message)).toBe(REAL_COMPLIANCE);
  });

  it("writes an EnforcementStateMessage with a signed HRESULT", () => {
    const text = serializeEnforcementStateMessage({
      ErrorCode: -2016345060,
      TargetingMethod: 0,
      EnforcementState: EnforcementState.Error,
    });
    expect(text).toBe('{"EnforcementState":5000,"ErrorCode":-2016345060,"TargetingMethod":0}');
    expect(parseEnforcementStateMessage(text).ErrorCode).toBe(-2016345060);
  });

  it.each([
    ['{"EnforcementState":1000,"ErrorCode":2278622020,"TargetingMethod":0}', "ErrorCode"],
    ['{"EnforcementState":999,"ErrorCode":0,"TargetingMethod":0}', "EnforcementState"],
    ['{"EnforcementState":1000,"ErrorCode":0}', "TargetingMethod"],
  ])("rejects %s at %s", (text, path) => {
    expect(() => parseEnforcementStateMessage(text)).toThrow(
      expect.objectContaining({ code: "IME_STATE_MESSAGE_INVALID", path }),
    );
  });

  it("rejects an applicability outside §4.3 and malformed JSON", () => {
    expect(() =>
      parseComplianceStateMessage(REAL_COMPLIANCE.replace('"Applicability":0', '"Applicability":1013')),
    ).toThrow(expect.objectContaining({ path: "Applicability" }));
    expect(() => parseComplianceStateMessage("{")).toThrow(
      expect.objectContaining({ code: "IME_STATE_MESSAGE_INVALID" }),
    );
  });
});
