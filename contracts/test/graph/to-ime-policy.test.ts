import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETURN_CODES,
  DeliveryOptimizationPriority,
  DetectionType,
  DeviceRestartBehavior,
  ExtendedRequirementType,
  FileDetectionSubType,
  Intent,
  Operator,
  RegistryDetectionSubType,
  ReturnCodeType,
  RunAs,
  ScriptOutputType,
  TargetType,
  ToastState,
} from "../../src/enums/index.ts";
import { isImesimError } from "../../src/errors/index.ts";
import {
  DEFAULT_GRAPH_RETURN_CODES,
  flattenRelationships,
  graphAppToImePolicy,
  type MobileAppRelationship,
  parseMobileAppAssignment,
  parseMobileAppRelationship,
  parseWin32LobApp,
} from "../../src/graph/index.ts";
import { decodePolicy, encodePolicy } from "../../src/ime/index.ts";

const SCRIPT = Buffer.from('if (Test-Path "C:\\Foo") { "found" }', "utf8").toString("base64");
const defaultReturnCodes = [
  { returnCode: 0, type: "success" },
  { returnCode: 1707, type: "success" },
  { returnCode: 3010, type: "softReboot" },
  { returnCode: 1641, type: "hardReboot" },
  { returnCode: 1618, type: "retry" },
];

function app(rules: unknown[], extra: Record<string, unknown> = {}) {
  return {
    "@odata.type": "#microsoft.graph.win32LobApp",
    id: "9a7d745d-9cd2-4b05-adc2-7796f8c8cc87",
    displayName: "7-Zip",
    installCommandLine: 'msiexec /i "7z2501-x64.msi" /qn',
    uninstallCommandLine: 'msiexec /x "{23170F69-40C1-2702-2501-000001000000}" /qn',
    setupFilePath: "7z2501-x64.msi",
    installExperience: {
      runAsAccount: "system",
      deviceRestartBehavior: "basedOnReturnCode",
      maxRunTimeInMinutes: 60,
    },
    returnCodes: defaultReturnCodes,
    rules,
    ...extra,
  };
}
const fileExists = {
  "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule",
  ruleType: "detection",
  path: "C:\\Program Files\\7-Zip",
  fileOrFolderName: "7z.exe",
  check32BitOn64System: false,
  operationType: "exists",
  operator: "notConfigured",
  comparisonValue: null,
};
const requiredAllDevices = {
  intent: "required",
  target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" },
  settings: null,
};

function convert(
  rules: unknown[],
  extra: Record<string, unknown> = {},
  assignment: unknown = requiredAllDevices,
) {
  return graphAppToImePolicy(parseWin32LobApp(app(rules, extra)), parseMobileAppAssignment(assignment));
}

describe("graphAppToImePolicy: detection rules, one of each kind", () => {
  it.each([
    [
      "file exists",
      fileExists,
      DetectionType.FileSystem,
      { DetectionType: FileDetectionSubType.Exists, Operator: Operator.NotConfigured },
    ],
    [
      "file version ≥",
      {
        ...fileExists,
        operationType: "version",
        operator: "greaterThanOrEqual",
        comparisonValue: "25.01.00.0",
      },
      DetectionType.FileSystem,
      {
        DetectionType: FileDetectionSubType.Version,
        Operator: Operator.GreaterThanOrEqual,
        DetectionValue: "25.01.00.0",
      },
    ],
    [
      "file modified date",
      {
        ...fileExists,
        operationType: "modifiedDate",
        operator: "greaterThan",
        comparisonValue: "2024-01-01T00:00:00.000Z",
      },
      DetectionType.FileSystem,
      { DetectionType: FileDetectionSubType.DateModified, Operator: Operator.GreaterThan },
    ],
    [
      "file created date",
      {
        ...fileExists,
        operationType: "createdDate",
        operator: "lessThan",
        comparisonValue: "2024-01-01T00:00:00.000Z",
      },
      DetectionType.FileSystem,
      { DetectionType: FileDetectionSubType.DateCreated, Operator: Operator.LessThan },
    ],
    [
      "file size",
      { ...fileExists, operationType: "sizeInMB", operator: "lessThanOrEqual", comparisonValue: "12" },
      DetectionType.FileSystem,
      { DetectionType: FileDetectionSubType.SizeInMB, Operator: Operator.LessThanOrEqual },
    ],
    [
      "file does not exist",
      { ...fileExists, operationType: "doesNotExist" },
      DetectionType.FileSystem,
      { DetectionType: FileDetectionSubType.DoesNotExist },
    ],
    [
      "registry version <",
      {
        "@odata.type": "microsoft.graph.win32LobAppRegistryRule",
        ruleType: "detection",
        check32BitOn64System: true,
        keyPath: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Foo",
        valueName: "Version",
        operationType: "version",
        operator: "lessThan",
        comparisonValue: "9.0",
      },
      DetectionType.Registry,
      {
        Path: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Foo",
        KeyName: "Version",
        Check32BitOn64System: true,
        DetectionType: RegistryDetectionSubType.VersionComparison,
        Operator: Operator.LessThan,
        DetectionValue: "9.0",
      },
    ],
    [
      "registry key exists",
      {
        "@odata.type": "#microsoft.graph.win32LobAppRegistryRule",
        ruleType: "detection",
        keyPath: "HKLM\\SOFTWARE\\Foo",
        operationType: "exists",
        operator: "notConfigured",
      },
      DetectionType.Registry,
      { KeyName: "", DetectionType: RegistryDetectionSubType.Exists },
    ],
    [
      "registry does not exist",
      {
        "@odata.type": "#microsoft.graph.win32LobAppRegistryRule",
        ruleType: "detection",
        keyPath: "HKLM\\SOFTWARE\\Foo",
        operationType: "doesNotExist",
        operator: "notConfigured",
      },
      DetectionType.Registry,
      { DetectionType: RegistryDetectionSubType.DoesNotExist },
    ],
    [
      "registry string =",
      {
        "@odata.type": "#microsoft.graph.win32LobAppRegistryRule",
        ruleType: "detection",
        keyPath: "HKLM\\SOFTWARE\\Foo",
        valueName: "Edition",
        operationType: "string",
        operator: "equal",
        comparisonValue: "Pro",
      },
      DetectionType.Registry,
      { DetectionType: RegistryDetectionSubType.StringComparison, Operator: Operator.Equal },
    ],
    [
      "registry integer ≠",
      {
        "@odata.type": "#microsoft.graph.win32LobAppRegistryRule",
        ruleType: "detection",
        keyPath: "HKLM\\SOFTWARE\\Foo",
        valueName: "Build",
        operationType: "integer",
        operator: "notEqual",
        comparisonValue: "42",
      },
      DetectionType.Registry,
      { DetectionType: RegistryDetectionSubType.IntegerComparison, Operator: Operator.NotEqual },
    ],
    [
      "MSI product code ≥ version",
      {
        "@odata.type": "#microsoft.graph.win32LobAppProductCodeRule",
        ruleType: "detection",
        productCode: "{23170F69-40C1-2702-2501-000001000000}",
        productVersionOperator: "greaterThanOrEqual",
        productVersion: "25.01.00.0",
      },
      DetectionType.MsiProductCode,
      {
        ProductCode: "{23170F69-40C1-2702-2501-000001000000}",
        ProductVersion: "25.01.00.0",
        ProductVersionOperator: Operator.GreaterThanOrEqual,
      },
    ],
    [
      "script",
      {
        "@odata.type": "#microsoft.graph.win32LobAppPowerShellScriptRule",
        ruleType: "detection",
        enforceSignatureCheck: "True",
        runAs32Bit: false,
        scriptContent: SCRIPT,
        operationType: "notConfigured",
        operator: "notConfigured",
      },
      DetectionType.Script,
      { ScriptBody: SCRIPT, EnforceSignatureCheck: true, RunAs32Bit: false },
    ],
  ])("%s", (_name, rule, outerType, expectedText) => {
    const policy = convert([rule]);
    const wire = encodePolicy(policy);
    // Decode what the device receives, not what we built: the numbers must survive the string encoding.
    const [detection] = decodePolicy(wire).DetectionRule;
    expect(detection?.DetectionType).toBe(outerType);
    expect(detection?.DetectionText).toMatchObject(expectedText);
  });
});

describe("graphAppToImePolicy: requirement rules, one of each kind", () => {
  const base = { ruleType: "requirement", check32BitOn64System: false };
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      "file",
      {
        ...base,
        "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule",
        path: "C:\\Windows",
        fileOrFolderName: "notepad.exe",
        operationType: "exists",
        operator: "notConfigured",
      },
      {
        Type: ExtendedRequirementType.FileSystem,
        RequirementText: {
          Path: "C:\\Windows",
          FileOrFolderName: "notepad.exe",
          Type: FileDetectionSubType.Exists,
          Operator: Operator.NotConfigured,
          Value: null,
        },
      },
    ],
    [
      "registry",
      {
        ...base,
        "@odata.type": "#microsoft.graph.win32LobAppRegistryRule",
        keyPath: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso",
        valueName: "Ring",
        operationType: "integer",
        operator: "greaterThanOrEqual",
        comparisonValue: "2",
      },
      {
        Type: ExtendedRequirementType.Registry,
        RequirementText: {
          KeyName: "Ring",
          Type: RegistryDetectionSubType.IntegerComparison,
          Operator: Operator.GreaterThanOrEqual,
          Value: "2",
        },
      },
    ],
    ...(
      [
        ["string", ScriptOutputType.String],
        ["dateTime", ScriptOutputType.DateTime],
        ["integer", ScriptOutputType.Integer],
        ["float", ScriptOutputType.Float],
        ["version", ScriptOutputType.Version],
        ["boolean", ScriptOutputType.Boolean],
      ] as const
    ).map(([operationType, outputType]): [string, Record<string, unknown>, Record<string, unknown>] => [
      `script (${operationType})`,
      {
        "@odata.type": "#microsoft.graph.win32LobAppPowerShellScriptRule",
        ruleType: "requirement",
        displayName: "check",
        enforceSignatureCheck: false,
        runAs32Bit: true,
        runAsAccount: "user",
        scriptContent: SCRIPT,
        operationType,
        operator: "equal",
        comparisonValue: "x",
      },
      {
        Type: ExtendedRequirementType.Script,
        RequirementText: {
          ScriptBody: SCRIPT,
          Type: outputType,
          Operator: Operator.Equal,
          Value: "x",
          RunAsAccount: 1,
          RunAs32Bit: true,
          EnforceSignatureCheck: false,
        },
      },
    ]),
  ];
  it.each(cases)("%s", (_name, rule, expected) => {
    const decoded = decodePolicy(encodePolicy(convert([fileExists, rule])));
    expect(decoded.ExtendedRequirementRules).toMatchObject([expected]);
    expect(decoded.DetectionRule).toHaveLength(1);
  });
});

describe("graphAppToImePolicy: built-in requirements", () => {
  it.each([
    [{ applicableArchitectures: "x64,x86" }, 96],
    [{ applicableArchitectures: "x64" }, 32],
    [{ applicableArchitectures: "x86" }, 64],
    [{ allowedArchitectures: "arm64", applicableArchitectures: "none" }, 16],
    [{ allowedArchitectures: "X64, x86, ARM64", applicableArchitectures: "none" }, 112],
    [{ applicableArchitectures: "neutral" }, 112],
    [{}, null],
  ])("architecture %j → RequiredOSArchitecture %s", (extra, expected) => {
    expect(convert([fileExists], extra).RequirementRules.RequiredOSArchitecture).toBe(expected);
  });

  it("maps OS release, disk, memory, CPUs, CPU speed and runAs32bit", () => {
    const rules = convert([fileExists], {
      minimumSupportedWindowsRelease: "Windows11_24H2",
      minimumFreeDiskSpaceInMB: 500,
      minimumMemoryInMB: 4096,
      minimumNumberOfProcessors: 2,
      minimumCpuSpeedInMHz: 1800,
      runAs32bit: "True",
    }).RequirementRules;
    expect(rules).toEqual({
      RequiredOSArchitecture: null,
      MinimumFreeDiskSpaceInMB: 500,
      MinimumWindows10BuildNumer: "10.0.26100",
      MinimumMemoryInMB: 4096,
      MinimumNumberOfProcessors: 2,
      MinimumCpuSpeed: 1800,
      RunAs32Bit: true,
    });
  });

  it("reads the deprecated minimumSupportedOperatingSystem flags", () => {
    const rules = convert([fileExists], {
      minimumSupportedOperatingSystem: { v10_1607: true },
    }).RequirementRules;
    expect(rules.MinimumWindows10BuildNumer).toBe("10.0.14393");
  });
});

describe("graphAppToImePolicy: install settings, return codes and assignment settings", () => {
  it.each([
    ["basedOnReturnCode", DeviceRestartBehavior.BasedOnReturnCode],
    ["allow", DeviceRestartBehavior.Allow],
    ["suppress", DeviceRestartBehavior.Suppress],
    ["force", DeviceRestartBehavior.Force],
  ] as const)("deviceRestartBehavior %s → %i", (behavior, expected) => {
    const policy = convert([fileExists], {
      installExperience: { runAsAccount: "user", deviceRestartBehavior: behavior, maxRunTimeInMinutes: 90 },
    });
    expect(policy.InstallEx).toMatchObject({
      RunAs: RunAs.User,
      MaxRunTimeInMinutes: 90,
      DeviceRestartBehavior: expected,
      MaxRetries: 3,
      RetryIntervalInMinutes: 5,
    });
  });

  it("maps return code types in order", () => {
    expect(convert([fileExists]).ReturnCodes).toEqual([
      { ReturnCode: 0, Type: ReturnCodeType.Success },
      { ReturnCode: 1707, Type: ReturnCodeType.Success },
      { ReturnCode: 3010, Type: ReturnCodeType.SoftReboot },
      { ReturnCode: 1641, Type: ReturnCodeType.HardReboot },
      { ReturnCode: 1618, Type: ReturnCodeType.Retry },
    ]);
  });

  it.each([
    ["showAll", ToastState.ShowAll],
    ["showReboot", ToastState.ShowReboot],
    ["hideAll", ToastState.HideAll],
  ] as const)("notifications %s → ToastState %i", (notifications, expected) => {
    const policy = convert([fileExists], {}, { ...requiredAllDevices, settings: { notifications } });
    expect(policy.ToastState).toBe(expected);
  });

  it.each([
    ["notConfigured", DeliveryOptimizationPriority.Background],
    ["foreground", DeliveryOptimizationPriority.Foreground],
  ] as const)("deliveryOptimizationPriority %s → DOPriority %i", (priority, expected) => {
    const policy = convert(
      [fileExists],
      {},
      { ...requiredAllDevices, settings: { deliveryOptimizationPriority: priority } },
    );
    expect(policy.DOPriority).toBe(expected);
  });

  it("maps restart settings to RebootEx and install time settings to StartDeadlineEx", () => {
    const policy = convert(
      [fileExists],
      {},
      {
        ...requiredAllDevices,
        settings: {
          "@odata.type": "microsoft.graph.win32LobAppAssignmentSettings",
          restartSettings: {
            gracePeriodInMinutes: 1440,
            countdownDisplayBeforeRestartInMinutes: 15,
            restartNotificationSnoozeDurationInMinutes: 240,
          },
          installTimeSettings: {
            useLocalTime: false,
            startDateTime: null,
            deadlineDateTime: "2026-12-01T08:00:00.000Z",
          },
        },
      },
    );
    expect(policy.RebootEx).toEqual({ GracePeriod: 1440, Countdown: 15, Snooze: 240 });
    expect(policy.StartDeadlineEx).toEqual({
      TimeFormat: "UTC",
      StartTime: null,
      Deadline: Date.UTC(2026, 11, 1, 8),
    });
    expect(encodePolicy(policy).StartDeadlineEx).toEqual({
      TimeFormat: "UTC",
      StartTime: "/Date(-62135596800000)/",
      Deadline: `/Date(${Date.UTC(2026, 11, 1, 8)})/`,
    });
  });

  it("writes -1 RebootEx and unset dates when the assignment has no settings", () => {
    const policy = convert([fileExists]);
    expect(policy.RebootEx).toEqual({ GracePeriod: -1, Countdown: -1, Snooze: -1 });
    expect(encodePolicy(policy).StartDeadlineEx).toEqual({
      TimeFormat: "",
      StartTime: "/Date(-62135596800000)/",
      Deadline: "/Date(-62135596800000)/",
    });
  });

  it.each([
    [
      "available",
      { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" },
      Intent.Available,
      TargetType.User,
    ],
    [
      "required",
      { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" },
      Intent.Required,
      TargetType.Device,
    ],
    [
      "uninstall",
      { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" },
      Intent.Uninstall,
      TargetType.Device,
    ],
  ])("intent %s → Intent %i, TargetType %i", (intent, target, expectedIntent, expectedTarget) => {
    const policy = convert([fileExists], {}, { intent, target });
    expect([policy.Intent, policy.TargetType]).toEqual([expectedIntent, expectedTarget]);
  });

  it("needs to be told whether a group is a user or a device group", () => {
    const parsedApp = parseWin32LobApp(app([fileExists]));
    const assignment = parseMobileAppAssignment({
      intent: "required",
      target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "g1" },
    });
    expect(() => graphAppToImePolicy(parsedApp, assignment)).toThrow(/targetType/);
    expect(graphAppToImePolicy(parsedApp, assignment, { targetType: "user" }).TargetType).toBe(
      TargetType.User,
    );
  });
});

describe("legacy collections and leniency", () => {
  it("converts legacy detectionRules and requirementRules like their unified equivalents", () => {
    const legacy = app([], {
      rules: undefined,
      runAs32bit: false,
      detectionRules: [
        {
          "@odata.type": "#microsoft.graph.win32LobAppFileSystemDetection",
          operator: "notConfigured",
          detectionValue: null,
          path: "C:\\Program Files\\7-Zip",
          fileOrFolderName: "7z.exe",
          check32BitOn64System: "False",
          detectionType: "exists",
        },
      ],
      requirementRules: [
        {
          "@odata.type": "#microsoft.graph.win32LobAppPowerShellScriptRequirement",
          operator: "equal",
          detectionValue: "True",
          displayName: "ok",
          enforceSignatureCheck: false,
          runAs32Bit: false,
          runAsAccount: "system",
          scriptContent: SCRIPT,
          detectionType: "boolean",
        },
      ],
    });
    const policy = graphAppToImePolicy(
      parseWin32LobApp(legacy),
      parseMobileAppAssignment(requiredAllDevices),
    );
    expect(policy.DetectionRule).toEqual(convert([fileExists]).DetectionRule);
    expect(policy.ExtendedRequirementRules).toEqual([
      {
        Type: ExtendedRequirementType.Script,
        RequirementText: {
          ScriptBody: SCRIPT,
          Type: ScriptOutputType.Boolean,
          Operator: Operator.Equal,
          Value: "True",
          RunAsAccount: 0,
          RunAs32Bit: false,
          EnforceSignatureCheck: false,
        },
      },
    ]);
  });

  it("accepts odd casing, a missing #, string booleans and unknown members", () => {
    const parsed = parseWin32LobApp(
      app(
        [
          {
            ...fileExists,
            "@odata.type": "Microsoft.Graph.Win32LobAppFileSystemRule",
            operationType: "Exists",
          },
        ],
        {
          "@odata.type": "microsoft.graph.win32LobApp",
          msiInformation: { productCode: "{X}", packageType: "PerMachine", requiresReboot: "False" },
          someFutureMember: 1,
        },
      ),
    );
    expect(parsed["@odata.type"]).toBe("#microsoft.graph.win32LobApp");
    expect(parsed.msiInformation).toMatchObject({ packageType: "perMachine", requiresReboot: false });
    expect(parsed.rules[0]).toMatchObject({ operationType: "exists" });
  });
});

describe("flattenRelationships", () => {
  it("lists dependency and supersedence edges with their IME actions and levels", () => {
    const graph: Record<string, MobileAppRelationship[]> = {
      root: [
        parseMobileAppRelationship({
          "@odata.type": "microsoft.graph.mobileAppDependency",
          targetId: "dep",
          dependencyType: "autoInstall",
        }),
        parseMobileAppRelationship({
          "@odata.type": "#microsoft.graph.mobileAppSupersedence",
          targetId: "old",
          supersedenceType: "replace",
        }),
      ],
      dep: [
        parseMobileAppRelationship({
          "@odata.type": "#microsoft.graph.mobileAppDependency",
          targetId: "root",
          dependencyType: "detect",
        }),
      ],
    };
    expect(flattenRelationships("root", (id) => graph[id] ?? [])).toEqual([
      { Action: 10, AppId: "root", ChildId: "dep", Type: 0, Level: 0 },
      { Action: 110, AppId: "root", ChildId: "old", Type: 1, Level: 0 },
      { Action: 0, AppId: "dep", ChildId: "root", Type: 0, Level: 1 },
    ]);
    expect(flattenRelationships("lonely", () => [])).toBeNull();
  });
});

describe("conversion refuses what the IME has no number for", () => {
  it.each([
    ["beta sizeInBytes", [{ ...fileExists, operationType: "sizeInBytes" }], {}, "rules[0].operationType"],
    ["32-bit ARM", [fileExists], { applicableArchitectures: "arm" }, "applicableArchitectures"],
  ])("%s", (_name, rules, extra, path) => {
    try {
      convert(rules, extra);
      expect.unreachable();
    } catch (error) {
      expect(isImesimError(error, "GRAPH_UNSUPPORTED_FOR_IME")).toBe(true);
      expect((error as { path: string }).path).toBe(path);
    }
  });
});

describe("the converted policy has the real policy's shape", () => {
  it("has exactly the members of the real §2.1 policy, in the same order, and parses as a policy", () => {
    const real = JSON.parse(
      readFileSync(
        new URL("../fixtures/policies/get-policies-s16-available-script-installer.txt", import.meta.url),
        "utf8",
      ),
    ) as Record<string, unknown>[];
    const converted = encodePolicy(
      convert(
        [fileExists],
        {},
        {
          intent: "available",
          target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" },
        },
      ),
    );
    expect(Object.keys(converted)).toEqual(Object.keys(real[0] ?? {}));
    expect(decodePolicy(converted).Intent).toBe(Intent.Available);
  });
});

describe("DEFAULT_GRAPH_RETURN_CODES", () => {
  it("is the portal's list and converts to the IME defaults", () => {
    expect(DEFAULT_GRAPH_RETURN_CODES).toEqual(defaultReturnCodes);
    expect(convert([fileExists], { returnCodes: DEFAULT_GRAPH_RETURN_CODES }).ReturnCodes).toEqual(
      DEFAULT_RETURN_CODES,
    );
  });
});
