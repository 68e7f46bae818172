import { type Static, Type } from "typebox";
import { Intent, RelationAction, RelationType, TargetType } from "../enums/index.ts";
import { enumSchema, nullable } from "../schema/index.ts";

/** `RebootEx`: minutes, -1 = not configured (ime.md §2.2). An object on the wire, not a JSON string. */
export const RebootExSchema = Type.Object({
  GracePeriod: Type.Integer({ minimum: -1 }),
  Countdown: Type.Integer({ minimum: -1 }),
  Snooze: Type.Integer({ minimum: -1 }),
});
export type RebootEx = Static<typeof RebootExSchema>;

/** `StartDeadlineEx` on the wire: MS-JSON dates (`/Date(ms)/`) and a `TimeFormat` of "" or e.g. "UTC" (ime.md §2.2). */
export const StartDeadlineExWireSchema = Type.Object({
  TimeFormat: Type.String(),
  StartTime: Type.String(),
  Deadline: Type.String(),
});
export type StartDeadlineExWire = Static<typeof StartDeadlineExWireSchema>;

/** One `FlatDependencies` item (ime.md §2.8). */
export const FlatDependencySchema = Type.Object({
  Action: enumSchema(RelationAction),
  AppId: Type.String(),
  ChildId: Type.String(),
  Type: enumSchema(RelationType),
  Level: Type.Integer({ minimum: 0 }),
});
export type FlatDependency = Static<typeof FlatDependencySchema>;

/** `ESPConfiguration` when set (ime.md §2.1). */
export const EspConfigurationSchema = Type.Object({
  IsSelectedApp: Type.Boolean(),
  InstallWithBestEffort: Type.Boolean(),
});
export type EspConfiguration = Static<typeof EspConfigurationSchema>;

/**
 * One Win32 app policy exactly as the IME receives it in "Get policies" (ime.md §2.1), members in the
 * real order. `DetectionRule`, `RequirementRules`, `ExtendedRequirementRules`, `InstallEx`, `ReturnCodes`
 * and `Scripts` are JSON text. The members after `StartDeadlineEx` are missing in pre-2020 builds, so they
 * are optional here; the mock service always writes them. Unknown members are kept (newer builds add some).
 */
export const ImePolicySchema = Type.Object({
  Id: Type.String(),
  Name: Type.String(),
  Version: Type.Integer({ minimum: 0 }),
  Intent: enumSchema(Intent),
  TargetType: enumSchema(TargetType),
  /** sic "Assginment": the IME's spelling. 1010 when assignment filters exclude the device (ime.md §7.6). */
  AppApplicabilityStateDueToAssginmentFilters: nullable(Type.Integer()),
  AssignmentFilterIds: nullable(Type.Array(Type.String())),
  DetectionRule: Type.String(),
  InstallCommandLine: Type.String(),
  UninstallCommandLine: Type.String(),
  RequirementRules: Type.String(),
  ExtendedRequirementRules: Type.String(),
  InstallEx: Type.String(),
  ReturnCodes: Type.String(),
  AvailableAppEnforcement: Type.Integer(),
  SetUpFilePath: nullable(Type.String()),
  ToastState: Type.Integer(),
  Targeted: Type.Integer({ minimum: 0, maximum: 1 }),
  FlatDependencies: nullable(Type.Array(FlatDependencySchema)),
  MetadataVersion: Type.Integer(),
  RelationVersion: Type.Integer(),
  RebootEx: RebootExSchema,
  InstallBehavior: Type.Integer(),
  StartDeadlineEx: StartDeadlineExWireSchema,
  RemoveUserData: Type.Optional(Type.Boolean()),
  DOPriority: Type.Optional(Type.Integer()),
  /** Lower-case `n`: the IME's spelling. */
  newFlatDependencies: Type.Optional(Type.Boolean()),
  AssignmentFilterIdToEvalStateMap: Type.Optional(nullable(Type.Record(Type.String(), Type.Integer()))),
  ContentCacheDuration: Type.Optional(nullable(Type.Integer())),
  ESPConfiguration: Type.Optional(nullable(EspConfigurationSchema)),
  /** Minutes; 480 = 8 h (ime.md §5.3). */
  ReevaluationInterval: Type.Optional(Type.Integer({ minimum: 0 })),
  SupportState: Type.Optional(Type.Unknown()),
  /** Not the state messages' InstallContext: 1 was seen on a system app (ime.md §2.2 [?]). */
  InstallContext: Type.Optional(Type.Integer()),
  /** WinGet/Store apps carry e.g. PackageIdentifier here. */
  InstallerData: Type.Optional(Type.Unknown()),
  AvailableAppRequestType: Type.Optional(Type.Integer()),
  ContentMode: Type.Optional(Type.Integer()),
  Scripts: Type.Optional(nullable(Type.String())),
});
export type ImePolicy = Static<typeof ImePolicySchema>;

/** The "Get policies" array. */
export const ImePoliciesSchema = Type.Array(ImePolicySchema);
