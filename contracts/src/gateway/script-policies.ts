// What the SideCar gateway carries for the scripts the IME runs besides Win32 apps: platform scripts
// (`PolicyRequest`) and remediations (`GetScript`), and their results (`PolicyResult`). The request type
// names are real (ime.md §3.1 item 5) and their answers are plain JSON text (item 4); the members inside are
// NOT documented anywhere we know of, so these shapes are imesim's choice, PascalCase like the app policy
// (ime.md §2), holding what the IME demonstrably uses on the device (ime.md §11b: context, bitness,
// signature check, the script bodies, the remediation schedule).
import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { nullable } from "../schema/index.ts";
import { decodeJsonMember } from "./json-member.ts";

/** Who a script runs as; Graph's `runAsAccount` (`system` | `user`). */
export const ScriptRunAs = Type.Union([Type.Literal("system"), Type.Literal("user")]);

/** One platform script (Graph `deviceManagementScript`) as the device receives it. */
export const PlatformScriptPolicySchema = Type.Object({
  PolicyId: Type.String(),
  /** Bumped by the service whenever the script body or its run settings change: the IME reruns per version. */
  PolicyVersion: Type.Integer({ minimum: 1 }),
  FileName: Type.String(),
  /** base64 of the uploaded bytes, unchanged (S12: "bytes identical to upload"). */
  PolicyBody: Type.String(),
  RunAsAccount: ScriptRunAs,
  RunAs32Bit: Type.Boolean(),
  EnforceSignatureCheck: Type.Boolean(),
});
export type PlatformScriptPolicy = Static<typeof PlatformScriptPolicySchema>;

/** A remediation's run schedule, from the assignment's `runSchedule` (Graph beta deviceHealthScript*Schedule). */
export const HealthScriptScheduleSchema = Type.Object({
  Type: Type.Union([Type.Literal("Once"), Type.Literal("Hourly"), Type.Literal("Daily")]),
  /** Hours (hourly) or days (daily) between runs; 1 for run-once. */
  Interval: Type.Integer({ minimum: 1 }),
  /** `HH:mm:ss` for daily and once; null for hourly. */
  Time: nullable(Type.String()),
  /** `yyyy-MM-dd` for once; null otherwise. */
  Date: nullable(Type.String()),
  UseUtc: Type.Boolean(),
});
export type HealthScriptSchedule = Static<typeof HealthScriptScheduleSchema>;

/** One remediation (Graph `deviceHealthScript` + its assignment) as the device receives it. */
export const HealthScriptPolicySchema = Type.Object({
  PolicyId: Type.String(),
  PolicyVersion: Type.Integer({ minimum: 1 }),
  DetectionScript: Type.String(),
  /** Null when the policy has no remediation script: then only detection runs (S12 REM-DETECTONLY). */
  RemediationScript: nullable(Type.String()),
  RunAsAccount: ScriptRunAs,
  RunAs32Bit: Type.Boolean(),
  EnforceSignatureCheck: Type.Boolean(),
  Schedule: HealthScriptScheduleSchema,
});
export type HealthScriptPolicy = Static<typeof HealthScriptPolicySchema>;

/** One script result the IME uploads with `PolicyResult` (platform scripts and remediations alike). */
export const ScriptResultSchema = Type.Object({
  PolicyType: Type.Union([Type.Literal("PlatformScript"), Type.Literal("HealthScript")]),
  PolicyId: Type.String(),
  PolicyVersion: Type.Integer({ minimum: 1 }),
  UserId: Type.String(),
  /** Platform scripts: `Success` | `Failed`. */
  Result: nullable(Type.String()),
  ResultDetails: nullable(Type.String()),
  ErrorCode: Type.Integer(),
  /** Remediations: RemediationStatus 1 fixed, 2 recurred, 3 remediation failed, 4 without issues (ime.md §11b). */
  RemediationStatus: nullable(Type.Integer({ minimum: 1, maximum: 4 })),
  PreRemediationDetectScriptOutput: nullable(Type.String()),
  PreRemediationDetectScriptError: nullable(Type.String()),
  RemediationScriptErrorDetails: nullable(Type.String()),
  PostRemediationDetectScriptOutput: nullable(Type.String()),
  PostRemediationDetectScriptError: nullable(Type.String()),
  /** Whether the detection script itself failed to run (timed out): Graph `detectionState: scriptError`. */
  DetectionScriptError: Type.Boolean(),
});
export type ScriptResult = Static<typeof ScriptResultSchema>;

const platformChecker = Compile(Type.Array(PlatformScriptPolicySchema));
const healthChecker = Compile(Type.Array(HealthScriptPolicySchema));
const resultChecker = Compile(Type.Array(ScriptResultSchema));

/** Parses a `PolicyRequest` answer. */
export function parsePlatformScriptPolicies(text: unknown): PlatformScriptPolicy[] {
  return decodeJsonMember(text, platformChecker, "PolicyRequest payload", "ResponsePayload");
}

/** Parses a `GetScript` answer. */
export function parseHealthScriptPolicies(text: unknown): HealthScriptPolicy[] {
  return decodeJsonMember(text, healthChecker, "GetScript payload", "ResponsePayload");
}

/** Parses a `PolicyResult` request payload. */
export function parseScriptResults(text: unknown): ScriptResult[] {
  return decodeJsonMember(text, resultChecker, "PolicyResult payload", "RequestPayload");
}
