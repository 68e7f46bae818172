// The scenario file format (YAML), as a TypeBox schema: the loader validates with it, the JSON Schema
// in e2e/schema/scenario.schema.json is emitted from it (editor completion), and its static types are
// what the runner reads. Every object is closed (`additionalProperties: false`) so a typo is an error
// with a line number rather than a silently ignored setting — except the pasted Graph / IME JSON,
// which keeps whatever members the service or a real log had.
import { GRAPH_INSTALL_STATES, type GraphInstallState } from "@imesim/contracts/enums";
import { type Static, type TSchema, Type } from "typebox";
import { DURATION_PATTERN } from "./duration.ts";

const closed = { additionalProperties: false } as const;

function described<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}

const DURATION_DESCRIPTION = "a duration (30s, 5m, 1h30m, 2d)";

/** A duration such as `30s`, `5m`, `1h30m`, `2d`. */
export const DurationSchema = Type.String({ pattern: DURATION_PATTERN, description: DURATION_DESCRIPTION });

/** A duration member with its meaning, e.g. "a duration (30s, 5m, 1h30m, 2d): time since the scenario started". */
function durationOf(meaning: string) {
  return described(DurationSchema, `${DURATION_DESCRIPTION}: ${meaning}`);
}

/** An app GUID. */
const GuidSchema = Type.String({
  pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
});

/** A product code `{GUID}` as Windows Installer writes it. */
const ProductCodeSchema = Type.String({
  pattern: "^\\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\}$",
  description: "an MSI ProductCode, {GUID}",
});

/** `<operator> <value>` as used by short-form rules: `>= 1.2.3`, `== x`, `< 10`. */
export const COMPARISON_PATTERN = "^(==|=|!=|>=|<=|>|<)\\s*\\S.*$";
const ComparisonSchema = Type.String({
  pattern: COMPARISON_PATTERN,
  description: "an operator and a value: '>= 1.2.0', '== Contoso', '!= 0'",
});

const NameSchema = Type.String({
  minLength: 1,
  pattern: "^\\S(.*\\S)?$",
  description: "a name without leading or trailing spaces",
});

// ---------------------------------------------------------------------------------------------------
// Device

export const RegistryViewSchema = Type.Union([Type.Literal(64), Type.Literal(32)], {
  description: "registry view: 64 (native) or 32 (WOW6432Node)",
});

/** A registry value to create, or (with no `name`) a key. */
export const RegistryEntrySchema = Type.Object(
  {
    key: described(Type.String({ minLength: 1 }), "full key path with hive, e.g. HKLM\\SOFTWARE\\Contoso"),
    name: Type.Optional(
      described(Type.String(), "value name; empty string = (default); omit to create only the key"),
    ),
    type: Type.Optional(
      Type.Union([
        Type.Literal("REG_SZ"),
        Type.Literal("REG_EXPAND_SZ"),
        Type.Literal("REG_DWORD"),
        Type.Literal("REG_QWORD"),
        Type.Literal("REG_MULTI_SZ"),
        Type.Literal("REG_BINARY"),
      ]),
    ),
    data: Type.Optional(
      Type.Union([Type.String(), Type.Integer(), Type.Array(Type.String())], {
        description:
          "string for REG_SZ/REG_EXPAND_SZ/REG_QWORD/REG_BINARY (hex), integer for REG_DWORD, list for REG_MULTI_SZ",
      }),
    ),
    view: Type.Optional(RegistryViewSchema),
  },
  closed,
);

/** A file to create on the device (content inline, or only a size and a version). */
export const FileEntrySchema = Type.Object(
  {
    path: described(Type.String({ minLength: 1 }), "absolute Windows path, environment variables allowed"),
    content: Type.Optional(Type.String()),
    sizeBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    version: Type.Optional(described(Type.String(), "file version resource, e.g. 1.2.3.4")),
  },
  closed,
);

/** An MSI already installed on the device, registered as Windows Installer would. */
export const InstalledMsiSchema = Type.Object(
  {
    productCode: ProductCodeSchema,
    version: Type.String({ minLength: 1 }),
    name: Type.Optional(Type.String()),
    publisher: Type.Optional(Type.String()),
    perUser: Type.Optional(Type.Boolean()),
    view: Type.Optional(RegistryViewSchema),
  },
  closed,
);

export const UserSchema = Type.Object(
  {
    name: NameSchema,
    objectId: Type.Optional(
      described(GuidSchema, "Entra object id (the Win32Apps registry key); generated when omitted"),
    ),
    sid: Type.Optional(Type.String({ pattern: "^S-1-" })),
    loggedOn: Type.Optional(described(Type.Boolean(), "logged on when the scenario starts (default false)")),
  },
  closed,
);

export const DeviceProfileSchema = Type.Object(
  {
    osBuild: Type.Optional(
      described(Type.String({ pattern: "^10\\.0\\.\\d+(\\.\\d+)?$" }), "e.g. 10.0.26100"),
    ),
    architecture: Type.Optional(
      Type.Union([Type.Literal("x64"), Type.Literal("x86"), Type.Literal("arm64")]),
    ),
    freeDiskMB: Type.Optional(Type.Integer({ minimum: 0 })),
    memoryMB: Type.Optional(Type.Integer({ minimum: 0 })),
    processors: Type.Optional(Type.Integer({ minimum: 1 })),
    cpuSpeedMHz: Type.Optional(Type.Integer({ minimum: 1 })),
    downloadMbps: Type.Optional(
      described(
        Type.Number({ exclusiveMinimum: 0 }),
        "the device's download link in Mbit/s, which paces content downloads (default 100; Delivery Optimization peers are faster)",
      ),
    ),
    joinType: Type.Optional(
      described(
        Type.Union([
          Type.Literal("entraJoined"),
          Type.Literal("hybridJoined"),
          Type.Literal("entraRegistered"),
        ]),
        "how the device is joined (default entraJoined); an Entra-registered device skips user-context scripts",
      ),
    ),
  },
  closed,
);

export const DeviceSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 15 })),
    profile: Type.Optional(DeviceProfileSchema),
    users: Type.Optional(Type.Array(UserSchema)),
    files: Type.Optional(Type.Array(FileEntrySchema)),
    registry: Type.Optional(Type.Array(RegistryEntrySchema)),
    msis: Type.Optional(Type.Array(InstalledMsiSchema)),
  },
  closed,
);

// ---------------------------------------------------------------------------------------------------
// Apps

/** Short-form detection/requirement rules; each kind is keyed by what it checks. */
export const ShortFileRuleSchema = Type.Object(
  {
    file: described(Type.String({ minLength: 1 }), "full path of the file or folder"),
    exists: Type.Optional(described(Type.Boolean(), "false = 'does not exist'")),
    version: Type.Optional(ComparisonSchema),
    sizeMB: Type.Optional(ComparisonSchema),
    modified: Type.Optional(ComparisonSchema),
    created: Type.Optional(ComparisonSchema),
    check32BitOn64System: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const ShortRegistryRuleSchema = Type.Object(
  {
    registry: described(Type.String({ minLength: 1 }), "full key path, e.g. HKLM\\SOFTWARE\\Contoso"),
    value: Type.Optional(described(Type.String(), "value name; omit for a key check")),
    exists: Type.Optional(Type.Boolean()),
    string: Type.Optional(ComparisonSchema),
    integer: Type.Optional(ComparisonSchema),
    version: Type.Optional(ComparisonSchema),
    check32BitOn64System: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const ShortMsiRuleSchema = Type.Object(
  { msi: ProductCodeSchema, version: Type.Optional(ComparisonSchema) },
  closed,
);

export const ShortScriptRuleSchema = Type.Object(
  {
    script: described(Type.String(), "PowerShell script text"),
    runAs32Bit: Type.Optional(Type.Boolean()),
    enforceSignatureCheck: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const ShortScriptRequirementSchema = Type.Object(
  {
    script: described(Type.String(), "PowerShell script text"),
    output: Type.Union([
      Type.Literal("string"),
      Type.Literal("dateTime"),
      Type.Literal("integer"),
      Type.Literal("float"),
      Type.Literal("version"),
      Type.Literal("boolean"),
    ]),
    compare: ComparisonSchema,
    runAsUser: Type.Optional(Type.Boolean()),
    runAs32Bit: Type.Optional(Type.Boolean()),
    enforceSignatureCheck: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const ShortDetectionRuleSchema = Type.Union([
  ShortFileRuleSchema,
  ShortRegistryRuleSchema,
  ShortMsiRuleSchema,
  ShortScriptRuleSchema,
]);

export const ShortRequirementRuleSchema = Type.Union([
  ShortFileRuleSchema,
  ShortRegistryRuleSchema,
  ShortScriptRequirementSchema,
]);

export const ReturnCodeTypeNameSchema = Type.Union([
  Type.Literal("success"),
  Type.Literal("softReboot"),
  Type.Literal("hardReboot"),
  Type.Literal("retry"),
  Type.Literal("failed"),
]);

/** The short app form: just what a packager types, turned into a Graph win32LobApp by the loader. */
export const ShortAppSchema = Type.Object(
  {
    install: described(Type.String({ minLength: 1 }), "install command line"),
    uninstall: Type.Optional(Type.String({ minLength: 1 })),
    setupFile: Type.Optional(Type.String()),
    runAs: Type.Optional(Type.Union([Type.Literal("system"), Type.Literal("user")])),
    detection: Type.Array(ShortDetectionRuleSchema, { minItems: 1 }),
    requirements: Type.Optional(
      Type.Object(
        {
          architectures: Type.Optional(
            Type.Array(Type.Union([Type.Literal("x64"), Type.Literal("x86"), Type.Literal("arm64")]), {
              minItems: 1,
            }),
          ),
          minimumWindowsRelease: Type.Optional(Type.String()),
          minimumFreeDiskSpaceMB: Type.Optional(Type.Integer({ minimum: 0 })),
          minimumMemoryMB: Type.Optional(Type.Integer({ minimum: 0 })),
          minimumProcessors: Type.Optional(Type.Integer({ minimum: 1 })),
          minimumCpuSpeedMHz: Type.Optional(Type.Integer({ minimum: 1 })),
          rules: Type.Optional(Type.Array(ShortRequirementRuleSchema)),
        },
        closed,
      ),
    ),
    returnCodes: Type.Optional(
      described(
        Type.Record(Type.String({ pattern: "^-?\\d+$" }), ReturnCodeTypeNameSchema),
        "exit code → type; replaces the default list (0, 1707 success; 3010 softReboot; 1641 hardReboot; 1618 retry)",
      ),
    ),
    maxRunTime: Type.Optional(DurationSchema),
    restart: Type.Optional(
      Type.Union([
        Type.Literal("basedOnReturnCode"),
        Type.Literal("allow"),
        Type.Literal("suppress"),
        Type.Literal("force"),
      ]),
    ),
    version: Type.Optional(Type.String()),
    publisher: Type.Optional(Type.String()),
  },
  closed,
);

/** Where an app's content comes from: a folder packed on the fly, a .intunewin, or inline files. */
export const PackageSchema = Type.Union([
  Type.Object(
    {
      folder: described(
        Type.String({ minLength: 1 }),
        "folder packed with the codec; relative to the scenario file",
      ),
    },
    closed,
  ),
  Type.Object(
    {
      intunewin: described(
        Type.String({ minLength: 1 }),
        "path of a .intunewin; relative to the scenario file",
      ),
    },
    closed,
  ),
  Type.Object(
    {
      files: described(
        Type.Record(Type.String({ minLength: 1 }), Type.String()),
        "inline package files: relative path → text content; packed on the fly",
      ),
      setupFile: Type.Optional(Type.String()),
    },
    closed,
  ),
]);

export const AssignmentSchema = Type.Object(
  {
    intent: Type.Union([Type.Literal("required"), Type.Literal("available"), Type.Literal("uninstall")]),
    target: Type.Optional(
      described(
        Type.String({ pattern: "^(allDevices|allUsers|user:.+)$" }),
        "allDevices (default), allUsers, or user:<name>",
      ),
    ),
    notifications: Type.Optional(
      Type.Union([Type.Literal("showAll"), Type.Literal("showReboot"), Type.Literal("hideAll")]),
    ),
    deliveryOptimizationPriority: Type.Optional(
      Type.Union([Type.Literal("notConfigured"), Type.Literal("foreground")]),
    ),
    filteredOut: Type.Optional(
      described(Type.Boolean(), "an assignment filter excludes the device: the app is not applicable (1010)"),
    ),
    restartSettings: Type.Optional(
      Type.Object(
        {
          gracePeriod: DurationSchema,
          countdown: Type.Optional(DurationSchema),
          snooze: Type.Optional(DurationSchema),
        },
        closed,
      ),
    ),
  },
  closed,
);

export const AppSchema = Type.Object(
  {
    name: described(NameSchema, "the app's name in this scenario; actions and expectations refer to it"),
    id: Type.Optional(described(GuidSchema, "app id; a stable id is derived from the name when omitted")),
    graph: Type.Optional(
      described(
        Type.Object({}, { additionalProperties: true }),
        "a Graph win32LobApp body, as admins send it",
      ),
    ),
    policy: Type.Optional(
      described(
        Type.Union([Type.String(), Type.Object({}, { additionalProperties: true })]),
        "an IME policy pasted from a real log (one object, a one-element array, or a 'Get policies = [...]' line)",
      ),
    ),
    short: Type.Optional(ShortAppSchema),
    package: Type.Optional(PackageSchema),
    assignments: Type.Optional(Type.Array(AssignmentSchema)),
    dependencies: Type.Optional(
      Type.Array(Type.Object({ app: NameSchema, autoInstall: Type.Optional(Type.Boolean()) }, closed)),
    ),
    supersedes: Type.Optional(
      Type.Array(
        Type.Object(
          { app: NameSchema, type: Type.Union([Type.Literal("update"), Type.Literal("replace")]) },
          closed,
        ),
      ),
    ),
  },
  closed,
);

// ---------------------------------------------------------------------------------------------------
// Behaviour of installers and scripts

/**
 * A registry value an install process writes. It is written as the IME's 32-bit install process writes
 * (ime.md §1.5): HKLM\SOFTWARE lands in WOW6432Node on 64-bit Windows.
 */
export const RegistryEffectSchema = Type.Object(
  {
    key: Type.String({ minLength: 1 }),
    name: described(Type.String(), "value name; empty string = (default)"),
    type: Type.Optional(
      Type.Union([
        Type.Literal("REG_SZ"),
        Type.Literal("REG_EXPAND_SZ"),
        Type.Literal("REG_DWORD"),
        Type.Literal("REG_QWORD"),
        Type.Literal("REG_MULTI_SZ"),
        Type.Literal("REG_BINARY"),
      ]),
    ),
    data: Type.Union([Type.String(), Type.Integer(), Type.Array(Type.String())]),
  },
  closed,
);

export const InstallerAttemptSchema = Type.Object(
  {
    exitCode: Type.Optional(described(Type.Integer(), "process exit code (default 0)")),
    duration: Type.Optional(DurationSchema),
    hang: Type.Optional(
      described(Type.Boolean(), "the process never ends: the IME's MaxRunTimeInMinutes timeout fires"),
    ),
    files: Type.Optional(Type.Array(FileEntrySchema)),
    registry: Type.Optional(Type.Array(RegistryEffectSchema)),
    msis: Type.Optional(Type.Array(InstalledMsiSchema)),
    removeFiles: Type.Optional(Type.Array(Type.String())),
    removeRegistryKeys: Type.Optional(Type.Array(Type.String())),
    removeMsis: Type.Optional(Type.Array(ProductCodeSchema)),
    stdout: Type.Optional(Type.String()),
  },
  closed,
);

export const InstallerBehaviourSchema = Type.Object(
  {
    match: described(
      Type.String({ minLength: 1 }),
      "case-insensitive substring of the command line, or /regex/",
    ),
    app: Type.Optional(NameSchema),
    intent: Type.Optional(Type.Union([Type.Literal("install"), Type.Literal("uninstall")])),
    attempts: described(
      Type.Array(InstallerAttemptSchema, { minItems: 1 }),
      "one entry per attempt; the last one repeats",
    ),
  },
  closed,
);

/**
 * What a program started from inside a package script does (a vendor setup.exe, powershell.exe, schtasks):
 * programs imesim does not model fall back to these, or fail as cmd would ("is not recognized", 9009).
 */
export const ProgramBehaviourSchema = Type.Object(
  {
    program: described(
      Type.String({ minLength: 1 }),
      "file name as started, e.g. powershell.exe (case-insensitive, .exe optional)",
    ),
    args: Type.Optional(described(Type.String(), "case-insensitive substring of the arguments")),
    exitCode: Type.Optional(Type.Integer()),
    duration: Type.Optional(DurationSchema),
    files: Type.Optional(Type.Array(FileEntrySchema)),
    registry: Type.Optional(Type.Array(RegistryEffectSchema)),
    stdout: Type.Optional(Type.String()),
  },
  closed,
);

/**
 * The device's modelled internet (agent process/outside-world.ts): what a download from a package script
 * gets. Nothing touches the real network; a URL not listed stops the install as not modelled (INCONCLUSIVE).
 */
export const WebSchema = Type.Object(
  {
    offline: Type.Optional(
      described(
        Type.Boolean(),
        "every download fails as on an offline device (the remote name could not be resolved)",
      ),
    ),
    urls: Type.Optional(
      Type.Array(
        Type.Object(
          {
            url: Type.String({ minLength: 1 }),
            file: Type.Optional(
              described(
                Type.String({ minLength: 1 }),
                "local file served as the body (relative: to the scenario)",
              ),
            ),
            content: Type.Optional(described(Type.String(), "inline body text")),
            status: Type.Optional(
              described(
                Type.Integer({ minimum: 400, maximum: 599 }),
                "an HTTP error status instead of a body",
              ),
            ),
          },
          closed,
        ),
      ),
    ),
  },
  closed,
);

/**
 * A package of the package managers' modelled catalogue (choco, winget): what installing it leaves. An id
 * not listed behaves as the real CLI does for an unknown id (no package found).
 */
export const CataloguePackageSchema = Type.Object(
  {
    manager: Type.Union([Type.Literal("choco"), Type.Literal("winget")]),
    id: Type.String({ minLength: 1 }),
    version: Type.String({ minLength: 1 }),
    name: Type.Optional(described(Type.String(), "display name in Add/Remove Programs")),
    exitCode: Type.Optional(described(Type.Integer(), "the package installer's exit code (default 0)")),
    files: Type.Optional(Type.Array(FileEntrySchema)),
    registry: Type.Optional(Type.Array(RegistryEffectSchema)),
  },
  closed,
);

export const ScriptConditionSchema = Type.Object(
  {
    fileExists: Type.Optional(Type.String()),
    registryKeyExists: Type.Optional(Type.String()),
    msiInstalled: Type.Optional(ProductCodeSchema),
  },
  closed,
);

export const ScriptResultSchema = Type.Object(
  {
    when: Type.Optional(
      described(ScriptConditionSchema, "this result applies only while the device matches"),
    ),
    exitCode: Type.Optional(Type.Integer()),
    stdout: Type.Optional(Type.String()),
    stderr: Type.Optional(Type.String()),
    duration: Type.Optional(
      durationOf(
        "platform scripts, remediations: how long the script runs; past AgentExecutor's timeout (1800 s, 3600 s) it is killed",
      ),
    ),
  },
  closed,
);

export const ScriptBehaviourSchema = Type.Object(
  {
    app: NameSchema,
    rule: Type.Union([Type.Literal("detection"), Type.Literal("requirement")]),
    results: described(
      Type.Array(ScriptResultSchema, { minItems: 1 }),
      "the first result whose `when` holds is used",
    ),
  },
  closed,
);

// ---------------------------------------------------------------------------------------------------
// Platform scripts and remediations (issue 16): published through Graph as deviceManagementScripts and
// deviceHealthScripts. A script body runs on imesim's PowerShell; `results` answers it instead (the
// "scripted result" way), the first whose `when` holds.

const ScriptTargetSchema = described(
  Type.String({ pattern: "^(allDevices|allUsers|user:.+)$" }),
  "allDevices (default), allUsers, or user:<name>",
);

const ScriptRunAsSchema = Type.Union([Type.Literal("system"), Type.Literal("user")]);

export const PlatformScriptSchema = Type.Object(
  {
    name: NameSchema,
    script: Type.Optional(described(Type.String(), "the PowerShell text (run on imesim's PowerShell)")),
    results: Type.Optional(
      described(
        Type.Array(ScriptResultSchema, { minItems: 1 }),
        "scripted results instead of running the text",
      ),
    ),
    runAs: Type.Optional(described(ScriptRunAsSchema, "runAsAccount (default system, as Graph stores it)")),
    runAs32Bit: Type.Optional(Type.Boolean()),
    target: Type.Optional(ScriptTargetSchema),
  },
  closed,
);

export const RemediationScheduleSchema = Type.Union([
  Type.Object({ hourly: described(Type.Integer({ minimum: 1 }), "every N hours") }, closed),
  Type.Object(
    {
      daily: described(Type.String({ pattern: "^\\d{2}:\\d{2}(:\\d{2})?$" }), "the time of day, HH:mm[:ss]"),
      interval: Type.Optional(described(Type.Integer({ minimum: 1 }), "every N days (default 1)")),
      utc: Type.Optional(described(Type.Boolean(), "the time is UTC, not the device's local time")),
    },
    closed,
  ),
  Type.Object(
    {
      once: described(Type.String({ format: "date-time" }), "the date and time to run at"),
      utc: Type.Optional(Type.Boolean()),
    },
    closed,
  ),
]);

export const RemediationSchema = Type.Object(
  {
    name: NameSchema,
    detection: Type.Optional(described(Type.String(), "the detection script's PowerShell text")),
    remediation: Type.Optional(described(Type.String(), "the remediation script's PowerShell text")),
    detectionResults: Type.Optional(Type.Array(ScriptResultSchema, { minItems: 1 })),
    remediationResults: Type.Optional(Type.Array(ScriptResultSchema, { minItems: 1 })),
    schedule: Type.Optional(described(RemediationScheduleSchema, "default: hourly 1")),
    runAs: Type.Optional(ScriptRunAsSchema),
    runAs32Bit: Type.Optional(Type.Boolean()),
    target: Type.Optional(ScriptTargetSchema),
  },
  closed,
);

/**
 * A custom compliance policy (issue 16): its discovery script (Graph deviceComplianceScripts) and its rules
 * file (the policy's deviceCompliancePolicyScript.rulesContent), assigned to all devices. The rules are the
 * documented file as YAML: `{ Rules: [{ SettingName, Operator, DataType, Operand, RemediationStrings }] }`.
 */
export const CompliancePolicySchema = Type.Object(
  {
    name: NameSchema,
    discovery: Type.Optional(
      described(Type.String(), "the discovery script's PowerShell text; its output is one JSON object"),
    ),
    discoveryResults: Type.Optional(
      described(
        Type.Array(ScriptResultSchema, { minItems: 1 }),
        "scripted results instead of running the text (stdout: the JSON object)",
      ),
    ),
    rules: described(
      Type.Object({ Rules: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1 }) }),
      "the rules file; the service checks it when the policy is saved",
    ),
  },
  closed,
);

// ---------------------------------------------------------------------------------------------------
// Faults (mock service)

/** One fault the mock injects: which requests it matches, and exactly one effect. */
export const FaultSchema = Type.Object(
  {
    route: Type.Union([
      Type.Literal("token"),
      Type.Literal("gateway"),
      Type.Literal("content"),
      Type.Literal("discovery"),
    ]),
    requestContentType: Type.Optional(
      described(
        Type.String(),
        "only gateway calls of this RequestContentType (RequestApplication, GetContentInfo, Win32AppResult, ...)",
      ),
    ),
    app: Type.Optional(NameSchema),
    status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
    retryAfter: Type.Optional(durationOf("with status 429, the Retry-After the service sends")),
    latency: Type.Optional(DurationSchema),
    dropAfterBytes: Type.Optional(
      described(Type.Integer({ minimum: 0 }), "content: the connection drops after this many bytes"),
    ),
    corruptByteAt: Type.Optional(
      described(Type.Integer({ minimum: 0 }), "content: the byte at this offset is flipped"),
    ),
    truncateAt: Type.Optional(
      described(Type.Integer({ minimum: 0 }), "content: the body ends after this many bytes"),
    ),
    expireToken: Type.Optional(described(Type.Boolean(), "the caller's token is treated as expired (401)")),
    times: Type.Optional(
      described(Type.Integer({ minimum: 1 }), "inject this many times, then stop (default: always)"),
    ),
  },
  closed,
);

// ---------------------------------------------------------------------------------------------------
// Health evaluation (issue 16, ime.md §8)

/** Turns on the daily health evaluation task; an `imeService` action or a `health` expectation also does. */
export const HealthSettingsSchema = Type.Object(
  {
    memoryThresholdMb: Type.Optional(
      described(
        Type.Integer({ minimum: 1 }),
        "the memory limit HealthCheck.xml sets for the IME process (500)",
      ),
    ),
    seed: Type.Optional(
      described(
        Type.String({ minLength: 1 }),
        "seeds the task's daily random delay (default: the device id)",
      ),
    ),
  },
  closed,
);

// ---------------------------------------------------------------------------------------------------
// Timed actions

const at = durationOf("time since the scenario started");

export const ActionSchema = Type.Union([
  Type.Object({ at, do: Type.Literal("logon"), user: NameSchema }, closed),
  Type.Object({ at, do: Type.Literal("logoff"), user: NameSchema }, closed),
  Type.Object({ at, do: Type.Literal("syncapp") }, closed),
  Type.Object({ at, do: Type.Literal("restartService") }, closed),
  Type.Object({ at, do: Type.Literal("reboot") }, closed),
  Type.Object(
    {
      at,
      do: Type.Literal("resetApp"),
      app: NameSchema,
      user: Type.Optional(NameSchema),
      restartService: Type.Optional(
        described(Type.Boolean(), "restart the IME afterwards (default true), as the admin recipe says"),
      ),
    },
    closed,
  ),
  Type.Object(
    { at, do: Type.Literal("requestInstall"), app: NameSchema, user: Type.Optional(NameSchema) },
    closed,
  ),
  Type.Object(
    { at, do: Type.Literal("setRegistry"), entries: Type.Array(RegistryEntrySchema, { minItems: 1 }) },
    closed,
  ),
  Type.Object(
    {
      at,
      do: Type.Literal("deleteRegistryKey"),
      key: Type.String({ minLength: 1 }),
      view: Type.Optional(RegistryViewSchema),
    },
    closed,
  ),
  Type.Object(
    { at, do: Type.Literal("writeFiles"), files: Type.Array(FileEntrySchema, { minItems: 1 }) },
    closed,
  ),
  Type.Object({ at, do: Type.Literal("deleteFile"), path: Type.String({ minLength: 1 }) }, closed),
  // The admin (or the user) opens intunemanagementextension://synccompliance on the device (ime.md §8).
  Type.Object({ at, do: Type.Literal("syncCompliance") }, closed),
  // Company Portal → Settings → Sync: an MDM check-in and an IME check-in (ime.md §6).
  Type.Object({ at, do: Type.Literal("companyPortalSync") }, closed),
  Type.Object(
    {
      at,
      do: Type.Literal("deleteRegistryValue"),
      key: Type.String({ minLength: 1 }),
      name: described(Type.String(), "value name; empty string = (default)"),
      view: Type.Optional(RegistryViewSchema),
    },
    closed,
  ),
  // switchValue in the agent's .exe.config, read when the service starts (ime.md §1.1).
  Type.Object(
    {
      at,
      do: Type.Literal("setLogLevel"),
      level: Type.Union([Type.Literal("Information"), Type.Literal("Verbose")]),
      restartService: Type.Optional(
        described(Type.Boolean(), "restart the IME afterwards (default true), as the level is read at start"),
      ),
    },
    closed,
  ),
  // The admin edits a platform script in Graph (issue 16): a new version, which each device runs once.
  Type.Object(
    {
      at,
      do: Type.Literal("editPlatformScript"),
      script: NameSchema,
      text: described(Type.String(), "the script's new PowerShell text"),
    },
    closed,
  ),
  // Someone breaks (or mends) the IME's Windows service on the device, as `Stop-Service`, `sc config start=`
  // or a leaking process would (issue 16); the health evaluation task repairs it (ime.md §8).
  Type.Object(
    {
      at,
      do: Type.Literal("imeService"),
      state: Type.Optional(
        described(
          Type.Union([Type.Literal("stopped"), Type.Literal("running")]),
          "stop the IME service, or start it",
        ),
      ),
      startType: Type.Optional(
        described(
          Type.Union([Type.Literal("automatic"), Type.Literal("manual"), Type.Literal("disabled")]),
          "the service's start-up type (the Start value under HKLM\\SYSTEM\\CurrentControlSet\\Services)",
        ),
      ),
      workingSetMb: Type.Optional(
        described(
          Type.Integer({ minimum: 0 }),
          "the IME process's memory in MB now (a leak); a restart brings it back to its baseline",
        ),
      ),
    },
    closed,
  ),
]);

// ---------------------------------------------------------------------------------------------------
// Expectations

/** An IME error code: signed/unsigned integer, or hex text such as `0x87D1041C`. */
export const ErrorCodeSchema = Type.Union([
  Type.Integer(),
  Type.String({ pattern: "^(0x|0X)[0-9a-fA-F]{1,8}$" }),
]);

/** A number, or a name from the reference's enum tables (e.g. `Success`, `RequirementsNotMet`). */
const CodeOrNameSchema = Type.Union([Type.Integer(), Type.String({ pattern: "^[A-Za-z]+$" })]);

export const AppExpectationSchema = Type.Object(
  {
    app: NameSchema,
    user: Type.Optional(NameSchema),
    device: Type.Optional(
      described(Type.Integer({ minimum: 1 }), "which device of a fleet (default: every device)"),
    ),
    enforcementState: Type.Optional(
      described(CodeOrNameSchema, "EnforcementStateMessage.EnforcementState, e.g. 1000 or Success"),
    ),
    errorCode: Type.Optional(ErrorCodeSchema),
    complianceState: Type.Optional(CodeOrNameSchema),
    applicability: Type.Optional(CodeOrNameSchema),
    detected: Type.Optional(Type.Boolean()),
    attempts: Type.Optional(
      described(Type.Integer({ minimum: 0 }), "how many times the install/uninstall command ran"),
    ),
    inGrs: Type.Optional(described(Type.Boolean(), "a GRS timestamp is recorded for the app")),
    imeCacheKept: Type.Optional(
      described(Type.Boolean(), "C:\\Windows\\IMECache\\<appId>_<version> is still on the device"),
    ),
  },
  closed,
);

export const RegistryExpectationSchema = Type.Object(
  {
    registry: Type.String({ minLength: 1 }),
    name: Type.Optional(Type.String()),
    view: Type.Optional(RegistryViewSchema),
    exists: Type.Optional(Type.Boolean()),
    equals: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
    matches: Type.Optional(described(Type.String(), "regular expression the value's data must match")),
    device: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  closed,
);

export const FileExpectationSchema = Type.Object(
  {
    file: Type.String({ minLength: 1 }),
    exists: Type.Optional(Type.Boolean()),
    contains: Type.Optional(Type.String()),
    device: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  closed,
);

export const LogExpectationSchema = Type.Object(
  {
    log: Type.Union([
      Type.Literal("AppWorkload.log"),
      Type.Literal("IntuneManagementExtension.log"),
      Type.Literal("AgentExecutor.log"),
      Type.Literal("HealthScripts.log"),
      Type.Literal("Win32AppInventory.log"),
      Type.Literal("Sensor.log"),
      Type.Literal("ClientHealth.log"),
    ]),
    contains: Type.Optional(Type.String()),
    matches: Type.Optional(described(Type.String(), "regular expression")),
    count: Type.Optional(
      described(Type.Integer({ minimum: 0 }), "exact number of matching lines (default: at least one)"),
    ),
    device: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  closed,
);

export const ServiceExpectationSchema = Type.Object(
  {
    service: NameSchema,
    installState: Type.Optional(
      Type.Unsafe<GraphInstallState>({ type: "string", enum: [...GRAPH_INSTALL_STATES] }),
    ),
    errorCode: Type.Optional(ErrorCodeSchema),
    device: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  closed,
);

/** What Graph's `deviceRunStates` shows for a platform script or remediation on the device. */
export const ScriptRunExpectationSchema = Type.Object(
  {
    scriptRun: NameSchema,
    runState: Type.Optional(described(Type.String(), "platform scripts: success, fail, …")),
    resultMessage: Type.Optional(described(Type.String(), "platform scripts: the output contains this")),
    detectionState: Type.Optional(described(Type.String(), "remediations: success, fail, scriptError, …")),
    remediationState: Type.Optional(
      described(Type.String(), "remediations: skipped, success, remediationFailed, scriptError"),
    ),
    preRemediationDetectionScriptOutput: Type.Optional(Type.String()),
    postRemediationDetectionScriptOutput: Type.Optional(Type.String()),
    device: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  closed,
);

/** What Graph's compliance policy `deviceStatuses` shows for the device (issue 16). */
export const ComplianceExpectationSchema = Type.Object(
  {
    compliance: NameSchema,
    device: Type.Optional(Type.Integer({ minimum: 1 })),
    status: described(
      Type.Union([Type.Literal("compliant"), Type.Literal("noncompliant"), Type.Literal("error")]),
      "the device's status for this policy",
    ),
  },
  closed,
);

/**
 * What the device's app inventory holds (issue 16): the agent's last collection and Graph's
 * `managedDevices/{id}/detectedApps` both list (or both do not list) the application.
 */
export const InventoryExpectationSchema = Type.Object(
  {
    inventory: described(
      Type.String({ minLength: 1 }),
      "the application's DisplayName as the device reports it",
    ),
    version: Type.Optional(described(Type.String(), "its DisplayVersion (default: any version)")),
    present: Type.Optional(
      described(Type.Boolean(), "false: the application must not be listed (default true)"),
    ),
    device: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  closed,
);

/** What the health evaluation task found and did (issue 16, ime.md §8): its last HealthReport.json and its runs. */
export const HealthExpectationSchema = Type.Object(
  {
    health: Type.Object(
      {
        overallState: Type.Optional(
          described(
            Type.Union([Type.Literal("Healthy"), Type.Literal("Remediated"), Type.Literal("Unhealthy")]),
            "the last HealthReport.json's OverallState",
          ),
        ),
        remediated: Type.Optional(
          described(
            Type.Array(Type.String({ minLength: 1 })),
            "the check IDs the last report says were remediated (exactly these, any order)",
          ),
        ),
        runs: Type.Optional(
          described(Type.Integer({ minimum: 0 }), "how many times the task ran during the scenario"),
        ),
      },
      closed,
    ),
    device: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  closed,
);

export const ExpectationSchema = Type.Union([
  AppExpectationSchema,
  RegistryExpectationSchema,
  FileExpectationSchema,
  LogExpectationSchema,
  ServiceExpectationSchema,
  ScriptRunExpectationSchema,
  ComplianceExpectationSchema,
  InventoryExpectationSchema,
  HealthExpectationSchema,
]);

// ---------------------------------------------------------------------------------------------------
// The scenario

export const ScenarioSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    clock: Type.Optional(
      Type.Object(
        {
          mode: Type.Optional(Type.Union([Type.Literal("virtual"), Type.Literal("real")])),
          start: Type.Optional(
            described(Type.String({ format: "date-time" }), "ISO date-time the device clock starts at"),
          ),
        },
        closed,
      ),
    ),
    duration: durationOf("how long to run, in simulated time"),
    devices: Type.Optional(
      described(Type.Integer({ minimum: 1 }), "fleet size (default 1; --devices overrides)"),
    ),
    device: Type.Optional(DeviceSchema),
    // Optional only for `imesim agent --scenario` (a device and its installers, apps come from the service);
    // the loader still requires them for every other use (LoadOptions.appsOptional).
    apps: Type.Optional(Type.Array(AppSchema, { minItems: 1 })),
    installers: Type.Optional(Type.Array(InstallerBehaviourSchema)),
    programs: Type.Optional(Type.Array(ProgramBehaviourSchema)),
    web: Type.Optional(WebSchema),
    packages: Type.Optional(Type.Array(CataloguePackageSchema)),
    scripts: Type.Optional(Type.Array(ScriptBehaviourSchema)),
    platformScripts: Type.Optional(Type.Array(PlatformScriptSchema)),
    remediations: Type.Optional(Type.Array(RemediationSchema)),
    compliancePolicies: Type.Optional(Type.Array(CompliancePolicySchema)),
    faults: Type.Optional(Type.Array(FaultSchema)),
    health: Type.Optional(HealthSettingsSchema),
    actions: Type.Optional(Type.Array(ActionSchema)),
    expect: Type.Optional(Type.Array(ExpectationSchema)),
  },
  {
    ...closed,
    title: "imesim scenario",
    description: "A device, apps, behaviour, faults, timed actions and expectations.",
  },
);

export type ScenarioFile = Static<typeof ScenarioSchema>;
export type AppDefinition = Static<typeof AppSchema>;
export type ShortApp = Static<typeof ShortAppSchema>;
export type ShortDetectionRule = Static<typeof ShortDetectionRuleSchema>;
export type ShortRequirementRule = Static<typeof ShortRequirementRuleSchema>;
export type PackageSource = Static<typeof PackageSchema>;
export type Assignment = Static<typeof AssignmentSchema>;
export type DeviceDefinition = Static<typeof DeviceSchema>;
export type RegistryEntry = Static<typeof RegistryEntrySchema>;
export type FileEntry = Static<typeof FileEntrySchema>;
export type InstalledMsi = Static<typeof InstalledMsiSchema>;
export type InstallerBehaviour = Static<typeof InstallerBehaviourSchema>;
export type InstallerAttempt = Static<typeof InstallerAttemptSchema>;
export type RegistryEffect = Static<typeof RegistryEffectSchema>;
export type ScriptBehaviour = Static<typeof ScriptBehaviourSchema>;
export type ProgramBehaviour = Static<typeof ProgramBehaviourSchema>;
export type WebDefinition = Static<typeof WebSchema>;
export type CataloguePackageDefinition = Static<typeof CataloguePackageSchema>;
export type Fault = Static<typeof FaultSchema>;
export type Action = Static<typeof ActionSchema>;
export type Expectation = Static<typeof ExpectationSchema>;
export type AppExpectation = Static<typeof AppExpectationSchema>;
export type RegistryExpectation = Static<typeof RegistryExpectationSchema>;
export type FileExpectation = Static<typeof FileExpectationSchema>;
export type LogExpectation = Static<typeof LogExpectationSchema>;
export type ServiceExpectation = Static<typeof ServiceExpectationSchema>;
export type PlatformScriptDefinition = Static<typeof PlatformScriptSchema>;
export type RemediationDefinition = Static<typeof RemediationSchema>;
export type CompliancePolicyDefinition = Static<typeof CompliancePolicySchema>;
export type ComplianceExpectation = Static<typeof ComplianceExpectationSchema>;
export type ScriptRunExpectation = Static<typeof ScriptRunExpectationSchema>;
export type InventoryExpectation = Static<typeof InventoryExpectationSchema>;
export type HealthExpectation = Static<typeof HealthExpectationSchema>;
export type HealthSettings = Static<typeof HealthSettingsSchema>;
