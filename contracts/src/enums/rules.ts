/** Outer `DetectionRule[].DetectionType` (ime.md §2.3). */
export const DetectionType = {
  Registry: 0,
  MsiProductCode: 1,
  FileSystem: 2,
  Script: 3,
} as const;
export type DetectionType = (typeof DetectionType)[keyof typeof DetectionType];

/** File/folder sub-type, `DetectionText.DetectionType` when the outer type is 2 (ime.md §2.3). */
export const FileDetectionSubType = {
  NotConfigured: 0,
  Exists: 1,
  DateModified: 2,
  DateCreated: 3,
  Version: 4,
  SizeInMB: 5,
  DoesNotExist: 6,
} as const;
export type FileDetectionSubType = (typeof FileDetectionSubType)[keyof typeof FileDetectionSubType];

/** Registry sub-type, `DetectionText.DetectionType` when the outer type is 0 (ime.md §2.3). */
export const RegistryDetectionSubType = {
  NotConfigured: 0,
  Exists: 1,
  DoesNotExist: 2,
  StringComparison: 3,
  IntegerComparison: 4,
  VersionComparison: 5,
} as const;
export type RegistryDetectionSubType =
  (typeof RegistryDetectionSubType)[keyof typeof RegistryDetectionSubType];

/** Comparison operator of every rule kind (ime.md §2.3); bit flags EQ=1, NE=2, GT=4, LT=8. */
export const Operator = {
  NotConfigured: 0,
  Equal: 1,
  NotEqual: 2,
  GreaterThan: 4,
  GreaterThanOrEqual: 5,
  LessThan: 8,
  LessThanOrEqual: 9,
} as const;
export type Operator = (typeof Operator)[keyof typeof Operator];

/** `ExtendedRequirementRules[].Type` (ime.md §2.5). 1 (MSI) is not offered as a requirement. */
export const ExtendedRequirementType = {
  Registry: 0,
  FileSystem: 2,
  Script: 3,
} as const;
export type ExtendedRequirementType = (typeof ExtendedRequirementType)[keyof typeof ExtendedRequirementType];

/** Output data type of a script requirement (ime.md §2.5; same order as Graph's operation type). */
export const ScriptOutputType = {
  NotConfigured: 0,
  String: 1,
  DateTime: 2,
  Integer: 3,
  Float: 4,
  Version: 5,
  Boolean: 6,
} as const;
export type ScriptOutputType = (typeof ScriptOutputType)[keyof typeof ScriptOutputType];
