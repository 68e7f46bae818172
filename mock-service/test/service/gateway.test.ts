import { randomUUID } from "node:crypto";
import { DeliveryOptimizationPriority } from "@imesim/contracts/enums";
import {
  createSideCarSessionRequest,
  decodePolicyListPayload,
  encodeWin32AppResultPayload,
  parseContentInfo,
  parseContentInfoPayload,
  parseDecryptInfo,
  parseDecryptInfoEnvelope,
  sideCarGatewayUrl,
} from "@imesim/contracts/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import {
  adminHeaders,
  adminToken,
  contentInfoRequest,
  deviceToken,
  type Enrolled,
  encryptedContent,
  enroll,
  installedResult,
  openEnvelope,
  sampleApp,
  startServer,
  uploadContent,
} from "./helpers.ts";

let app: MockIntuneServer;
let close: () => Promise<void>;
let admin: { authorization: string };
let member: Enrolled;
let outsider: Enrolled;
let requiredAppId: string;
let availableAppId: string;
const content = encryptedContent(Buffer.from("inner zip bytes ".repeat(1000)));

beforeAll(async () => {
  const started = await startServer();
  app = started.server;
  close = started.close;
  admin = { authorization: `Bearer ${await adminToken(app)}` };
  member = await enroll(app, "MEMBER");
  outsider = await enroll(app, "OUTSIDER");
  const group = await app.inject({
    method: "POST",
    url: "/v1.0/groups",
    payload: {
      displayName: "Pilot devices",
      "members@odata.bind": [`https://graph.microsoft.com/v1.0/directoryObjects/${member.deviceId}`],
    },
    headers: admin,
  });
  const groupId = group.json().id as string;
  requiredAppId = (
    await app.inject({
      method: "POST",
      url: "/beta/deviceAppManagement/mobileApps",
      payload: sampleApp({ displayName: "Required app" }),
      headers: admin,
    })
  ).json().id;
  await uploadContent(app, admin, requiredAppId, { ...content, size: 16000 });
  const assigned = await app.inject({
    method: "POST",
    url: `/beta/deviceAppManagement/mobileApps/${requiredAppId}/assignments`,
    payload: {
      "@odata.type": "#microsoft.graph.mobileAppAssignment",
      intent: "required",
      target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
      settings: {
        "@odata.type": "#microsoft.graph.win32LobAppAssignmentSettings",
        notifications: "showAll",
        deliveryOptimizationPriority: "foreground",
      },
    },
    headers: admin,
  });
  expect(assigned.statusCode).toBe(201);
  availableAppId = (
    await app.inject({
      method: "POST",
      url: "/beta/deviceAppManagement/mobileApps",
      payload: sampleApp({ displayName: "Available app" }),
      headers: admin,
    })
  ).json().id;
  await uploadContent(app, admin, availableAppId, { ...content, size: 16000 });
  const assign = await app.inject({
    method: "POST",
    url: `/beta/deviceAppManagement/mobileApps/${availableAppId}/assign`,
    payload: {
      mobileAppAssignments: [
        {
          intent: "available",
          target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" },
        },
      ],
    },
    headers: admin,
  });
  expect(assign.statusCode).toBe(204);
});
afterAll(async () => close());

async function session(token: string | undefined, type: string, payload = "[]", sessionId = randomUUID()) {
  const body = createSideCarSessionRequest({
    sessionId,
    requestContentType: type,
    requestPayload: payload,
    clientInfo: null,
    checkinReason: "AgentRestart",
  });
  return app.inject({
    method: "PUT",
    url: `/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.5`,
    payload: body,
    headers: {
      "content-type": "application/json",
      prefer: "return-content",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
  });
}

describe("service discovery", () => {
  it("lists the SideCar gateway at this service", async () => {
    const response = await app.inject(
      "/RestUserAuthLocationService/RestUserAuthLocationService/Certificate/ServiceAddresses",
    );
    expect(sideCarGatewayUrl(response.json())).toBe("http://localhost:80/SideCar");
  });
});

describe("SideCar gateway sessions", () => {
  it("answers RequestApplication with the device's encoded required apps and the check-in interval", async () => {
    const response = await session(await deviceToken(app, member), "RequestApplication");
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      ResponseContentType: "PolicyResponse",
      CheckinIntervalMinutes: 60,
      RequestContentType: "RequestApplication",
    });
    expect(body["odata.metadata"]).toContain("SideCarGatewaySessions");
    const policies = decodePolicyListPayload(body.ResponsePayload);
    expect(policies.map((policy) => [policy.Id, policy.Intent, policy.TargetType])).toEqual([
      [requiredAppId, 3, 2],
    ]);
    // The assignment asked for foreground delivery (DeliveryOptimizationPriority, contracts/enums policy.ts).
    expect(policies[0]?.DOPriority).toBe(DeliveryOptimizationPriority.Foreground);
    // The policy's InstallContext is 1 in every sample seen, a system app included (ime.md §11a Other).
    expect(policies[0]?.InstallContext).toBe(1);
  });

  it("gives user-targeted available apps to the user's session only", async () => {
    const user = member.users[0]?.id as string;
    const forUser = await session(await deviceToken(app, member, user), "GetAvailableApp");
    expect(
      decodePolicyListPayload(forUser.json().ResponsePayload).map((policy) => [
        policy.Id,
        policy.Intent,
        policy.TargetType,
      ]),
    ).toEqual([[availableAppId, 1, 1]]);
    expect(decodePolicyListPayload(forUser.json().ResponsePayload)[0]?.InstallContext).toBe(1);
    // No assignment settings: Graph's notConfigured, delivered as background.
    expect(decodePolicyListPayload(forUser.json().ResponsePayload)[0]?.DOPriority).toBe(
      DeliveryOptimizationPriority.Background,
    );
    const forSystem = await session(await deviceToken(app, member), "GetAvailableApp");
    expect(decodePolicyListPayload(forSystem.json().ResponsePayload)).toEqual([]);
  });

  it("gives a device outside the group no required apps", async () => {
    const response = await session(await deviceToken(app, outsider), "RequestApplication");
    expect(decodePolicyListPayload(response.json().ResponsePayload)).toEqual([]);
  });

  it("answers GetContentInfo with a content location and keys sealed to the device certificate", async () => {
    const response = await session(
      await deviceToken(app, member),
      "GetContentInfo",
      contentInfoRequest(requiredAppId, member),
    );
    expect(response.statusCode).toBe(200);
    const payload = parseContentInfoPayload(response.json().ResponsePayload, "ResponsePayload");
    const info = parseContentInfo(payload.ContentInfo);
    expect(info.SizeEncrypted).toBe(content.bin.length);
    expect(info.UploadLocation).toMatch(
      new RegExp(`^http://localhost:80/content/${requiredAppId}/[0-9a-f-]+\\.intunewin\\.bin\\?`),
    );
    const sealed = parseDecryptInfoEnvelope(payload.DecryptInfo as string);
    const keys = parseDecryptInfo(await openEnvelope(member, sealed));
    expect(keys).toMatchObject({
      EncryptionKey: content.info.encryptionKey,
      IV: content.info.initializationVector,
      MacKey: content.info.macKey,
      Mac: content.info.mac,
      ProfileIdentifier: "ProfileVersion1",
    });
    const download = await app.inject({ url: info.UploadLocation.replace("http://localhost:80", "") });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(content.bin)).toBe(true);
    const url = new URL(info.UploadLocation);
    url.searchParams.set("d", outsider.deviceId);
    expect((await app.inject({ url: `${url.pathname}${url.search}` })).statusCode).toBe(404);
  });

  it("answers 404 for another device's app or certificate, revealing nothing", async () => {
    const notAssigned = await session(
      await deviceToken(app, outsider),
      "GetContentInfo",
      contentInfoRequest(requiredAppId, outsider),
    );
    expect(notAssigned.statusCode).toBe(404);
    const otherCertificate = await session(
      await deviceToken(app, member),
      "GetContentInfo",
      contentInfoRequest(requiredAppId, outsider),
    );
    expect(otherCertificate.statusCode).toBe(404);
    expect(otherCertificate.json().error.message).toBe(notAssigned.json().error.message);
  });

  it("stores Win32AppResult reports as the app's per-device status", async () => {
    const report = installedResult(requiredAppId);
    const response = await session(
      await deviceToken(app, member),
      "Win32AppResult",
      encodeWin32AppResultPayload([report]),
    );
    expect(response.statusCode).toBe(200);
    const statuses = await app.inject({
      url: `/beta/deviceAppManagement/mobileApps/${requiredAppId}/deviceStatuses`,
      headers: admin,
    });
    expect(statuses.json().value).toEqual([
      expect.objectContaining({
        deviceId: member.deviceId,
        deviceName: "MEMBER",
        installState: "installed",
        errorCode: 0,
      }),
    ]);
    const positional = await app.inject({
      method: "POST",
      url: "/beta/deviceManagement/reports/getDeviceInstallStatusReport",
      payload: {
        select: ["DeviceName", "AppInstallState", "HexErrorCode", "DeviceId"],
        skip: 0,
        top: 50,
        filter: `(ApplicationId eq '${requiredAppId}')`,
        orderBy: [],
      },
      headers: admin,
    });
    expect(positional.headers["content-type"]).toBe("application/octet-stream");
    expect(JSON.parse(positional.body)).toEqual({
      TotalRowCount: 1,
      Schema: [
        { Column: "DeviceName", PropertyType: "String" },
        { Column: "AppInstallState", PropertyType: "Int32" },
        { Column: "AppInstallState_loc", PropertyType: "String" },
        { Column: "HexErrorCode", PropertyType: "String" },
        { Column: "DeviceId", PropertyType: "String" },
      ],
      Values: [["MEMBER", 1, "Installed", "0x00000000", member.deviceId]],
    });
    const badColumn = await app.inject({
      method: "POST",
      url: "/beta/deviceManagement/reports/getDeviceInstallStatusReport",
      payload: { select: ["AppInstallState_loc"] },
      headers: admin,
    });
    expect(badColumn.statusCode).toBe(400);
    const summary = await app.inject({
      url: `/beta/deviceAppManagement/mobileApps/${requiredAppId}/installSummary`,
      headers: admin,
    });
    expect(summary.json()).toMatchObject({
      installedDeviceCount: 1,
      failedDeviceCount: 0,
      installedUserCount: 0,
    });
    const outsiderReport = await session(
      await deviceToken(app, outsider),
      "Win32AppResult",
      encodeWin32AppResultPayload([{ ...report, ResultantAppState: 2 }]),
    );
    expect(outsiderReport.statusCode).toBe(200);
    const after = await app.inject({
      url: `/beta/deviceAppManagement/mobileApps/${requiredAppId}/deviceStatuses`,
      headers: admin,
    });
    expect(after.json().value).toHaveLength(1);
  });

  it("refuses bad sessions: no token, a Graph token, an unknown type, a malformed envelope, a wrong api-version", async () => {
    expect((await session(undefined, "RequestApplication")).statusCode).toBe(401);
    expect((await session(await adminToken(app), "RequestApplication")).statusCode).toBe(401);
    const token = await deviceToken(app, member);
    const unknown = await session(token, "GetEverything");
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toContain("GetEverything");
    const sessionId = randomUUID();
    const malformed = await app.inject({
      method: "PUT",
      url: `/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.5`,
      payload: { Key: sessionId, SessionId: sessionId, RequestContentType: "RequestApplication" },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toContain("RequestPayload");
    const version = await app.inject({
      method: "PUT",
      url: `/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.0`,
      payload: createSideCarSessionRequest({
        sessionId,
        requestContentType: "RequestApplication",
        clientInfo: null,
        checkinReason: "AgentRestart",
      }),
      headers: { authorization: `Bearer ${token}` },
    });
    expect(version.statusCode).toBe(400);
    const badContentInfo = await session(token, "GetContentInfo", '{"ApplicationId":1}');
    expect(badContentInfo.statusCode).toBe(400);
    const scripts = await session(token, "PolicyRequest");
    expect(scripts.json().ResponsePayload).toBe("[]");
  });

  it("injects gateway faults by RequestContentType and device, and expires a token early", async () => {
    const token = await deviceToken(app, member);
    const plan = {
      rules: [
        {
          id: "content-info-down",
          match: { route: "gateway", requestContentType: "GetContentInfo", deviceId: member.deviceId },
          effect: { kind: "status", status: 503 },
          times: 1,
        },
        {
          id: "early-expiry",
          match: { route: "gateway", deviceId: outsider.deviceId },
          effect: { kind: "expireToken" },
          times: 1,
        },
      ],
    };
    expect(
      (await app.inject({ headers: adminHeaders(app), method: "POST", url: "/admin/faults", payload: plan }))
        .statusCode,
    ).toBe(200);
    expect((await session(token, "RequestApplication")).statusCode).toBe(200);
    const failed = await session(token, "GetContentInfo", contentInfoRequest(requiredAppId, member));
    expect(failed.statusCode).toBe(503);
    expect(failed.json().error.code).toBe("serviceNotAvailable");
    expect(
      (await session(token, "GetContentInfo", contentInfoRequest(requiredAppId, member))).statusCode,
    ).toBe(200);
    const expired = await session(await deviceToken(app, outsider), "RequestApplication");
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toContain("expired");
    expect((await session(await deviceToken(app, outsider), "RequestApplication")).statusCode).toBe(200);
    const counters = (await app.inject({ url: "/admin/faults", headers: adminHeaders(app) })).json().counters;
    expect(counters).toEqual([
      { id: "content-info-down", injected: 1 },
      { id: "early-expiry", injected: 1 },
    ]);
    await app.inject({ headers: adminHeaders(app), method: "DELETE", url: "/admin/faults" });
  });

  it("carries dependencies into FlatDependencies and lists the dependency as not targeted", async () => {
    const dependencyId = (
      await app.inject({
        method: "POST",
        url: "/beta/deviceAppManagement/mobileApps",
        payload: sampleApp({ displayName: "Runtime" }),
        headers: admin,
      })
    ).json().id as string;
    await uploadContent(app, admin, dependencyId, { ...content, size: 16000 });
    const update = await app.inject({
      method: "POST",
      url: `/beta/deviceAppManagement/mobileApps/${requiredAppId}/microsoft.graph.updateRelationships`,
      payload: {
        relationships: [
          {
            "@odata.type": "#microsoft.graph.mobileAppDependency",
            dependencyType: "autoInstall",
            targetId: dependencyId,
          },
        ],
      },
      headers: admin,
    });
    expect(update.statusCode).toBe(204);
    const listed = await app.inject({
      url: `/beta/deviceAppManagement/mobileApps/${requiredAppId}/relationships`,
      headers: admin,
    });
    expect(listed.json().value).toEqual([
      expect.objectContaining({
        "@odata.type": "#microsoft.graph.mobileAppDependency",
        targetId: dependencyId,
        targetDisplayName: "Runtime",
        targetType: "child",
      }),
    ]);
    const self = await app.inject({
      method: "POST",
      url: `/beta/deviceAppManagement/mobileApps/${requiredAppId}/updateRelationships`,
      payload: {
        relationships: [
          {
            "@odata.type": "#microsoft.graph.mobileAppDependency",
            dependencyType: "detect",
            targetId: requiredAppId,
          },
        ],
      },
      headers: admin,
    });
    expect(self.statusCode).toBe(400);
    expect(self.json().error.message).toContain("relationships/0/targetId");

    const token = await deviceToken(app, member);
    const policies = decodePolicyListPayload(
      (await session(token, "RequestApplication")).json().ResponsePayload,
    );
    const parent = policies.find((policy) => policy.Id === requiredAppId);
    expect(parent?.FlatDependencies).toEqual([
      { Action: 10, AppId: requiredAppId, ChildId: dependencyId, Type: 0, Level: 0 },
    ]);
    expect(policies.find((policy) => policy.Id === dependencyId)).toMatchObject({
      Intent: 0,
      Targeted: 0,
      TargetType: 0,
    });
    const childContent = await session(token, "GetContentInfo", contentInfoRequest(dependencyId, member));
    expect(childContent.statusCode).toBe(200);
    await app.inject({
      method: "POST",
      url: `/beta/deviceAppManagement/mobileApps/${requiredAppId}/updateRelationships`,
      payload: { relationships: [] },
      headers: admin,
    });
    const after = decodePolicyListPayload(
      (await session(token, "RequestApplication")).json().ResponsePayload,
    );
    expect(after.map((policy) => policy.Id)).toEqual([requiredAppId]);
  });
});
