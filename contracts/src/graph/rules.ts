import { type Static, type TSchema, Type } from "typebox";
import { Compile } from "typebox/compile";
import { ImesimError } from "../errors/index.ts";
import {
  appendSegment,
  assertSchema,
  coerceLenient,
  describeType,
  matchEnumMember,
  nullable,
  type SchemaChecker,
} from "../schema/index.ts";
import {
  FILE_SYSTEM_OPERATION_TYPES,
  GraphContractErrorCode,
  ODataType,
  REGISTRY_OPERATION_TYPES,
  RULE_OPERATORS,
  RULE_TYPES,
  RUN_AS_ACCOUNTS,
  SCRIPT_OPERATION_TYPES,
} from "./graph-enums.ts";

const ruleBase = { ruleType: Type.Enum(RULE_TYPES) };

/** `win32LobAppFileSystemRule` (graph-win32.md §1.7.2). */
export const FileSystemRuleSchema = Type.Object({
  "@odata.type": Type.Literal(ODataType.FileSystemRule),
  ...ruleBase,
  path: Type.String(),
  fileOrFolderName: Type.String(),
  check32BitOn64System: Type.Optional(Type.Boolean()),
  operationType: Type.Enum(FILE_SYSTEM_OPERATION_TYPES),
  operator: Type.Enum(RULE_OPERATORS),
  comparisonValue: Type.Optional(nullable(Type.String())),
});
export type FileSystemRule = Static<typeof FileSystemRuleSchema>;

/** `win32LobAppRegistryRule`. */
export const RegistryRuleSchema = Type.Object({
  "@odata.type": Type.Literal(ODataType.RegistryRule),
  ...ruleBase,
  check32BitOn64System: Type.Optional(Type.Boolean()),
  keyPath: Type.String(),
  valueName: Type.Optional(nullable(Type.String())),
  operationType: Type.Enum(REGISTRY_OPERATION_TYPES),
  operator: Type.Enum(RULE_OPERATORS),
  comparisonValue: Type.Optional(nullable(Type.String())),
});
export type RegistryRule = Static<typeof RegistryRuleSchema>;

/** `win32LobAppProductCodeRule` (detection only). */
export const ProductCodeRuleSchema = Type.Object({
  "@odata.type": Type.Literal(ODataType.ProductCodeRule),
  ...ruleBase,
  productCode: Type.String(),
  productVersionOperator: Type.Optional(Type.Enum(RULE_OPERATORS)),
  productVersion: Type.Optional(nullable(Type.String())),
});
export type ProductCodeRule = Static<typeof ProductCodeRuleSchema>;

/** `win32LobAppPowerShellScriptRule`; `scriptContent` is base64 of the script text. */
export const PowerShellScriptRuleSchema = Type.Object({
  "@odata.type": Type.Literal(ODataType.PowerShellScriptRule),
  ...ruleBase,
  displayName: Type.Optional(nullable(Type.String())),
  enforceSignatureCheck: Type.Optional(Type.Boolean()),
  runAs32Bit: Type.Optional(Type.Boolean()),
  runAsAccount: Type.Optional(nullable(Type.Enum(RUN_AS_ACCOUNTS))),
  scriptContent: Type.String(),
  operationType: Type.Optional(Type.Enum(SCRIPT_OPERATION_TYPES)),
  operator: Type.Optional(Type.Enum(RULE_OPERATORS)),
  comparisonValue: Type.Optional(nullable(Type.String())),
});
export type PowerShellScriptRule = Static<typeof PowerShellScriptRuleSchema>;

/** One entry of the unified `rules` collection. */
export type Win32LobAppRule = FileSystemRule | RegistryRule | ProductCodeRule | PowerShellScriptRule;

const legacyFileSystem = {
  path: Type.String(),
  fileOrFolderName: Type.String(),
  check32BitOn64System: Type.Optional(Type.Boolean()),
  detectionType: Type.Enum(FILE_SYSTEM_OPERATION_TYPES),
  operator: Type.Enum(RULE_OPERATORS),
  detectionValue: Type.Optional(nullable(Type.String())),
};
const legacyRegistry = {
  check32BitOn64System: Type.Optional(Type.Boolean()),
  keyPath: Type.String(),
  valueName: Type.Optional(nullable(Type.String())),
  detectionType: Type.Enum(REGISTRY_OPERATION_TYPES),
  operator: Type.Enum(RULE_OPERATORS),
  detectionValue: Type.Optional(nullable(Type.String())),
};

/** Legacy `detectionRules` entries (beta, graph-win32.md §1.7.1). */
export const FileSystemDetectionSchema = Type.Object({
  "@odata.type": Type.Literal(ODataType.FileSystemDetection),
  ...legacyFileSystem,
});
export const RegistryDetectionSchema = Type.Object({
  "@odata.type": Type.Literal(ODataType.RegistryDetection),
  ...legacyRegistry,
});
export const ProductCodeDetectionSchema = Type.Object({
  "@odata.type": Type.Literal(ODataType.ProductCodeDetection),
  productCode: Type.String(),
  productVersionOperator: Type.Optional(Type.Enum(RULE_OPERATORS)),
  productVersion: Type.Optional(nullable(Type.String())),
});
export const PowerShellScriptDetectionSchema = Type.Object({
  "@odata.type": Type.Literal(ODataType.PowerShellScriptDetection),
  enforceSignatureCheck: Type.Optional(Type.Boolean()),
  runAs32Bit: Type.Optional(Type.Boolean()),
  scriptContent: Type.String(),
});
/** Legacy `requirementRules` entries. */
export const FileSystemRequirementSchema = Type.Object({
  "@odata.type": Type.Literal(ODataType.FileSystemRequirement),
  ...legacyFileSystem,
});
export const RegistryRequirementSchema = Type.Object({
  "@odata.type": Type.Literal(ODataType.RegistryRequirement),
  ...legacyRegistry,
});
export const PowerShellScriptRequirementSchema = Type.Object({
  "@odata.type": Type.Literal(ODataType.PowerShellScriptRequirement),
  operator: Type.Enum(RULE_OPERATORS),
  detectionValue: Type.Optional(nullable(Type.String())),
  displayName: Type.Optional(nullable(Type.String())),
  enforceSignatureCheck: Type.Optional(Type.Boolean()),
  runAs32Bit: Type.Optional(Type.Boolean()),
  runAsAccount: Type.Optional(nullable(Type.Enum(RUN_AS_ACCOUNTS))),
  scriptContent: Type.String(),
  detectionType: Type.Enum(SCRIPT_OPERATION_TYPES),
});

export type LegacyDetection =
  | Static<typeof FileSystemDetectionSchema>
  | Static<typeof RegistryDetectionSchema>
  | Static<typeof ProductCodeDetectionSchema>
  | Static<typeof PowerShellScriptDetectionSchema>;
export type LegacyRequirement =
  | Static<typeof FileSystemRequirementSchema>
  | Static<typeof RegistryRequirementSchema>
  | Static<typeof PowerShellScriptRequirementSchema>;

/** A polymorphic collection's members, keyed by canonical `@odata.type`. */
type Polymorphic<T> = Record<string, { schema: TSchema; check: SchemaChecker<T> }>;

function polymorphic<T>(schemas: readonly TSchema[]): Polymorphic<T> {
  const table: Polymorphic<T> = {};
  for (const schema of schemas) {
    const odataType = (schema as { properties: { "@odata.type": { const: string } } }).properties[
      "@odata.type"
    ].const;
    // Each table lists the schemas of exactly the members of T, so the compiled checker guards a T.
    table[odataType] = { schema, check: Compile(schema) as SchemaChecker<T> };
  }
  return table;
}

const RULES = polymorphic<Win32LobAppRule>([
  FileSystemRuleSchema,
  RegistryRuleSchema,
  ProductCodeRuleSchema,
  PowerShellScriptRuleSchema,
]);
const LEGACY_DETECTIONS = polymorphic<LegacyDetection>([
  FileSystemDetectionSchema,
  RegistryDetectionSchema,
  ProductCodeDetectionSchema,
  PowerShellScriptDetectionSchema,
]);
const LEGACY_REQUIREMENTS = polymorphic<LegacyRequirement>([
  FileSystemRequirementSchema,
  RegistryRequirementSchema,
  PowerShellScriptRequirementSchema,
]);

/** Parses the unified `rules` collection leniently (graph-win32.md §1.10), strict on values. */
export function parseRules(value: unknown, path = "rules"): Win32LobAppRule[] {
  return parseCollection<Win32LobAppRule>(value, RULES, path, "rule");
}

/** Parses a legacy `detectionRules` collection. */
export function parseLegacyDetections(value: unknown, path = "detectionRules"): LegacyDetection[] {
  return parseCollection<LegacyDetection>(value, LEGACY_DETECTIONS, path, "detection rule");
}

/** Parses a legacy `requirementRules` collection. */
export function parseLegacyRequirements(value: unknown, path = "requirementRules"): LegacyRequirement[] {
  return parseCollection<LegacyRequirement>(value, LEGACY_REQUIREMENTS, path, "requirement rule");
}

function parseCollection<T>(value: unknown, table: Polymorphic<T>, path: string, what: string): T[] {
  if (!Array.isArray(value)) {
    throw new ImesimError(
      GraphContractErrorCode.Invalid,
      `Invalid ${path}: expected an array, got ${describeType(value)}`,
      {
        path,
      },
    );
  }
  return value.map((item, index) => parseMember(item, table, appendSegment(path, index), what));
}

function parseMember<T>(item: unknown, table: Polymorphic<T>, path: string, what: string): T {
  const typePath = appendSegment(path, "@odata.type");
  const rawType =
    typeof item === "object" && item !== null ? (item as Record<string, unknown>)["@odata.type"] : undefined;
  if (typeof rawType !== "string") {
    throw new ImesimError(
      GraphContractErrorCode.Invalid,
      `Invalid ${what} at ${path}: "@odata.type" is missing`,
      {
        path: typePath,
      },
    );
  }
  const odataType = matchEnumMember(Object.keys(table), rawType);
  const entry = typeof odataType === "string" ? table[odataType] : undefined;
  if (entry === undefined) {
    throw new ImesimError(
      GraphContractErrorCode.Invalid,
      `Invalid ${what} at ${path}: type "${rawType}" is incompatible with this collection (expected one of ${Object.keys(table).join(", ")})`,
      { path: typePath },
    );
  }
  const coerced = coerceLenient(entry.schema, item);
  assertSchema(entry.check, coerced, { code: GraphContractErrorCode.Invalid, what, path });
  return coerced;
}

/** The unified-rule equivalent of a legacy detection (graph-win32.md §1.7.3). */
export function ruleFromLegacyDetection(rule: LegacyDetection): Win32LobAppRule {
  switch (rule["@odata.type"]) {
    case ODataType.FileSystemDetection:
      return fileSystemRule("detection", rule);
    case ODataType.RegistryDetection:
      return registryRule("detection", rule);
    case ODataType.ProductCodeDetection:
      return {
        "@odata.type": ODataType.ProductCodeRule,
        ruleType: "detection",
        productCode: rule.productCode,
        productVersionOperator: rule.productVersionOperator ?? "notConfigured",
        productVersion: rule.productVersion ?? null,
      };
    case ODataType.PowerShellScriptDetection:
      return {
        "@odata.type": ODataType.PowerShellScriptRule,
        ruleType: "detection",
        enforceSignatureCheck: rule.enforceSignatureCheck ?? false,
        runAs32Bit: rule.runAs32Bit ?? false,
        scriptContent: rule.scriptContent,
        operationType: "notConfigured",
        operator: "notConfigured",
      };
  }
}

/** The unified-rule equivalent of a legacy requirement (graph-win32.md §1.7.3). */
export function ruleFromLegacyRequirement(rule: LegacyRequirement): Win32LobAppRule {
  switch (rule["@odata.type"]) {
    case ODataType.FileSystemRequirement:
      return fileSystemRule("requirement", rule);
    case ODataType.RegistryRequirement:
      return registryRule("requirement", rule);
    case ODataType.PowerShellScriptRequirement:
      return {
        "@odata.type": ODataType.PowerShellScriptRule,
        ruleType: "requirement",
        displayName: rule.displayName ?? null,
        enforceSignatureCheck: rule.enforceSignatureCheck ?? false,
        runAs32Bit: rule.runAs32Bit ?? false,
        runAsAccount: rule.runAsAccount ?? null,
        scriptContent: rule.scriptContent,
        operationType: rule.detectionType,
        operator: rule.operator,
        comparisonValue: rule.detectionValue ?? null,
      };
  }
}

function fileSystemRule(
  ruleType: "detection" | "requirement",
  rule: Static<typeof FileSystemDetectionSchema> | Static<typeof FileSystemRequirementSchema>,
): FileSystemRule {
  return {
    "@odata.type": ODataType.FileSystemRule,
    ruleType,
    path: rule.path,
    fileOrFolderName: rule.fileOrFolderName,
    check32BitOn64System: rule.check32BitOn64System ?? false,
    operationType: rule.detectionType,
    operator: rule.operator,
    comparisonValue: rule.detectionValue ?? null,
  };
}

function registryRule(
  ruleType: "detection" | "requirement",
  rule: Static<typeof RegistryDetectionSchema> | Static<typeof RegistryRequirementSchema>,
): RegistryRule {
  return {
    "@odata.type": ODataType.RegistryRule,
    ruleType,
    check32BitOn64System: rule.check32BitOn64System ?? false,
    keyPath: rule.keyPath,
    valueName: rule.valueName ?? null,
    operationType: rule.detectionType,
    operator: rule.operator,
    comparisonValue: rule.detectionValue ?? null,
  };
}
