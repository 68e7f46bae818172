import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import {
  GraphContractErrorCode,
  parseMobileAppAssignment,
  parseMobileAppRelationship,
  parseWin32LobApp,
} from "../../src/graph/index.ts";

const detection = {
  "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule",
  ruleType: "detection",
  path: "C:\\Program Files\\7-Zip",
  fileOrFolderName: "7z.exe",
  check32BitOn64System: false,
  operationType: "exists",
  operator: "notConfigured",
};
const goodApp = {
  "@odata.type": "#microsoft.graph.win32LobApp",
  displayName: "7-Zip",
  installCommandLine: "install.cmd",
  uninstallCommandLine: "uninstall.cmd",
  installExperience: { runAsAccount: "system", deviceRestartBehavior: "suppress", maxRunTimeInMinutes: 60 },
  returnCodes: [{ returnCode: 0, type: "success" }],
  rules: [detection],
};
const goodAssignment = {
  "@odata.type": "#microsoft.graph.mobileAppAssignment",
  intent: "required",
  target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "g" },
  settings: { "@odata.type": "#microsoft.graph.win32LobAppAssignmentSettings", notifications: "showAll" },
};

function failure(run: () => unknown): { code: string; path: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (!isImesimError(error)) throw new Error(`expected an ImesimError, got ${String(error)}`);
    return { code: error.code, path: error.path, message: error.message };
  }
  throw new Error("expected the parser to reject the input");
}

describe("win32LobApp parser errors name the member path", () => {
  it.each([
    ["not an object", [], GraphContractErrorCode.Invalid, ""],
    [
      "missing displayName",
      (({ displayName: _, ...rest }) => rest)(goodApp),
      GraphContractErrorCode.Invalid,
      "displayName",
    ],
    [
      "wrong @odata.type",
      { ...goodApp, "@odata.type": "#microsoft.graph.win32LobAppX" },
      GraphContractErrorCode.Invalid,
      "@odata.type",
    ],
    [
      "runAsAccount value",
      { ...goodApp, installExperience: { runAsAccount: "admin" } },
      GraphContractErrorCode.Invalid,
      "installExperience.runAsAccount",
    ],
    [
      "maxRunTime range",
      { ...goodApp, installExperience: { runAsAccount: "system", maxRunTimeInMinutes: 1441 } },
      GraphContractErrorCode.Invalid,
      "installExperience.maxRunTimeInMinutes",
    ],
    [
      "return code type",
      {
        ...goodApp,
        returnCodes: [
          { returnCode: 0, type: "success" },
          { returnCode: 1, type: "ok" },
        ],
      },
      GraphContractErrorCode.Invalid,
      "returnCodes[1].type",
    ],
    [
      "rule operator",
      { ...goodApp, rules: [detection, { ...detection, operator: "equals" }] },
      GraphContractErrorCode.Invalid,
      "rules[1].operator",
    ],
    [
      "rule without @odata.type",
      { ...goodApp, rules: [{ ruleType: "detection" }] },
      GraphContractErrorCode.Invalid,
      "rules[0].@odata.type",
    ],
    [
      "rule missing member",
      { ...goodApp, rules: [(({ path: _, ...rest }) => rest)(detection)] },
      GraphContractErrorCode.Invalid,
      "rules[0].path",
    ],
    [
      "string boolean that is no boolean",
      { ...goodApp, rules: [{ ...detection, check32BitOn64System: "yes" }] },
      GraphContractErrorCode.Invalid,
      "rules[0].check32BitOn64System",
    ],
    ["rules not an array", { ...goodApp, rules: "all" }, GraphContractErrorCode.Invalid, "rules"],
    [
      "legacy rule in the wrong collection",
      {
        ...goodApp,
        rules: undefined,
        detectionRules: [{ "@odata.type": "#microsoft.graph.win32LobAppFileSystemRequirement" }],
      },
      GraphContractErrorCode.Invalid,
      "detectionRules[0].@odata.type",
    ],
    [
      "both rule collections",
      { ...goodApp, detectionRules: [] },
      GraphContractErrorCode.ConflictingRules,
      "rules",
    ],
    [
      "no detection rule",
      { ...goodApp, rules: [{ ...detection, ruleType: "requirement" }] },
      GraphContractErrorCode.NoDetectionRule,
      "rules",
    ],
    [
      "product code as requirement",
      {
        ...goodApp,
        rules: [
          detection,
          {
            "@odata.type": "#microsoft.graph.win32LobAppProductCodeRule",
            ruleType: "requirement",
            productCode: "{X}",
          },
        ],
      },
      GraphContractErrorCode.Invalid,
      "rules[1]",
    ],
    [
      "architecture member",
      { ...goodApp, applicableArchitectures: "x64,sparc" },
      GraphContractErrorCode.Invalid,
      "applicableArchitectures",
    ],
    [
      "old release flag name",
      { ...goodApp, minimumSupportedWindowsRelease: "v10_1903" },
      GraphContractErrorCode.Invalid,
      "minimumSupportedWindowsRelease",
    ],
    [
      "negative disk space",
      { ...goodApp, minimumFreeDiskSpaceInMB: -1 },
      GraphContractErrorCode.Invalid,
      "minimumFreeDiskSpaceInMB",
    ],
  ])("%s", (_name, body, code, path) => {
    const error = failure(() => parseWin32LobApp(body));
    expect([error.code, error.path]).toEqual([code, path]);
  });

  it("says which enum values are allowed, like the service's enum parse error", () => {
    const error = failure(() =>
      parseWin32LobApp({ ...goodApp, rules: [{ ...detection, operator: "equals" }] }),
    );
    expect(error.message).toContain('"notConfigured", "equal", "notEqual"');
  });

  it("accepts bare release names whatever their case and returns the canonical one", () => {
    expect(
      parseWin32LobApp({ ...goodApp, minimumSupportedWindowsRelease: "windows11_23h2" })
        .minimumSupportedWindowsRelease,
    ).toBe("Windows11_23H2");
  });

  it("never throws anything but an ImesimError when a member is replaced by any JSON value", () => {
    const members = [
      ...Object.keys(goodApp),
      "msiInformation",
      "applicableArchitectures",
      "detectionRules",
      "minimumMemoryInMB",
    ];
    fc.assert(
      fc.property(fc.constantFrom(...members), fc.jsonValue(), (member, value) => {
        try {
          parseWin32LobApp({ ...goodApp, [member]: value });
        } catch (error) {
          expect(isImesimError(error)).toBe(true);
          expect(typeof (error as { path?: unknown }).path).toBe("string");
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("assignment and relationship parser errors name the member path", () => {
  it.each([
    ["intent", { ...goodAssignment, intent: "install" }, "intent"],
    [
      "target type",
      { ...goodAssignment, target: { "@odata.type": "#microsoft.graph.somethingElse" } },
      "target.@odata.type",
    ],
    [
      "group without id",
      { ...goodAssignment, target: { "@odata.type": "groupAssignmentTarget" } },
      "target.@odata.type",
    ],
    [
      "group id missing",
      { ...goodAssignment, target: { "@odata.type": "microsoft.graph.groupAssignmentTarget" } },
      "target.groupId",
    ],
    ["notifications", { ...goodAssignment, settings: { notifications: "loud" } }, "settings.notifications"],
    [
      "grace period range",
      {
        ...goodAssignment,
        settings: {
          restartSettings: { gracePeriodInMinutes: 0, countdownDisplayBeforeRestartInMinutes: 15 },
        },
      },
      "settings.restartSettings.gracePeriodInMinutes",
    ],
    [
      "missing countdown",
      { ...goodAssignment, settings: { restartSettings: { gracePeriodInMinutes: 1440 } } },
      "settings.restartSettings.countdownDisplayBeforeRestartInMinutes",
    ],
    [
      "string boolean",
      { ...goodAssignment, settings: { installTimeSettings: { useLocalTime: "maybe" } } },
      "settings.installTimeSettings.useLocalTime",
    ],
  ])("%s", (_name, body, path) => {
    const error = failure(() => parseMobileAppAssignment(body));
    expect([error.code, error.path]).toEqual([GraphContractErrorCode.Invalid, path]);
  });

  it("coerces casing and string booleans in settings", () => {
    const parsed = parseMobileAppAssignment({
      ...goodAssignment,
      intent: "Required",
      settings: {
        notifications: "HideAll",
        installTimeSettings: { useLocalTime: "True" },
        deliveryOptimizationPriority: "Foreground",
      },
    });
    expect(parsed.intent).toBe("required");
    expect(parsed.settings).toMatchObject({
      notifications: "hideAll",
      deliveryOptimizationPriority: "foreground",
      installTimeSettings: { useLocalTime: true },
    });
  });

  it("rejects a relationship of the wrong kind", () => {
    expect(
      failure(() =>
        parseMobileAppRelationship({
          "@odata.type": "#microsoft.graph.mobileAppDependency",
          targetId: "x",
          dependencyType: "replace",
        }),
      ).code,
    ).toBe(GraphContractErrorCode.Invalid);
  });

  it("never throws anything but an ImesimError on any JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const parse of [parseMobileAppAssignment, parseMobileAppRelationship, parseWin32LobApp]) {
          try {
            parse(value);
          } catch (error) {
            expect(isImesimError(error)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
