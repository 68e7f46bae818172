// Issue 19, "Identity and isolation": a device can never speak for another object of the tenant.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  adminToken,
  createUser,
  deviceAssertion,
  deviceToken,
  enroll,
  requestApplications,
  startServer,
} from "./helpers.ts";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function started() {
  const server = await startServer();
  close = server.close;
  return server.server;
}

describe("users are tenant objects (contract U)", () => {
  it("refuses a device that names another device's id as its user, so it never sees that device's apps", async () => {
    const app = await started();
    const victim = await enroll(app, "VICTIM");
    const response = await app.inject({
      method: "POST",
      url: "/enrollment/devices",
      payload: {
        deviceName: "THIEF",
        users: [{ id: victim.deviceId, userPrincipalName: "thief@contoso.com" }],
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("ENROLLMENT_USER_UNKNOWN");
    expect(response.json().error.message).toContain(victim.deviceId);
    expect(app.intune.store.listDevices().map((device) => device.name)).toEqual(["VICTIM"]);
  });

  it("refuses an assertion whose oid is another device, or a user not allowed on this device", async () => {
    const app = await started();
    const victim = await enroll(app, "VICTIM");
    const thief = await enroll(app, "THIEF");
    const token = (oid: string) =>
      app.inject({
        method: "POST",
        url: `/${thief.tenantId}/oauth2/v2.0/token`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: "fc0f3af4-6835-4174-b806-f7db311fd2f3",
          scope: "26a4ae64-5862-427f-a9b0-044e62572a4f/.default",
          client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
          client_assertion: "",
        })
          .toString()
          .replace("client_assertion=", `client_assertion=${oid}`),
      });
    const asDevice = await token(await deviceAssertion(thief, { userId: victim.deviceId }));
    expect(asDevice.statusCode).toBe(401);
    expect(asDevice.json().error_description).toContain("not a user of this tenant");
    const asOtherUser = await token(await deviceAssertion(thief, { userId: victim.users[0]?.id as string }));
    expect(asOtherUser.statusCode).toBe(401);
    expect(asOtherUser.json().error_description).toContain("does not sign in on this device");
    expect(
      (await token(await deviceAssertion(thief, { userId: thief.users[0]?.id as string }))).statusCode,
    ).toBe(200);
  });

  it("enrolls users by id or UPN, and Graph lists and reads them", async () => {
    const app = await started();
    const id = await createUser(app, "ada@contoso.com", "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f");
    await createUser(app, "bob@contoso.com");
    const response = await app.inject({
      method: "POST",
      url: "/enrollment/devices",
      payload: {
        deviceName: "PC",
        users: [{ id, userPrincipalName: "ADA@contoso.com" }, { userPrincipalName: "bob@contoso.com" }],
      },
    });
    expect(response.statusCode).toBe(201);
    expect(
      response.json().users.map((user: { userPrincipalName: string }) => user.userPrincipalName),
    ).toEqual(["ada@contoso.com", "bob@contoso.com"]);
    const headers = { authorization: `Bearer ${await adminToken(app)}` };
    const listed = (await app.inject({ url: "/v1.0/users", headers })).json();
    expect(listed.value.map((user: { id: string }) => user.id)).toContain(id);
    const one = await app.inject({ url: `/beta/users/${id}`, headers });
    expect(one.json()).toMatchObject({ id, userPrincipalName: "ada@contoso.com", displayName: "ada" });
    expect((await app.inject({ url: `/beta/users/${randomUUID()}`, headers })).statusCode).toBe(404);
  });

  it("keeps device ids and user ids apart: a user cannot take a device's id, nor a taken UPN", async () => {
    const app = await started();
    const device = await enroll(app, "PC01");
    const headers = { authorization: `Bearer ${await adminToken(app)}` };
    const sameId = await app.inject({
      method: "POST",
      url: "/beta/users",
      headers,
      payload: { id: device.deviceId, userPrincipalName: "mallory@contoso.com" },
    });
    expect(sameId.statusCode).toBe(400);
    expect(sameId.json().error.message).toContain(device.deviceId);
    const sameUpn = await app.inject({
      method: "POST",
      url: "/beta/users",
      headers,
      payload: { userPrincipalName: "USER-PC01@contoso.com" },
    });
    expect(sameUpn.statusCode).toBe(400);
    expect(sameUpn.json().error.code).toBe("Request_BadRequest");
  });

  it("the gateway answers a token only for its device or the device's own users", async () => {
    const app = await started();
    const victim = await enroll(app, "VICTIM");
    const thief = await enroll(app, "THIEF");
    const call = (token: string) => requestApplications(app, token);
    // A token minted with the service's own key but naming another device as the user (as an older data
    // folder's self-declared users could): refused at the gateway too.
    const forged = await app.intune.tokens.issueDeviceToken(thief.deviceId, {
      id: victim.deviceId,
      userPrincipalName: "thief@contoso.com",
    });
    expect((await call(forged)).statusCode).toBe(401);
    expect((await call(await deviceToken(app, thief, thief.users[0]?.id))).statusCode).toBe(200);
  });
});
