// Custom compliance on the mock (issue 16): Graph beta deviceComplianceScripts and a compliance policy's
// deviceCompliancePolicyScript (rules checked on write), the gateway's GetComplianceScript answer per
// device, and ComplianceScriptResult uploads becoming deviceStatuses and deviceCompliancePolicyStates.
import { type ComplianceScriptResult, parseComplianceScriptPolicies } from "@imesim/contracts/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
const SCRIPTS = "/beta/deviceManagement/deviceComplianceScripts";
const POLICIES = "/beta/deviceManagement/deviceCompliancePolicies";
const rules = (operator = "GreaterEquals") =>
  JSON.stringify({
    Rules: [
      {
        SettingName: "FreeGb",
        Operator: operator,
        DataType: "Int64",
        Operand: 20,
        RemediationStrings: [
          { Language: "en_US", Title: "Only {ActualValue} GB free.", Description: "Free disk space." },
        ],
      },
    ],
  });

const session = (device: Enrolled, type: string, payload = "[]") =>
  gatewaySession(app, device, type, payload);

beforeAll(async () => {
  ({ app, close, admin, member, outsider, groupId } = await startScriptWorld(
    ["CMEMBER", "COUTSIDER"],
    "Compliance devices",
  ));
});
afterAll(async () => close());

describe("custom compliance on the mock", () => {
  it("refuses rules it cannot evaluate, naming the rule", async () => {
    const script = await app.inject({
      method: "POST",
      url: SCRIPTS,
      headers: admin,
      payload: { displayName: "Disk", detectionScriptContent: b64("@{FreeGb=1} | ConvertTo-Json -Compress") },
    });
    const response = await app.inject({
      method: "POST",
      url: POLICIES,
      headers: admin,
      payload: {
        displayName: "Disk policy",
        deviceCompliancePolicyScript: {
          deviceComplianceScriptId: script.json().id,
          rulesContent: b64(rules("Contains")),
        },
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain("Contains");
    expect(response.body).toContain("Rules[0].Operator");
  });

  it("delivers the script and rules to assigned devices and shows the reported state per device and setting", async () => {
    const script = await app.inject({
      method: "POST",
      url: SCRIPTS,
      headers: admin,
      payload: { displayName: "Disk", detectionScriptContent: b64("discover") },
    });
    expect(script.statusCode).toBe(201);
    expect(script.json()).toMatchObject({ runAsAccount: "system", runAs32Bit: false });
    const policy = await app.inject({
      method: "POST",
      url: POLICIES,
      headers: admin,
      payload: {
        "@odata.type": "#microsoft.graph.windows10CompliancePolicy",
        displayName: "Disk policy",
        deviceCompliancePolicyScript: {
          deviceComplianceScriptId: script.json().id,
          rulesContent: b64(rules()),
        },
      },
    });
    expect(policy.statusCode, policy.body).toBe(201);
    const policyId = policy.json().id as string;
    const assign = await app.inject({
      method: "POST",
      url: `${POLICIES}/${policyId}/assign`,
      headers: admin,
      payload: {
        assignments: [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId } }],
      },
    });
    expect(assign.statusCode).toBe(204);
    const assignBody = async (payload: object) =>
      app.inject({ method: "POST", url: `${POLICIES}/${policyId}/assign`, headers: admin, payload });
    const noList = await assignBody({ deviceCompliancePolicyAssignments: [] });
    expect(noList.statusCode).toBe(400);
    expect(noList.body).toContain("The body needs an array 'assignments'.");
    const noTarget = await assignBody({ assignments: [{ target: { groupId } }] });
    expect(noTarget.body).toContain("assignments[0].target needs an @odata.type.");
    const listed = await app.inject({ url: `${POLICIES}/${policyId}/assignments`, headers: admin });
    expect(listed.json().value).toEqual([
      expect.objectContaining({
        "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
        target: expect.objectContaining({ groupId }),
      }),
    ]);

    const delivered = parseComplianceScriptPolicies(await session(member, "GetComplianceScript"));
    expect(delivered).toEqual([
      expect.objectContaining({
        PolicyId: policyId,
        PolicyVersion: 1,
        DetectionScript: b64("discover"),
        Rules: rules(),
      }),
    ]);
    expect(parseComplianceScriptPolicies(await session(outsider, "GetComplianceScript"))).toEqual([]);

    const report = (compliant: boolean, actual: string): ComplianceScriptResult => ({
      PolicyId: policyId,
      PolicyVersion: 1,
      UserId: "00000000-0000-0000-0000-000000000000",
      Compliant: compliant,
      ErrorCode: 0,
      DiscoveryOutput: `{"FreeGb":${actual}}`,
      Settings: [
        {
          SettingName: "FreeGb",
          State: compliant ? "compliant" : "nonCompliant",
          ActualValue: actual,
          RemediationTitle: compliant ? null : `Only ${actual} GB free.`,
          RemediationDescription: compliant ? null : "Free disk space.",
          MoreInfoUrl: null,
          ErrorDetail: null,
        },
      ],
    });
    expect(await session(member, "ComplianceScriptResult", JSON.stringify([report(false, "5")]))).toBeNull();
    // An outsider's report for a policy that does not reach it is dropped.
    await session(outsider, "ComplianceScriptResult", JSON.stringify([report(true, "50")]));
    const statuses = await app.inject({
      method: "GET",
      url: `${POLICIES}/${policyId}/deviceStatuses`,
      headers: admin,
    });
    expect(statuses.json().value).toEqual([expect.objectContaining({ status: "noncompliant" })]);
    const states = await app.inject({
      method: "GET",
      url: `/beta/deviceManagement/managedDevices/${member.deviceId}/deviceCompliancePolicyStates`,
      headers: admin,
    });
    expect(states.json().value[0]).toMatchObject({
      id: policyId,
      state: "nonCompliant",
      settingStates: [
        {
          settingName: "FreeGb",
          state: "nonCompliant",
          currentValue: "5",
          errorDescription: "Only 5 GB free. Free disk space.",
        },
      ],
    });

    await session(member, "ComplianceScriptResult", JSON.stringify([report(true, "25")]));
    const again = await app.inject({
      method: "GET",
      url: `${POLICIES}/${policyId}/deviceStatuses`,
      headers: admin,
    });
    expect(again.json().value).toEqual([expect.objectContaining({ status: "compliant" })]);

    // Changing the rules makes a new version the device evaluates.
    const patched = await app.inject({
      method: "PATCH",
      url: `${POLICIES}/${policyId}`,
      headers: admin,
      payload: {
        deviceCompliancePolicyScript: {
          deviceComplianceScriptId: script.json().id,
          rulesContent: b64(rules("GreaterThan")),
        },
      },
    });
    expect(patched.statusCode).toBe(204);
    expect(
      parseComplianceScriptPolicies(await session(member, "GetComplianceScript"))[0]?.PolicyVersion,
    ).toBe(2);
  });
});
