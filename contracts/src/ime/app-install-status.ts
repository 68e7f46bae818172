// `SideCarPolicies\StatusServiceReports\<userId>\<appId>`: the AppInstallStatusReport the ESP page and the
// Company Portal read (ime.md §4.5 [C: S8]). Only the Status codes are confirmed. The member set is taken
// from the StatusService line that announces the same report (ime.md §1.3.9: install context,
// Applicability, Status, ErrorCode); the member names, their order and the registry value name are our
// choice [?].
import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { InstallContext } from "../enums/index.ts";
import { assertSchema, enumSchema, parseJsonText, stringifyOrdered } from "../schema/index.ts";
import { ImeContractErrorCode } from "./error-codes.ts";

/**
 * `Status` of an AppInstallStatusReport (ime.md §4.5 [C: S8]): 1000 Installed, 1001 Installing, 2000s
 * NotApplicable (we write 2000), 3000 Failed. The IME also returns "Unknown" ("Returning AppInstallStatus as
 * Unknown since Compliance State is 2", §1.3.9); its number is not known, 0 is our choice [?].
 */
export const AppInstallStatus = {
  Unknown: 0,
  Installed: 1000,
  Installing: 1001,
  NotApplicable: 2000,
  Failed: 3000,
} as const;
export type AppInstallStatus = (typeof AppInstallStatus)[keyof typeof AppInstallStatus];

/** The registry value under `StatusServiceReports\<userId>\<appId>` that holds the report [?]. */
export const APP_INSTALL_STATUS_REPORT_VALUE = "AppInstallStatusReport";

/** An AppInstallStatusReport; shape [?] (see the file header). */
export const AppInstallStatusReportSchema = Type.Object({
  ApplicationId: Type.String(),
  /** The Entra object id of the user, or 00000000-… for the device (ime.md §4.1). */
  UserId: Type.String(),
  InstallContext: enumSchema(InstallContext),
  /** The ComplianceStateMessage Applicability code (ime.md §4.3). */
  Applicability: Type.Integer(),
  Status: enumSchema(AppInstallStatus),
  /** Signed 32-bit HRESULT; 0 when none, as the StatusService line prints it. */
  ErrorCode: Type.Integer({ minimum: -2147483648, maximum: 2147483647 }),
});
export type AppInstallStatusReport = Static<typeof AppInstallStatusReportSchema>;

const ORDER = Object.keys(AppInstallStatusReportSchema.properties);
const checker = Compile(AppInstallStatusReportSchema);

/** Parses an AppInstallStatusReport registry value (REG_SZ JSON); ImesimError IME_STATE_MESSAGE_INVALID when bad. */
export function parseAppInstallStatusReport(text: string): AppInstallStatusReport {
  const context = {
    code: ImeContractErrorCode.StateMessageInvalid,
    what: "AppInstallStatusReport",
    path: "",
  };
  const value = parseJsonText(text, context);
  assertSchema(checker, value, context);
  return value;
}

/** Serializes an AppInstallStatusReport with its members in a fixed order. */
export function serializeAppInstallStatusReport(report: AppInstallStatusReport): string {
  return stringifyOrdered(report, ORDER);
}
