// A pasted IME policy set as an app's override reaches the device as pasted: the double-encoded members
// (DetectionRule, RequirementRules, InstallEx, ReturnCodes, …) byte for byte, members Graph cannot express
// included, while the assignment still decides who gets it and with which intent.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeAppListPayload } from "@imesim/contracts/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, importApp, type MockIntuneServer } from "../../src/index.ts";
import {
  adminHeaders,
  adminToken,
  type Enrolled,
  enroll,
  requiredAppListPayload,
  sampleApp,
} from "./helpers.ts";

const fixture = fileURLToPath(
  new URL("../../../fixtures/intunewin/Rhuberry_TimeZoneAutoUpdate__install.intunewin", import.meta.url),
);

/** The 7-Zip policy of ime.md §2.1 as AppWorkload.log prints it, with members Graph has no field for. */
const PASTED_POLICY: Record<string, unknown> = {
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
    '{"RunAs":1,"RequiresLogon":true,"InstallProgramVisibility":3,"MaxRetries":15,"RetryIntervalInMinutes":3,"MaxRunTimeInMinutes":60,"DeviceRestartBehavior":1}',
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
const ENCODED_MEMBERS = [
  "DetectionRule",
  "RequirementRules",
  "ExtendedRequirementRules",
  "InstallEx",
  "ReturnCodes",
];

let server: MockIntuneServer;
let dataDir: string;
let appId: string;
let device: Enrolled;
let admin: { authorization: string };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "imesim-policy-override-"));
  server = await buildServer({ dataDir, logger: false });
  const { fileName: _fileName, setupFilePath: _setup, ...graphApp } = sampleApp();
  appId = (
    await importApp(server, {
      graphApp: { ...graphApp, displayName: "7-Zip" },
      intunewinPath: fixture,
      assignments: [
        { intent: "required", target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } },
      ],
    })
  ).appId;
  device = await enroll(server);
  admin = { authorization: `Bearer ${await adminToken(server)}` };
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The app list as the device receives it: the JSON text inside the gzip + base64 payload, unparsed. */
async function requiredAppsText(): Promise<string> {
  return decodeAppListPayload(await requiredAppListPayload(server, device));
}

const overrideUrl = () => `/admin/apps/${appId}/imePolicy`;

describe("per-app IME policy override", () => {
  it("serves the pasted policy verbatim, with this service's app id and the assignment's intent", async () => {
    const before = JSON.parse(await requiredAppsText()) as Record<string, unknown>[];
    expect(before[0]?.InstallEx).not.toBe(PASTED_POLICY.InstallEx); // derived from Graph: 3 retries, 5 minutes
    const put = await server.inject({
      headers: adminHeaders(server),
      method: "PUT",
      url: overrideUrl(),
      payload: PASTED_POLICY,
    });
    expect(put.statusCode).toBe(204);

    const text = await requiredAppsText();
    const [policy] = JSON.parse(text) as Record<string, unknown>[];
    for (const member of ENCODED_MEMBERS) expect(policy?.[member]).toBe(PASTED_POLICY[member]);
    for (const member of ENCODED_MEMBERS)
      expect(text).toContain(`"${member}":${JSON.stringify(PASTED_POLICY[member])}`);
    expect(policy).toMatchObject({
      Id: appId,
      Name: "GBL-WIN11-7z2501-x64",
      Intent: 3,
      TargetType: 2,
      AvailableAppEnforcement: 1,
      SetUpFilePath: "7z2501-x64.msi",
      ToastState: 0,
    });
    expect((await server.inject({ headers: adminHeaders(server), url: overrideUrl() })).json()).toEqual(
      PASTED_POLICY,
    );
  });

  it("keeps the override out of Graph's view of the app and across a Graph PATCH", async () => {
    const url = `/beta/deviceAppManagement/mobileApps/${appId}`;
    const patched = await server.inject({
      method: "PATCH",
      url,
      headers: admin,
      payload: { displayVersion: "25.01" },
    });
    expect(patched.statusCode).toBe(204);
    const shown = (await server.inject({ url, headers: admin })).json();
    expect(shown.displayVersion).toBe("25.01");
    expect(Object.keys(shown).some((key) => key.includes("imePolicy"))).toBe(false);
    const [policy] = JSON.parse(await requiredAppsText()) as Record<string, unknown>[];
    expect(policy?.InstallEx).toBe(PASTED_POLICY.InstallEx);
  });

  it("refuses a policy that is not an IME policy (400 naming the member) and changes nothing", async () => {
    const bad = await server.inject({
      headers: adminHeaders(server),
      method: "PUT",
      url: overrideUrl(),
      payload: { ...PASTED_POLICY, InstallEx: '{"RunAs":"system"}' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain("InstallEx");
    expect((await server.inject({ headers: adminHeaders(server), url: overrideUrl() })).json()).toEqual(
      PASTED_POLICY,
    );
    const unknown = await server.inject({
      headers: adminHeaders(server),
      method: "PUT",
      url: `/admin/apps/${randomUUID()}/imePolicy`,
      payload: PASTED_POLICY,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it("goes back to the Graph-derived policy when the override is deleted", async () => {
    expect(
      (await server.inject({ headers: adminHeaders(server), method: "DELETE", url: overrideUrl() }))
        .statusCode,
    ).toBe(204);
    const [policy] = JSON.parse(await requiredAppsText()) as Record<string, unknown>[];
    expect(policy?.InstallEx).not.toBe(PASTED_POLICY.InstallEx);
    expect((await server.inject({ headers: adminHeaders(server), url: overrideUrl() })).statusCode).toBe(404);
  });
});
