import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { ImesimError } from "../errors/index.ts";
import { appendSegment, assertSchema, coerceLenient, describeType, nullable } from "../schema/index.ts";
import { normalizeArchitectureFlags } from "./architectures.ts";
import {
  GraphContractErrorCode,
  MSI_PACKAGE_TYPES,
  ODataType,
  RESTART_BEHAVIORS,
  RETURN_CODE_TYPES,
  RUN_AS_ACCOUNTS,
} from "./graph-enums.ts";
import {
  type LegacyDetection,
  type LegacyRequirement,
  parseLegacyDetections,
  parseLegacyRequirements,
  parseRules,
  ruleFromLegacyDetection,
  ruleFromLegacyRequirement,
  type Win32LobAppRule,
} from "./rules.ts";
import { canonicalWindowsRelease } from "./windows-release.ts";

/** `win32LobAppInstallExperience` (graph-win32.md §1.3); `maxRunTimeInMinutes` is beta-only, 1–1440, default 60. */
export const InstallExperienceSchema = Type.Object({
  runAsAccount: Type.Enum(RUN_AS_ACCOUNTS),
  deviceRestartBehavior: Type.Optional(Type.Enum(RESTART_BEHAVIORS)),
  maxRunTimeInMinutes: Type.Optional(nullable(Type.Integer({ minimum: 1, maximum: 1440 }))),
});
export type InstallExperience = Static<typeof InstallExperienceSchema>;

/** `win32LobAppReturnCode` (graph-win32.md §1.4). */
export const GraphReturnCodeSchema = Type.Object({
  returnCode: Type.Integer({ minimum: -2147483648, maximum: 4294967295 }),
  type: Type.Enum(RETURN_CODE_TYPES),
});
export type GraphReturnCode = Static<typeof GraphReturnCodeSchema>;

/** `win32LobAppMsiInformation` (graph-win32.md §1.5); clients send `PerMachine` and `"False"`, coerced. */
export const MsiInformationSchema = Type.Object({
  productCode: Type.Optional(nullable(Type.String())),
  productVersion: Type.Optional(nullable(Type.String())),
  upgradeCode: Type.Optional(nullable(Type.String())),
  requiresReboot: Type.Optional(Type.Boolean()),
  packageType: Type.Optional(nullable(Type.Enum(MSI_PACKAGE_TYPES))),
  productName: Type.Optional(nullable(Type.String())),
  publisher: Type.Optional(nullable(Type.String())),
});
export type MsiInformation = Static<typeof MsiInformationSchema>;

const optionalText = Type.Optional(nullable(Type.String()));
const optionalCount = Type.Optional(nullable(Type.Integer({ minimum: 0 })));

/**
 * The `win32LobApp` members we read (graph-win32.md §1.1–1.2). Unknown members are accepted and kept
 * (§1.10); the rule collections are checked per entry by `parseWin32LobApp`.
 */
export const Win32LobAppSchema = Type.Object({
  "@odata.type": Type.Union([Type.Literal(ODataType.Win32LobApp), Type.Literal(ODataType.Win32CatalogApp)]),
  id: Type.Optional(Type.String()),
  displayName: Type.String({ minLength: 1 }),
  description: optionalText,
  publisher: optionalText,
  displayVersion: optionalText,
  fileName: optionalText,
  setupFilePath: optionalText,
  installCommandLine: Type.String(),
  uninstallCommandLine: Type.String(),
  installExperience: Type.Optional(nullable(InstallExperienceSchema)),
  returnCodes: Type.Optional(nullable(Type.Array(GraphReturnCodeSchema))),
  msiInformation: Type.Optional(nullable(MsiInformationSchema)),
  applicableArchitectures: optionalText,
  allowedArchitectures: optionalText,
  minimumSupportedWindowsRelease: optionalText,
  minimumSupportedOperatingSystem: Type.Optional(nullable(Type.Record(Type.String(), Type.Unknown()))),
  minimumFreeDiskSpaceInMB: optionalCount,
  minimumMemoryInMB: optionalCount,
  minimumNumberOfProcessors: optionalCount,
  minimumCpuSpeedInMHz: optionalCount,
  /** Not in the published schema, but every common client sends it and the service accepts it (§1.10). */
  runAs32bit: Type.Optional(Type.Boolean()),
  allowAvailableUninstall: Type.Optional(Type.Boolean()),
  committedContentVersion: optionalText,
  activeInstallScript: Type.Optional(nullable(Type.Object({ targetId: Type.String() }))),
  activeUninstallScript: Type.Optional(nullable(Type.Object({ targetId: Type.String() }))),
  rules: Type.Optional(nullable(Type.Array(Type.Unknown()))),
  detectionRules: Type.Optional(nullable(Type.Array(Type.Unknown()))),
  requirementRules: Type.Optional(nullable(Type.Array(Type.Unknown()))),
});
type Win32LobAppMembers = Static<typeof Win32LobAppSchema>;

/** A checked, normalized win32LobApp: `rules` always holds the unified rules; legacy collections are kept as sent. */
export interface Win32LobApp
  extends Omit<Win32LobAppMembers, "rules" | "detectionRules" | "requirementRules"> {
  rules: Win32LobAppRule[];
  detectionRules?: LegacyDetection[] | null;
  requirementRules?: LegacyRequirement[] | null;
}

const appChecker = Compile(Win32LobAppSchema);

/**
 * Checks a win32LobApp body as the service does: lenient on casing, `#`, string booleans and unknown
 * members; strict on values; `rules` xor the legacy collections; at least one detection rule (§1.7.3).
 */
export function parseWin32LobApp(body: unknown, path = ""): Win32LobApp {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ImesimError(
      GraphContractErrorCode.Invalid,
      `Invalid win32LobApp: expected an object, got ${describeType(body)}`,
      {
        path,
      },
    );
  }
  const coerced = coerceLenient(Win32LobAppSchema, body);
  assertSchema(appChecker, coerced, { code: GraphContractErrorCode.Invalid, what: "win32LobApp", path });
  const at = (member: string) => appendSegment(path, member);
  const {
    rules: rawRules,
    detectionRules: rawDetections,
    requirementRules: rawRequirements,
    ...members
  } = coerced;

  const hasLegacy = isPresent(rawDetections) || isPresent(rawRequirements);
  if (isPresent(rawRules) && hasLegacy) {
    throw new ImesimError(
      GraphContractErrorCode.ConflictingRules,
      "Invalid win32LobApp: `rules` cannot be sent together with `detectionRules`/`requirementRules`",
      { path: at("rules") },
    );
  }
  const detectionRules = isPresent(rawDetections)
    ? parseLegacyDetections(rawDetections, at("detectionRules"))
    : undefined;
  const requirementRules = isPresent(rawRequirements)
    ? parseLegacyRequirements(rawRequirements, at("requirementRules"))
    : undefined;
  const rules = isPresent(rawRules)
    ? parseRules(rawRules, at("rules"))
    : [
        ...(detectionRules ?? []).map(ruleFromLegacyDetection),
        ...(requirementRules ?? []).map(ruleFromLegacyRequirement),
      ];
  if (!rules.some((rule) => rule.ruleType === "detection")) {
    throw new ImesimError(
      GraphContractErrorCode.NoDetectionRule,
      "The Win32LobApp must have at least one detection rule specified.",
      { path: at(isPresent(rawRules) ? "rules" : "detectionRules") },
    );
  }
  for (const [index, rule] of rules.entries()) {
    if (rule.ruleType === "requirement" && rule["@odata.type"] === ODataType.ProductCodeRule) {
      throw new ImesimError(
        GraphContractErrorCode.Invalid,
        "Invalid rule: a product-code rule cannot be a requirement",
        { path: appendSegment(at("rules"), index) },
      );
    }
  }

  const app: Win32LobApp = { ...members, rules };
  if (detectionRules !== undefined) app.detectionRules = detectionRules;
  if (requirementRules !== undefined) app.requirementRules = requirementRules;
  for (const member of ["applicableArchitectures", "allowedArchitectures"] as const) {
    const flags = app[member];
    if (typeof flags === "string") app[member] = normalizeArchitectureFlags(flags, at(member));
  }
  if (typeof app.minimumSupportedWindowsRelease === "string") {
    const release = canonicalWindowsRelease(app.minimumSupportedWindowsRelease);
    if (release === undefined) {
      throw new ImesimError(
        GraphContractErrorCode.Invalid,
        `Invalid minimumSupportedWindowsRelease: requested value '${app.minimumSupportedWindowsRelease}' was not found`,
        { path: at("minimumSupportedWindowsRelease") },
      );
    }
    app.minimumSupportedWindowsRelease = release;
  }
  return app;
}

function isPresent<T>(collection: T[] | null | undefined): collection is T[] {
  return collection !== null && collection !== undefined;
}
