import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { ImesimError } from "../errors/index.ts";
import { appendSegment, assertSchema, coerceLenient, describeType, nullable } from "../schema/index.ts";
import {
  AUTO_UPDATE_STATES,
  DELIVERY_OPTIMIZATION_PRIORITIES,
  FILTER_TYPES,
  GraphContractErrorCode,
  INSTALL_INTENTS,
  NOTIFICATIONS,
  ODataType,
} from "./graph-enums.ts";

/** `mobileAppInstallTimeSettings` (graph-win32.md §3.2); dates are ISO-8601 DateTimeOffset strings. */
export const InstallTimeSettingsSchema = Type.Object({
  useLocalTime: Type.Optional(Type.Boolean()),
  startDateTime: Type.Optional(nullable(Type.String())),
  deadlineDateTime: Type.Optional(nullable(Type.String())),
});
export type InstallTimeSettings = Static<typeof InstallTimeSettingsSchema>;

/** `win32LobAppRestartSettings`, with the ranges IntuneWin32App enforces (graph-win32.md §3.2). */
export const RestartSettingsSchema = Type.Object({
  gracePeriodInMinutes: Type.Integer({ minimum: 1, maximum: 20160 }),
  countdownDisplayBeforeRestartInMinutes: Type.Integer({ minimum: 1, maximum: 240 }),
  restartNotificationSnoozeDurationInMinutes: Type.Optional(
    nullable(Type.Integer({ minimum: 1, maximum: 712 })),
  ),
});
export type RestartSettings = Static<typeof RestartSettingsSchema>;

/** `win32LobAppAssignmentSettings` (graph-win32.md §3.2). */
export const Win32LobAppAssignmentSettingsSchema = Type.Object({
  "@odata.type": Type.Optional(Type.Literal(ODataType.Win32LobAppAssignmentSettings)),
  notifications: Type.Optional(Type.Enum(NOTIFICATIONS)),
  deliveryOptimizationPriority: Type.Optional(Type.Enum(DELIVERY_OPTIMIZATION_PRIORITIES)),
  installTimeSettings: Type.Optional(nullable(InstallTimeSettingsSchema)),
  restartSettings: Type.Optional(nullable(RestartSettingsSchema)),
  autoUpdateSettings: Type.Optional(
    nullable(Type.Object({ autoUpdateSupersededAppsState: Type.Enum(AUTO_UPDATE_STATES) })),
  ),
});
export type Win32LobAppAssignmentSettings = Static<typeof Win32LobAppAssignmentSettingsSchema>;

/** The assignment target kinds (graph-win32.md §3.1). */
export const AssignmentTargetSchema = Type.Object({
  "@odata.type": Type.Union([
    Type.Literal(ODataType.GroupAssignmentTarget),
    Type.Literal(ODataType.ExclusionGroupAssignmentTarget),
    Type.Literal(ODataType.AllDevicesAssignmentTarget),
    Type.Literal(ODataType.AllLicensedUsersAssignmentTarget),
    Type.Literal(ODataType.ConfigurationManagerCollectionAssignmentTarget),
  ]),
  groupId: Type.Optional(nullable(Type.String())),
  collectionId: Type.Optional(nullable(Type.String())),
  deviceAndAppManagementAssignmentFilterId: Type.Optional(nullable(Type.String())),
  deviceAndAppManagementAssignmentFilterType: Type.Optional(nullable(Type.Enum(FILTER_TYPES))),
});
export type AssignmentTarget = Static<typeof AssignmentTargetSchema>;

/** `mobileAppAssignment` (graph-win32.md §3.1). */
export const MobileAppAssignmentSchema = Type.Object({
  "@odata.type": Type.Optional(Type.Literal(ODataType.MobileAppAssignment)),
  id: Type.Optional(Type.String()),
  intent: Type.Enum(INSTALL_INTENTS),
  target: AssignmentTargetSchema,
  settings: Type.Optional(nullable(Win32LobAppAssignmentSettingsSchema)),
  source: Type.Optional(Type.Enum(["direct", "policySets"])),
  sourceId: Type.Optional(nullable(Type.String())),
});
export type MobileAppAssignment = Static<typeof MobileAppAssignmentSchema>;

const assignmentChecker = Compile(MobileAppAssignmentSchema);
const GROUP_TARGETS: readonly string[] = [
  ODataType.GroupAssignmentTarget,
  ODataType.ExclusionGroupAssignmentTarget,
];

/** Checks a mobileAppAssignment body (lenient on casing, `#` and string booleans; strict on values). */
export function parseMobileAppAssignment(body: unknown, path = ""): MobileAppAssignment {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ImesimError(
      GraphContractErrorCode.Invalid,
      `Invalid mobileAppAssignment: expected an object, got ${describeType(body)}`,
      { path },
    );
  }
  const coerced = coerceLenient(MobileAppAssignmentSchema, body);
  assertSchema(assignmentChecker, coerced, {
    code: GraphContractErrorCode.Invalid,
    what: "mobileAppAssignment",
    path,
  });
  const target = coerced.target;
  if (GROUP_TARGETS.includes(target["@odata.type"]) && typeof target.groupId !== "string") {
    throw new ImesimError(
      GraphContractErrorCode.Invalid,
      "Invalid mobileAppAssignment: a group target needs a groupId",
      {
        path: appendSegment(appendSegment(path, "target"), "groupId"),
      },
    );
  }
  return coerced;
}
