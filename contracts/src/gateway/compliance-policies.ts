// What the SideCar gateway carries for custom compliance: the discovery scripts of the compliance policies
// that reach a device, and the evaluated results the device sends back. ime.md lists no request type for
// custom compliance (§3.1 item 5 names the app, script and inventory ones), so both request type names and
// every member below are imesim's invention [I], PascalCase like the other script payloads.
import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { nullable } from "../schema/index.ts";
import { decodeJsonMember } from "./json-member.ts";
import { ScriptRunAs } from "./script-policies.ts";

/** The invented request types of the custom-compliance exchange. */
export const ComplianceRequestType = {
  /** Answered with the device's compliance discovery scripts and their rules. */
  GetComplianceScript: "GetComplianceScript",
  /** The device's evaluated results; answered with nothing. */
  ComplianceScriptResult: "ComplianceScriptResult",
} as const;
export type ComplianceRequestType = (typeof ComplianceRequestType)[keyof typeof ComplianceRequestType];

/** One compliance policy's discovery script (Graph `deviceComplianceScript`) and its rules. */
export const ComplianceScriptPolicySchema = Type.Object({
  /** The compliance policy (Graph `deviceCompliancePolicy`) the script belongs to. */
  PolicyId: Type.String(),
  /** Bumped when the policy's rules or its discovery script change. */
  PolicyVersion: Type.Integer({ minimum: 1 }),
  ScriptId: Type.String(),
  /** base64 of the discovery script as uploaded. */
  DetectionScript: Type.String(),
  /** The rules JSON text (decoded from the policy's base64 `rulesContent`). */
  Rules: Type.String(),
  RunAsAccount: ScriptRunAs,
  RunAs32Bit: Type.Boolean(),
  EnforceSignatureCheck: Type.Boolean(),
});
export type ComplianceScriptPolicy = Static<typeof ComplianceScriptPolicySchema>;

export const ComplianceSettingResultSchema = Type.Object({
  SettingName: Type.String(),
  State: Type.Union([Type.Literal("compliant"), Type.Literal("nonCompliant"), Type.Literal("error")]),
  ActualValue: nullable(Type.String()),
  RemediationTitle: nullable(Type.String()),
  RemediationDescription: nullable(Type.String()),
  MoreInfoUrl: nullable(Type.String()),
  ErrorDetail: nullable(Type.String()),
});
export type ComplianceSettingResult = Static<typeof ComplianceSettingResultSchema>;

/** One policy's evaluation as the device reports it. */
export const ComplianceScriptResultSchema = Type.Object({
  PolicyId: Type.String(),
  PolicyVersion: Type.Integer({ minimum: 1 }),
  UserId: Type.String(),
  Compliant: Type.Boolean(),
  /** The discovery script's exit code. */
  ErrorCode: Type.Integer(),
  DiscoveryOutput: Type.String(),
  Settings: Type.Array(ComplianceSettingResultSchema),
});
export type ComplianceScriptResult = Static<typeof ComplianceScriptResultSchema>;

const policyChecker = Compile(Type.Array(ComplianceScriptPolicySchema));
const resultChecker = Compile(Type.Array(ComplianceScriptResultSchema));

/** Parses a `GetComplianceScript` answer. */
export function parseComplianceScriptPolicies(text: unknown): ComplianceScriptPolicy[] {
  return decodeJsonMember(text, policyChecker, "GetComplianceScript payload", "ResponsePayload");
}

/** Parses a `ComplianceScriptResult` request payload. */
export function parseComplianceScriptResults(text: unknown): ComplianceScriptResult[] {
  return decodeJsonMember(text, resultChecker, "ComplianceScriptResult payload", "RequestPayload");
}
