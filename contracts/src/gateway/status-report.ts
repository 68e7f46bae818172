import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import {
  DesiredState,
  InstallContext,
  Intent,
  ResultantAppState,
  TargetingMethod,
  TargetType,
} from "../enums/index.ts";
import { ComplianceStateMessageSchema, EnforcementStateMessageSchema } from "../ime/index.ts";
import { enumSchema, nullable, stringifyOrdered } from "../schema/index.ts";
import { decodeJsonMember } from "./json-member.ts";

const SignedErrorCode = nullable(Type.Integer({ minimum: -2147483648, maximum: 2147483647 }));

/**
 * One entry of `ReportingImpact.ImpactingApps`. RelationshipType 0 (dependency) is the value seen (ime.md §11a);
 * 1 for supersedence is ours, after FlatDependencies' Type numbering (§2.8) [I].
 */
export const ImpactingAppSchema = Type.Object({
  AppId: Type.String(),
  RelationshipType: Type.Integer({ minimum: 0 }),
});
export type ImpactingApp = Static<typeof ImpactingAppSchema>;

/** `ReportingImpact` of the status report (ime.md §9). */
export const ReportingImpactSchema = Type.Object({
  DesiredState: Type.Integer(),
  Classification: Type.Integer(),
  ConflictReason: Type.Integer(),
  /**
   * The related apps behind this app's state: `[{"AppId":"<relative>","RelationshipType":0}]` (ime.md §11a
   * Reporting [C*: S12]); empty for an app with no relations.
   */
  ImpactingApps: Type.Array(ImpactingAppSchema),
});

/**
 * The per-app status report the IME builds ("Sending status to company portal based on report", ime.md §9,
 * real example from S10), members in the real order.
 */
export const AppStatusReportSchema = Type.Object({
  ApplicationId: Type.String(),
  ResultantAppState: enumSchema(ResultantAppState),
  ReportingImpact: nullable(ReportingImpactSchema),
  /** Follows ReportingImpact in reports of related apps, always `{}` in what was seen (ime.md §11a Reporting). */
  ReportingImpact2: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  WriteableToStorage: Type.Boolean(),
  CanGenerateComplianceState: Type.Boolean(),
  CanGenerateEnforcementState: Type.Boolean(),
  IsAppReportable: Type.Boolean(),
  IsAppAggregatable: Type.Boolean(),
  AvailableAppEnforcementFlag: Type.Integer(),
  DesiredState: enumSchema(DesiredState),
  DetectionState: Type.Integer(),
  DetectionErrorOccurred: Type.Boolean(),
  DetectionErrorCode: SignedErrorCode,
  ApplicabilityState: Type.Integer(),
  ApplicabilityErrorOccurred: Type.Boolean(),
  ApplicabilityErrorCode: SignedErrorCode,
  EnforcementState: nullable(Type.Integer({ minimum: 1000, maximum: 6999 })),
  EnforcementErrorCode: SignedErrorCode,
  TargetingMethod: enumSchema(TargetingMethod),
  TargetingType: enumSchema(TargetType),
  InstallContext: enumSchema(InstallContext),
  Intent: enumSchema(Intent),
  InternalVersion: Type.Integer({ minimum: 0 }),
  DetectedIdentityVersion: nullable(Type.String()),
  RemovalReason: Type.Unknown(),
});
export type AppStatusReport = Static<typeof AppStatusReportSchema>;

/**
 * One entry of the `Win32AppResult` upload. The real payload shape is unknown (ime.md §9 [?]); as the
 * reference suggests, ours is the status report plus the user it is for and the two registry state
 * messages, so the mock shows exactly what the device recorded.
 */
export const Win32AppResultSchema = Type.Object({
  ...AppStatusReportSchema.properties,
  /** Entra object id of the user, or the all-zero GUID for the device (ime.md §4.1). */
  UserId: Type.String(),
  ComplianceStateMessage: nullable(ComplianceStateMessageSchema),
  EnforcementStateMessage: nullable(EnforcementStateMessageSchema),
});
export type Win32AppResult = Static<typeof Win32AppResultSchema>;

const REPORT_ORDER = Object.keys(AppStatusReportSchema.properties);
const RESULT_ORDER = Object.keys(Win32AppResultSchema.properties);
const reportChecker = Compile(AppStatusReportSchema);
const resultsChecker = Compile(Type.Array(Win32AppResultSchema));

/** Parses the status report JSON of the "Sending status to company portal" line. */
export function parseAppStatusReport(text: unknown, path = ""): AppStatusReport {
  return decodeJsonMember(text, reportChecker, "status report", path);
}

/** Serializes a status report as the IME logs it. */
export function serializeAppStatusReport(report: AppStatusReport): string {
  return stringifyOrdered(report, REPORT_ORDER);
}

/** Parses a `Win32AppResult` RequestPayload (JSON text of an array). */
export function parseWin32AppResultPayload(text: unknown, path = "RequestPayload"): Win32AppResult[] {
  return decodeJsonMember(text, resultsChecker, "Win32AppResult payload", path);
}

/** Serializes results into a `Win32AppResult` RequestPayload. */
export function encodeWin32AppResultPayload(results: readonly Win32AppResult[]): string {
  return `[${results.map((result) => stringifyOrdered(result, RESULT_ORDER)).join(",")}]`;
}
