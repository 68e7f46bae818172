// Platform scripts and remediations on the mock (issue 16): Graph beta CRUD + assign, the gateway's
// PolicyRequest / GetScript answers per device, and PolicyResult uploads becoming Graph deviceRunStates.
import {
  parseHealthScriptPolicies,
  parsePlatformScriptPolicies,
  type ScriptResult,
} from "@imesim/contracts/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requiredPermission } from "../../src/graph/permissions.ts";
import type { MockIntuneServer } from "../../src/index.ts";
import type { Enrolled } from "./helpers.ts";
import { gatewaySession, startScriptWorld } from "./script-helpers.ts";

let app: MockIntuneServer;
let close: () => Promise<void>;
let admin: { authorization: string };
let member: Enrolled;
let outsider: Enrolled;
let groupId: string;

const b64 = (text: string) => Buffer.from(text).toString("base64");
const PLATFORM = "/beta/deviceManagement/deviceManagementScripts";
const HEALTH = "/beta/deviceManagement/deviceHealthScripts";

const session = (device: Enrolled, type: string, payload = "[]") =>
  gatewaySession(app, device, type, payload);

const result = (overrides: Partial<ScriptResult>): ScriptResult => ({
  PolicyType: "PlatformScript",
  PolicyId: "",
  PolicyVersion: 1,
  UserId: "00000000-0000-0000-0000-000000000000",
  Result: "Success",
  ResultDetails: null,
  ErrorCode: 0,
  RemediationStatus: null,
  PreRemediationDetectScriptOutput: null,
  PreRemediationDetectScriptError: null,
  RemediationScriptErrorDetails: null,
  PostRemediationDetectScriptOutput: null,
  PostRemediationDetectScriptError: null,
  DetectionScriptError: false,
  ...overrides,
});

beforeAll(async () => {
  ({ app, close, admin, member, outsider, groupId } = await startScriptWorld(
    ["MEMBER", "OUTSIDER"],
    "Script devices",
  ));
});
afterAll(async () => close());

describe("deviceManagementScripts", () => {
  it("needs the DeviceManagementConfiguration roles", () => {
    expect(requiredPermission("POST", "/devicemanagement/devicemanagementscripts")?.anyOf).toContain(
      "DeviceManagementConfiguration.ReadWrite.All",
    );
    expect(
      requiredPermission("GET", "/devicemanagement/devicehealthscripts/x/devicerunstates")?.anyOf,
    ).toContain("DeviceManagementConfiguration.Read.All");
  });

  it("refuses a script without content, naming the member", async () => {
    const response = await app.inject({
      method: "POST",
      url: PLATFORM,
      headers: admin,
      payload: { displayName: "x" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain("scriptContent");
  });

  it("is created with Graph's defaults, delivered to assigned devices only, versioned by content, and reports run states", async () => {
    const created = await app.inject({
      method: "POST",
      url: PLATFORM,
      headers: admin,
      payload: { displayName: "Set marker", scriptContent: b64("Write-Output hi") },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      runAsAccount: "system",
      runAs32Bit: false,
      fileName: "Set marker.ps1",
    });
    const id = created.json().id as string;
    const assigned = await app.inject({
      method: "POST",
      url: `${PLATFORM}/${id}/assign`,
      headers: admin,
      payload: {
        deviceManagementScriptAssignments: [
          { target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId } },
        ],
      },
    });
    expect(assigned.statusCode).toBe(204);

    const delivered = parsePlatformScriptPolicies(await session(member, "PolicyRequest"));
    expect(delivered).toEqual([
      {
        PolicyId: id,
        PolicyVersion: 1,
        FileName: "Set marker.ps1",
        PolicyBody: b64("Write-Output hi"),
        RunAsAccount: "system",
        RunAs32Bit: false,
        EnforceSignatureCheck: false,
      },
    ]);
    expect(parsePlatformScriptPolicies(await session(outsider, "PolicyRequest"))).toEqual([]);

    // A rename keeps the version; new content makes version 2.
    await app.inject({
      method: "PATCH",
      url: `${PLATFORM}/${id}`,
      headers: admin,
      payload: { displayName: "Renamed" },
    });
    expect(parsePlatformScriptPolicies(await session(member, "PolicyRequest"))[0]?.PolicyVersion).toBe(1);
    await app.inject({
      method: "PATCH",
      url: `${PLATFORM}/${id}`,
      headers: admin,
      payload: { scriptContent: b64("exit 1") },
    });
    expect(parsePlatformScriptPolicies(await session(member, "PolicyRequest"))[0]?.PolicyVersion).toBe(2);

    const report = JSON.stringify([
      result({ PolicyId: id, PolicyVersion: 2, Result: "Failed", ErrorCode: 1, ResultDetails: "boom" }),
    ]);
    expect(await session(member, "PolicyResult", report)).toBeNull();
    await session(outsider, "PolicyResult", report); // not assigned there: dropped
    const states = await app.inject({ url: `${PLATFORM}/${id}/deviceRunStates`, headers: admin });
    expect(states.json().value).toEqual([
      expect.objectContaining({
        id: `${id}:${member.deviceId}`,
        runState: "fail",
        resultMessage: "boom",
        errorCode: 1,
        managedDevice: { id: member.deviceId, deviceName: "MEMBER" },
      }),
    ]);
  });
});

describe("deviceHealthScripts", () => {
  it("delivers the assignment's schedule and maps the remediation status to detection and remediation states", async () => {
    const created = await app.inject({
      method: "POST",
      url: HEALTH,
      headers: admin,
      payload: {
        displayName: "Keep marker",
        detectionScriptContent: b64("exit 1"),
        remediationScriptContent: b64("fix"),
      },
    });
    const id = created.json().id as string;
    const badSchedule = await app.inject({
      method: "POST",
      url: `${HEALTH}/${id}/assign`,
      headers: admin,
      payload: {
        deviceHealthScriptAssignments: [
          {
            target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" },
            runSchedule: { "@odata.type": "#microsoft.graph.deviceHealthScriptDailySchedule", interval: 1 },
          },
        ],
      },
    });
    expect(badSchedule.statusCode).toBe(400);
    expect(badSchedule.body).toContain("runSchedule.time");
    await app.inject({
      method: "POST",
      url: `${HEALTH}/${id}/assign`,
      headers: admin,
      payload: {
        deviceHealthScriptAssignments: [
          {
            target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" },
            runRemediationScript: true,
            runSchedule: {
              "@odata.type": "#microsoft.graph.deviceHealthScriptDailySchedule",
              interval: 2,
              time: "09:30:00.0000000",
              useUtc: true,
            },
          },
        ],
      },
    });
    const assignments = await app.inject({ url: `${HEALTH}/${id}/assignments`, headers: admin });
    // S12: Graph reads runRemediationScript back as false whatever was sent.
    expect(assignments.json().value[0]).toMatchObject({ runRemediationScript: false });
    const [policy] = parseHealthScriptPolicies(await session(outsider, "GetScript"));
    expect(policy).toMatchObject({
      PolicyId: id,
      DetectionScript: b64("exit 1"),
      RemediationScript: b64("fix"),
      Schedule: { Type: "Daily", Interval: 2, Time: "09:30:00", Date: null, UseUtc: true },
    });

    const report = (status: number | null, pre: "Success" | "Failed") =>
      JSON.stringify([
        result({
          PolicyType: "HealthScript",
          PolicyId: id,
          Result: pre,
          RemediationStatus: status,
          PreRemediationDetectScriptOutput: "missing",
          PostRemediationDetectScriptOutput: status === 1 ? "present" : null,
        }),
      ]);
    const stateAfter = async (status: number | null, pre: "Success" | "Failed") => {
      await session(outsider, "PolicyResult", report(status, pre));
      const states = await app.inject({ url: `${HEALTH}/${id}/deviceRunStates`, headers: admin });
      const entry = states.json().value[0];
      return [entry.detectionState, entry.remediationState];
    };
    expect(await stateAfter(1, "Failed")).toEqual(["fail", "success"]);
    expect(await stateAfter(2, "Failed")).toEqual(["fail", "remediationFailed"]);
    expect(await stateAfter(3, "Failed")).toEqual(["fail", "scriptError"]);
    expect(await stateAfter(4, "Success")).toEqual(["success", "skipped"]);
    expect(await stateAfter(null, "Failed")).toEqual(["fail", "skipped"]);
  });
});
