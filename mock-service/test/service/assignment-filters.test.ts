import { randomUUID } from "node:crypto";
import type { DecodedImePolicy } from "@imesim/contracts/ime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import {
  adminToken,
  type Enrolled,
  encryptedContent,
  requiredAppList,
  sampleApp,
  startServer,
  uploadContent,
} from "./helpers.ts";

let app: MockIntuneServer;
let close: () => Promise<void>;
let admin: { authorization: string };

beforeAll(async () => {
  ({ server: app, close } = await startServer());
  admin = { authorization: `Bearer ${await adminToken(app)}` };
});
afterAll(async () => close());

const filters = "/beta/deviceManagement/assignmentFilters";

async function createFilter(rule: string): Promise<string> {
  const response = await app.inject({
    method: "POST",
    url: filters,
    payload: { displayName: `filter ${randomUUID()}`, platform: "windows10AndLater", rule },
    headers: admin,
  });
  expect(response.statusCode).toBe(201);
  return response.json().id as string;
}

async function enrollWith(name: string, filterProperties?: Record<string, string>): Promise<Enrolled> {
  const response = await app.inject({
    method: "POST",
    url: "/enrollment/devices",
    payload: {
      deviceName: name,
      osVersion: "10.0.26100.2894",
      ...(filterProperties === undefined ? {} : { filterProperties }),
    },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as Enrolled;
}

/** A published app assigned to all devices as required, with the given filter. */
async function filteredApp(filterId: string, filterType: "include" | "exclude"): Promise<string> {
  const created = await app.inject({
    method: "POST",
    url: "/beta/deviceAppManagement/mobileApps",
    payload: sampleApp({ displayName: `filtered ${filterType}` }),
    headers: admin,
  });
  const appId = created.json().id as string;
  const plain = Buffer.from("filtered app content");
  await uploadContent(app, admin, appId, { ...encryptedContent(plain), size: plain.length });
  const assigned = await app.inject({
    method: "POST",
    url: `/beta/deviceAppManagement/mobileApps/${appId}/assignments`,
    payload: {
      intent: "required",
      target: {
        "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
        deviceAndAppManagementAssignmentFilterId: filterId,
        deviceAndAppManagementAssignmentFilterType: filterType,
      },
    },
    headers: admin,
  });
  expect(assigned.statusCode).toBe(201);
  return appId;
}

describe("assignment filters (graph-win32.md §3.1, ime.md §7.6 and §11b)", () => {
  it("are created, read, listed, patched and deleted through Graph; a rule the service refuses is a 400 naming what is wrong", async () => {
    const id = await createFilter('device.manufacturer -eq "Contoso"');
    const read = await app.inject({ url: `${filters}/${id}`, headers: admin });
    expect(read.json()).toMatchObject({
      "@odata.type": "#microsoft.graph.deviceAndAppManagementAssignmentFilter",
      id,
      platform: "windows10AndLater",
      rule: 'device.manufacturer -eq "Contoso"',
      roleScopeTags: ["0"],
    });
    const listed = await app.inject({ url: `${filters}?$filter=id eq '${id}'`, headers: admin });
    expect(listed.json().value).toHaveLength(1);
    const patched = await app.inject({
      method: "PATCH",
      url: `${filters}/${id}`,
      payload: { rule: 'device.model -startsWith "Surface"' },
      headers: admin,
    });
    expect(patched.statusCode).toBe(204);
    expect((await app.inject({ url: `${filters}/${id}`, headers: admin })).json().rule).toBe(
      'device.model -startsWith "Surface"',
    );
    const badRule = await app.inject({
      method: "POST",
      url: filters,
      payload: { displayName: "bad", platform: "windows10AndLater", rule: 'device.deviceName -endsWith "x"' },
      headers: admin,
    });
    expect(badRule.statusCode).toBe(400);
    expect(badRule.json().error.message).toContain("'-endsWith' is not a filter operator");
    const badPatch = await app.inject({
      method: "PATCH",
      url: `${filters}/${id}`,
      payload: { rule: "device.model -eq 'x'" },
      headers: admin,
    });
    expect(badPatch.statusCode).toBe(400);
    const ios = await app.inject({
      method: "POST",
      url: filters,
      payload: { displayName: "ios", platform: "iOS", rule: 'device.model -eq "x"' },
      headers: admin,
    });
    expect(ios.statusCode).toBe(400);
    expect(ios.json().error.message).toContain("platform 'iOS' is not supported here");
    expect((await app.inject({ method: "DELETE", url: `${filters}/${id}`, headers: admin })).statusCode).toBe(
      204,
    );
    expect((await app.inject({ url: `${filters}/${id}`, headers: admin })).statusCode).toBe(404);
  });

  it("validateFilter answers isValidRule for a rule, and 400 for an empty one (S12 V51)", async () => {
    const validate = (rule: string) =>
      app.inject({
        method: "POST",
        url: `${filters}/validateFilter`,
        payload: { deviceAndAppManagementAssignmentFilter: { platform: "windows10AndLater", rule } },
        headers: admin,
      });
    expect(
      (await validate('(device.deviceName -eq "a") or device.model -in ["b", "c"]')).json(),
    ).toMatchObject({
      isValidRule: true,
    });
    expect((await validate("device.deviceName -eq 'a'")).json()).toMatchObject({ isValidRule: false });
    expect((await validate("   ")).statusCode).toBe(400);
  });

  it("the service evaluates include and exclude filters against each device and marks the policy 1010 where it is filtered out", async () => {
    const contoso = await createFilter(
      'device.manufacturer -eq "contoso" and device.operatingSystemVersion -ge 10.0.22000',
    );
    const included = await filteredApp(contoso, "include");
    const excluded = await filteredApp(contoso, "exclude");
    const matching = await enrollWith("PC-CONTOSO", { manufacturer: "Contoso", model: "Surface Laptop 5" });
    const other = await enrollWith("PC-OTHER");
    const stateOf = (policies: DecodedImePolicy[], appId: string) => {
      const policy = policies.find((item) => item.Id === appId);
      expect(policy, `the policy of ${appId}`).toBeDefined();
      return policy?.AppApplicabilityStateDueToAssginmentFilters;
    };
    const onMatching = await requiredAppList(app, matching);
    expect(stateOf(onMatching, included)).toBeNull();
    expect(stateOf(onMatching, excluded)).toBe(1010);
    const onOther = await requiredAppList(app, other);
    expect(stateOf(onOther, included)).toBe(1010);
    expect(stateOf(onOther, excluded)).toBeNull();
    expect(onOther.find((item) => item.Id === included)?.AssignmentFilterIds).toEqual([contoso]);
    // A filter an assignment uses cannot be deleted out from under it.
    const remove = await app.inject({ method: "DELETE", url: `${filters}/${contoso}`, headers: admin });
    expect(remove.statusCode).toBe(400);
    expect(remove.json().error.message).toContain("is used by an assignment");
  });
});
