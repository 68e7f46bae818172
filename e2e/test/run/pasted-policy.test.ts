// A policy pasted from a log reaches the agent as pasted (review #1): the members Graph has no field for
// (RequiredOSArchitecture null, MaxRetries 15 / RetryIntervalInMinutes 3, a build between two releases) arrive
// byte for byte in their double-encoded members, and the device acts on them (an arm64 device applies).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runScenario } from "../../src/run/run-scenario.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";

const PACKAGE = fileURLToPath(new URL("../../scenarios/packages/7zip-msi", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "imesim-pasted-policy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The 7-Zip policy of ime.md §2.1 with the members a Graph round trip used to lose. */
const PASTED: Record<string, unknown> = {
  Id: "6e0911dd-6755-4eb7-8a75-ba02e685232b",
  Name: "GBL-WIN11-7z2501-x64",
  Version: 1,
  Intent: 3,
  TargetType: 2,
  AppApplicabilityStateDueToAssginmentFilters: null,
  AssignmentFilterIds: null,
  DetectionRule:
    '[{"DetectionType":2,"DetectionText":"{\\"Path\\":\\"C:\\\\\\\\Program Files\\\\\\\\7-zip\\",\\"FileOrFolderName\\":\\"7z.exe\\",\\"Check32BitOn64System\\":false,\\"DetectionType\\":4,\\"Operator\\":5,\\"DetectionValue\\":\\"25.01.00.0\\"}"}]',
  InstallCommandLine: 'msiexec /i "7z2501-x64.msi" /qn',
  UninstallCommandLine: 'msiexec /x "{23170F69-40C1-2702-2501-000001000000}" /qn',
  RequirementRules:
    '{"RequiredOSArchitecture":null,"MinimumFreeDiskSpaceInMB":null,"MinimumWindows10BuildNumer":"10.0.22999","MinimumMemoryInMB":null,"MinimumNumberOfProcessors":null,"MinimumCpuSpeed":null,"RunAs32Bit":false}',
  ExtendedRequirementRules: "[]",
  InstallEx:
    '{"RunAs":1,"RequiresLogon":false,"InstallProgramVisibility":3,"MaxRetries":15,"RetryIntervalInMinutes":3,"MaxRunTimeInMinutes":60,"DeviceRestartBehavior":1}',
  ReturnCodes:
    '[{"ReturnCode":0,"Type":1},{"ReturnCode":1707,"Type":1},{"ReturnCode":3010,"Type":2},{"ReturnCode":1641,"Type":3},{"ReturnCode":1618,"Type":4}]',
  AvailableAppEnforcement: 1,
  SetUpFilePath: "7z2501-x64.msi",
  ToastState: 0,
  Targeted: 1,
  FlatDependencies: null,
  MetadataVersion: 4,
  RelationVersion: 0,
  RebootEx: { GracePeriod: -1, Countdown: -1, Snooze: -1 },
  InstallBehavior: 0,
  StartDeadlineEx: {
    TimeFormat: "",
    StartTime: "/Date(-62135596800000)/",
    Deadline: "/Date(-62135596800000)/",
  },
};
const ENCODED = ["DetectionRule", "RequirementRules", "ExtendedRequirementRules", "InstallEx", "ReturnCodes"];

function scenarioFile(): string {
  const file = join(dir, "pasted.yaml");
  writeFileSync(
    file,
    [
      "name: pasted policy verbatim",
      "duration: 2h",
      "device:",
      "  profile: { osBuild: 10.0.26100, architecture: arm64 }",
      "apps:",
      "  - name: 7-Zip",
      "    policy: |",
      `      Get policies = ${JSON.stringify([PASTED])}`,
      `    package: { folder: ${JSON.stringify(PACKAGE)} }`,
      "    assignments: [{ intent: required }]",
      "installers:",
      `  - match: 'msiexec /i "7z2501-x64.msi" /qn'`,
      "    attempts:",
      "      - exitCode: 0",
      "        files: [{ path: C:\\Program Files\\7-zip\\7z.exe, version: 25.1.0.0 }]",
      "expect:",
      "  - app: 7-Zip",
      "    enforcementState: Success",
      "",
    ].join("\n"),
  );
  return file;
}

describe("a pasted IME policy", () => {
  it("arrives at the agent byte for byte in its double-encoded members, and an arm64 device applies it", async () => {
    const result = await runScenario(loadScenarioFile(scenarioFile()));
    const device = result.devices[0];
    const log = device?.outcome.readLog("AppWorkload.log") ?? "";
    const received = /Get policies = (\[.*?\])\]LOG\]!>/.exec(log)?.[1];
    expect(received).toBeDefined();
    for (const member of ENCODED) expect(received).toContain(`"${member}":${JSON.stringify(PASTED[member])}`);
    const [policy] = JSON.parse(received ?? "[]") as Record<string, unknown>[];
    for (const member of ENCODED) expect(policy?.[member]).toBe(PASTED[member]);
    expect(policy).toMatchObject({ Name: "GBL-WIN11-7z2501-x64", Intent: 3, AvailableAppEnforcement: 1 });
    expect(result.passed).toBe(true);
  });
});
