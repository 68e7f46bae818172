import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type PathProbe,
  parseScenario,
  SCENARIO_SCHEMA_FILE,
  ScenarioError,
  scenarioJsonSchemaText,
  stableGuid,
} from "../../src/scenario/index.ts";

const probe: PathProbe = {
  kind: (path) => (path.endsWith("pkg") ? "directory" : path.endsWith(".intunewin") ? "file" : undefined),
};
/** 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split("\n").findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not in scenario text`);
  return index + 1;
}
const load = (text: string) => parseScenario(text, { file: "s.yaml", baseDir: "/scenarios", probe });

/** Loads text that must fail and returns its issues. */
function issuesOf(text: string) {
  try {
    load(text);
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  throw new Error("scenario unexpectedly loaded");
}

// The real policy of ime.md §2.1, as AppWorkload.log prints it.
const REAL_POLICY = String.raw`{"Id":"6e0911dd-6755-4eb7-8a75-ba02e685232b","Name":"GBL-WIN11-7z2501-x64","Version":1,"Intent":3,"TargetType":2,"AppApplicabilityStateDueToAssginmentFilters":null,"AssignmentFilterIds":null,"DetectionRule":"[{\"DetectionType\":2,\"DetectionText\":\"{\\\"Path\\\":\\\"C:\\\\\\\\Program Files\\\\\\\\7-zip\\\",\\\"FileOrFolderName\\\":\\\"7z.exe\\\",\\\"Check32BitOn64System\\\":false,\\\"DetectionType\\\":4,\\\"Operator\\\":5,\\\"DetectionValue\\\":\\\"25.01.00.0\\\"}\"}]","InstallCommandLine":"msiexec /i \"7z2501-x64.msi\" /qn","UninstallCommandLine":"msiexec /x \"{23170F69-40C1-2702-2501-000001000000}\" /qn","RequirementRules":"{\"RequiredOSArchitecture\":32,\"MinimumFreeDiskSpaceInMB\":null,\"MinimumWindows10BuildNumer\":\"10.0.26100\",\"MinimumMemoryInMB\":null,\"MinimumNumberOfProcessors\":null,\"MinimumCpuSpeed\":null,\"RunAs32Bit\":false}","ExtendedRequirementRules":"[]","InstallEx":"{\"RunAs\":1,\"RequiresLogon\":true,\"InstallProgramVisibility\":3,\"MaxRetries\":3,\"RetryIntervalInMinutes\":5,\"MaxRunTimeInMinutes\":60,\"DeviceRestartBehavior\":1}","ReturnCodes":"[{\"ReturnCode\":0,\"Type\":1},{\"ReturnCode\":1707,\"Type\":1},{\"ReturnCode\":3010,\"Type\":2},{\"ReturnCode\":1641,\"Type\":3},{\"ReturnCode\":1618,\"Type\":4}]","AvailableAppEnforcement":1,"SetUpFilePath":"7z2501-x64.msi","ToastState":0,"Targeted":1,"FlatDependencies":null,"MetadataVersion":4,"RelationVersion":0,"RebootEx":{"GracePeriod":-1,"Countdown":-1,"Snooze":-1},"InstallBehavior":0,"StartDeadlineEx":{"TimeFormat":"","StartTime":"\/Date(-62135596800000)\/","Deadline":"\/Date(-62135596800000)\/"}}`;

const GOOD = `
name: good
duration: 2d
device:
  users:
    - name: alice
      loggedOn: true
apps:
  - name: Seven Zip
    short:
      install: msiexec /i "7z.msi" /qn
      detection:
        - msi: "{23170F69-40C1-2702-2501-000001000000}"
    package:
      folder: ./pkg
    assignments:
      - intent: required
  - name: Portal
    policy: |
      Get policies = [${REAL_POLICY}]
    package:
      intunewin: ../fixtures/p.intunewin
    assignments:
      - intent: available
        target: user:alice
installers:
  - match: 7z.msi
    attempts:
      - exitCode: 1618
      - exitCode: 0
        duration: 2m
actions:
  - at: 25h
    do: resetApp
    app: Seven Zip
  - at: 1h
    do: requestInstall
    app: Portal
    user: alice
expect:
  - app: Seven Zip
    enforcementState: Success
    attempts: 2
  - log: AppWorkload.log
    contains: lpExitCode is defined as Retry
  - service: Portal
    installState: installed
`;

describe("scenario loader", () => {
  it("resolves a valid scenario: ids, users, packages, sorted actions", () => {
    const scenario = load(GOOD);
    expect(scenario.durationMs).toBe(2 * 86_400_000);
    expect(scenario.clockMode).toBe("virtual");
    expect(scenario.apps.map((app) => app.form)).toEqual(["short", "policy"]);
    expect(scenario.apps[0]?.id).toBe(stableGuid("app", "good/Seven Zip"));
    expect(scenario.apps[1]?.id).toBe("6e0911dd-6755-4eb7-8a75-ba02e685232b");
    expect(scenario.apps[0]?.package).toEqual({ kind: "folder", path: "/scenarios/pkg" });
    expect(scenario.apps[1]?.package).toEqual({ kind: "intunewin", path: "/fixtures/p.intunewin" });
    expect(scenario.users[0]?.sid).toMatch(/^S-1-12-1-\d+-\d+-\d+-\d+$/);
    expect(scenario.actions.map((action) => action.atMs)).toEqual([3_600_000, 25 * 3_600_000]);
  });

  it("gives the same ids on every load", () => {
    expect(load(GOOD).users[0]?.objectId).toBe(load(GOOD).users[0]?.objectId);
  });

  it("reports YAML syntax errors with their line", () => {
    expect(issuesOf("name: x\nname: y\n")).toEqual([
      { path: "(yaml)", line: 2, column: 1, message: "Map keys must be unique" },
    ]);
  });

  it("points a misspelt member at its own key", () => {
    const issues = issuesOf(GOOD.replace("    short:\n", "    shrot:\n"));
    const typo = issues.find((issue) => issue.path === "apps[0].shrot");
    expect(typo).toMatchObject({
      line: lineOf(GOOD, "short:"),
      column: 5,
      message: '"shrot" is not a known member here',
    });
  });

  it("lists the allowed values of a wrong constant", () => {
    const issues = issuesOf(GOOD.replace("intent: required", "intent: requird"));
    expect(issues).toEqual([
      {
        path: "apps[0].assignments[0].intent",
        line: lineOf(GOOD, "intent: required"),
        column: 17,
        message: "must be one of required, available, uninstall",
      },
    ]);
  });

  it("names the action kinds when `do` is wrong", () => {
    const [issue] = issuesOf(GOOD.replace("do: resetApp", "do: resetAp"));
    expect(issue?.path).toBe("actions[0].do");
    expect(issue?.line).toBe(lineOf(GOOD, "do: resetApp"));
    expect(issue?.message).toContain("must be one of logon, logoff, syncapp");
  });

  it("explains a malformed duration in words", () => {
    const [issue] = issuesOf(GOOD.replace("duration: 2d", "duration: 2 days"));
    expect(issue).toMatchObject({
      path: "duration",
      line: lineOf(GOOD, "duration: 2d"),
      message: "must be a duration (30s, 5m, 1h30m, 2d): how long to run, in simulated time",
    });
  });

  it("reports a missing required member where it must be added", () => {
    const text = GOOD.replace('      install: msiexec /i "7z.msi" /qn\n', "");
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({
      path: "apps[0].short",
      line: lineOf(text, "detection:"),
      message: 'required member "install" is missing',
    });
  });

  it("needs apps for a run, while `imesim agent`'s device-only scenario may leave them out", () => {
    const deviceOnly = "name: device only\nduration: 1h\ndevice: { name: PC-1 }\n";
    expect(issuesOf(deviceOnly).map((issue) => issue.message)).toEqual([
      'required member "apps" is missing (only `imesim agent --scenario` may leave it out)',
    ]);
    const loaded = parseScenario(deviceOnly, {
      file: "s.yaml",
      baseDir: "/scenarios",
      probe,
      appsOptional: true,
    });
    expect(loaded.apps).toEqual([]);
    expect(loaded.source.device?.name).toBe("PC-1");
  });

  it("picks the closest expectation kind for a wrong member", () => {
    const issues = issuesOf(GOOD.replace("    attempts: 2\n", "    attempt: 2\n"));
    expect(issues).toEqual([
      {
        path: "expect[0].attempt",
        line: lineOf(GOOD, "attempts: 2"),
        column: 5,
        message: '"attempt" is not a known member here',
      },
    ]);
  });

  it("checks references to apps and users with their lines", () => {
    const issues = issuesOf(
      GOOD.replace("  - app: Seven Zip\n", "  - app: Eight Zip\n").replace("user: alice\n", "user: bob\n"),
    );
    expect(issues.map((issue) => [issue.path, issue.line, issue.message])).toEqual([
      ["actions[1].user", lineOf(GOOD, "    user: alice"), 'no user named "bob" in device.users'],
      ["expect[0].app", lineOf(GOOD, "  - app: Seven Zip"), 'no app named "Eight Zip" in apps'],
    ]);
  });

  it("requires exactly one app form", () => {
    const issues = issuesOf(GOOD.replace("    policy: |", "    graph: {}\n    policy: |"));
    expect(issues[0]).toMatchObject({ path: "apps[1]", message: "give only one of graph, policy" });
  });

  it("reports pasted policy text that is not JSON", () => {
    const issues = issuesOf(GOOD.replace('"Targeted":1,', '"Targeted":1'));
    expect(issues[0]?.path).toBe("apps[1].policy");
    expect(issues[0]?.message).toMatch(/^is not valid policy JSON/);
  });

  it("reports a pasted policy member the IME would not accept, with its path inside the policy", () => {
    const issues = issuesOf(
      GOOD.replace('"InstallEx":"{', '"InstallEx":"[{').replace(
        '\\"DeviceRestartBehavior\\":1}"',
        '\\"DeviceRestartBehavior\\":1}]"',
      ),
    );
    expect(issues[0]?.path).toBe("apps[1].policy.InstallEx");
    expect(issues[0]?.line).toBe(lineOf(GOOD, "policy: |"));
  });

  it("reports a package path that does not exist", () => {
    const issues = issuesOf(GOOD.replace("folder: ./pkg", "folder: ./missing"));
    expect(issues[0]).toMatchObject({
      path: "apps[0].package.folder",
      line: lineOf(GOOD, "folder: ./pkg"),
      message: "folder /scenarios/missing does not exist",
    });
  });

  it("reports every problem at once, in file order", () => {
    const issues = issuesOf(
      GOOD.replace("duration: 2d", "duration: 1").replace("exitCode: 1618", "exitCode: lots"),
    );
    expect(issues.map((issue) => issue.path)).toEqual(["duration", "installers[0].attempts[0].exitCode"]);
    expect(issues[0]?.line).toBeLessThan(issues[1]?.line ?? 0);
  });

  it("rejects actions after the end and requests for apps that are not available", () => {
    const issues = issuesOf(
      GOOD.replace("at: 25h", "at: 3d").replace(
        "app: Portal\n    user: alice",
        "app: Seven Zip\n    user: alice",
      ),
    );
    expect(issues.map((issue) => issue.message)).toEqual([
      "is after the end of the scenario (duration 2d)",
      '"Seven Zip" has no available assignment, so it cannot be requested',
    ]);
  });

  it("checks registry data against its type", () => {
    const issues = issuesOf(
      GOOD.replace(
        "apps:\n",
        "  registry:\n    - key: HKLM\\SOFTWARE\\Contoso\n      name: Count\n      type: REG_DWORD\n      data: many\napps:\n",
      ),
    );
    expect(issues[0]).toMatchObject({
      path: "device.registry[0].data",
      message: "REG_DWORD data must be an integer from 0 to 4294967295",
    });
  });

  it("formats every issue as file:line:column in the error message", () => {
    expect(() => load(GOOD.replace("intent: required", "intent: x"))).toThrow(
      /s\.yaml:\d+:17: apps\[0\]\.assignments\[0\]\.intent/,
    );
  });
});

describe("published JSON Schema", () => {
  it("is up to date with the TypeBox schema (regenerate: node e2e/src/scenario/write-json-schema.ts)", () => {
    const file = fileURLToPath(new URL(`../../${SCENARIO_SCHEMA_FILE}`, import.meta.url));
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(JSON.parse(scenarioJsonSchemaText()));
  });
});

describe("app forms", () => {
  it("turns a short app into the Graph app an admin would send, and a Graph body is checked by the service's rules", () => {
    const scenario = parseScenario(
      `name: forms
duration: 1h
apps:
  - name: Tool
    short:
      install: install.cmd
      uninstall: uninstall.cmd
      runAs: user
      detection:
        - file: C:\\Program Files\\Tool\\tool.exe
          version: ">= 2.0"
        - registry: HKLM\\SOFTWARE\\Tool
          value: Version
          string: "== 2.0"
      requirements:
        architectures: [x64]
        rules:
          - script: Write-Output 42
            output: integer
            compare: "> 40"
      returnCodes: { "0": success, "1641": hardReboot }
    assignments:
      - intent: required
  - name: Graph App
    graph:
      "@odata.type": "#microsoft.graph.win32LobApp"
      displayName: Graph App
      installCommandLine: setup.exe /S
      uninstallCommandLine: uninstall.exe /S
      rules:
        - "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule"
          ruleType: detection
          path: C:\\Program Files\\Graph App
          fileOrFolderName: app.exe
          operationType: exists
          operator: notConfigured
`,
      { file: "forms.yaml", baseDir: "/", probe },
    );
    const short = scenario.apps[0]?.graphApp;
    expect(short?.installExperience?.runAsAccount).toBe("user");
    expect(short?.rules.map((rule) => rule["@odata.type"])).toEqual([
      "#microsoft.graph.win32LobAppFileSystemRule",
      "#microsoft.graph.win32LobAppRegistryRule",
      "#microsoft.graph.win32LobAppPowerShellScriptRule",
    ]);
    expect(short?.rules[0]).toMatchObject({
      path: "C:\\Program Files\\Tool",
      fileOrFolderName: "tool.exe",
      operationType: "version",
      operator: "greaterThanOrEqual",
      comparisonValue: "2.0",
    });
    expect(short?.returnCodes).toEqual([
      { returnCode: 0, type: "success" },
      { returnCode: 1641, type: "hardReboot" },
    ]);
    expect(scenario.apps[1]?.graphApp?.displayName).toBe("Graph App");
    expect(scenario.apps[1]?.assignments).toEqual([]);
  });

  it("reports a Graph body the service would reject at the member's line", () => {
    const text = `name: bad graph
duration: 1h
apps:
  - name: Graph App
    graph:
      "@odata.type": "#microsoft.graph.win32LobApp"
      displayName: Graph App
      installCommandLine: setup.exe /S
      uninstallCommandLine: uninstall.exe /S
      rules:
        - "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule"
          ruleType: detection
          path: C:\\Program Files\\Graph App
          fileOrFolderName: app.exe
          operationType: exists
          operator: equals
`;
    const [issue] = issuesOfText(text);
    expect(issue?.path).toBe("apps[0].graph.rules[0].operator");
    expect(issue?.line).toBe(16);
  });
});

function issuesOfText(text: string) {
  try {
    parseScenario(text, { file: "x.yaml", baseDir: "/", probe });
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  throw new Error("scenario unexpectedly loaded");
}

describe("pasted policies served as Graph apps", () => {
  it("turn back into the same policy through the service's Graph→IME conversion", async () => {
    const { policyToGraphApp } = await import("../../src/scenario/policy-to-graph.ts");
    const { parseWin32LobApp } = await import("@imesim/contracts/graph");
    const { policyFor } = await import("../../src/scenario/app-policy.ts");
    const scenario = load(GOOD);
    const pasted = scenario.apps[1]?.pastedPolicy;
    if (pasted === undefined) throw new Error("no pasted policy");
    const graphApp = parseWin32LobApp(policyToGraphApp(pasted, pasted.Id));
    const again = policyFor({ id: pasted.Id, graphApp, pastedPolicy: undefined }, { intent: "required" });
    for (const member of [
      "DetectionRule",
      "InstallCommandLine",
      "UninstallCommandLine",
      "RequirementRules",
      "ExtendedRequirementRules",
      "ReturnCodes",
      "SetUpFilePath",
    ] as const) {
      expect(again[member], member).toEqual(pasted[member]);
    }
    // RequiresLogon follows the assignment's target (the pasted one was user-targeted, this one is all devices).
    expect({ ...again.InstallEx, RequiresLogon: true }).toEqual(pasted.InstallEx);
  });
});
