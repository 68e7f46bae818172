import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import {
  Applicability,
  ComplianceState,
  DesiredState,
  InstallContext,
  TargetingMethod,
  TargetType,
} from "../enums/index.ts";
import { assertSchema, enumSchema, nullable, parseJsonText, stringifyOrdered } from "../schema/index.ts";
import { ImeContractErrorCode } from "./error-codes.ts";

/** A signed 32-bit HRESULT as the IME stores it (0x87D1041C → -2016345060, ime.md §4.1). */
const SignedErrorCode = Type.Integer({ minimum: -2147483648, maximum: 2147483647 });

/** `Win32Apps\<user>\<app>_<ver>\ComplianceStateMessage` (ime.md §4.1, real value from S16; enums §4.3). */
export const ComplianceStateMessageSchema = Type.Object({
  Applicability: enumSchema(Applicability),
  ComplianceState: nullable(enumSchema(ComplianceState)),
  DesiredState: enumSchema(DesiredState),
  ErrorCode: nullable(SignedErrorCode),
  TargetingMethod: enumSchema(TargetingMethod),
  InstallContext: enumSchema(InstallContext),
  TargetType: enumSchema(TargetType),
  ProductVersion: nullable(Type.String()),
  AssignmentFilterIds: nullable(Type.Array(Type.String())),
});
export type ComplianceStateMessage = Static<typeof ComplianceStateMessageSchema>;

/**
 * `...\EnforcementStateMessage`: EnforcementState, ErrorCode and TargetingMethod are confirmed; the exact
 * member set and order are our choice (ime.md §4.1 [I]). EnforcementState is any code of the 1xxx–6xxx bands,
 * because S10 names codes beyond the table of §4.2.
 */
export const EnforcementStateMessageSchema = Type.Object({
  EnforcementState: Type.Integer({ minimum: 1000, maximum: 6999 }),
  ErrorCode: nullable(SignedErrorCode),
  TargetingMethod: enumSchema(TargetingMethod),
});
export type EnforcementStateMessage = Static<typeof EnforcementStateMessageSchema>;

const complianceChecker = Compile(ComplianceStateMessageSchema);
const enforcementChecker = Compile(EnforcementStateMessageSchema);
const COMPLIANCE_ORDER = [
  "Applicability",
  "ComplianceState",
  "DesiredState",
  "ErrorCode",
  "TargetingMethod",
  "InstallContext",
  "TargetType",
  "ProductVersion",
  "AssignmentFilterIds",
] as const;
const ENFORCEMENT_ORDER = ["EnforcementState", "ErrorCode", "TargetingMethod"] as const;

/** Parses a ComplianceStateMessage registry value (REG_SZ JSON). */
export function parseComplianceStateMessage(text: string): ComplianceStateMessage {
  return parseStateMessage(text, complianceChecker, "ComplianceStateMessage");
}

/** Serializes a ComplianceStateMessage as the IME writes it. */
export function serializeComplianceStateMessage(message: ComplianceStateMessage): string {
  return stringifyOrdered(message, COMPLIANCE_ORDER);
}

/** Parses an EnforcementStateMessage registry value (REG_SZ JSON). */
export function parseEnforcementStateMessage(text: string): EnforcementStateMessage {
  return parseStateMessage(text, enforcementChecker, "EnforcementStateMessage");
}

/** Serializes an EnforcementStateMessage as the IME writes it. */
export function serializeEnforcementStateMessage(message: EnforcementStateMessage): string {
  return stringifyOrdered(message, ENFORCEMENT_ORDER);
}

function parseStateMessage<T>(text: string, checker: Parameters<typeof assertSchema<T>>[0], what: string): T {
  const context = { code: ImeContractErrorCode.StateMessageInvalid, what, path: "" };
  const value = parseJsonText(text, context);
  assertSchema(checker, value, context);
  return value;
}
