// Issue 19: every grant honours the client lock, and Graph routes check roles / scp per route family.
import { afterEach, describe, expect, it } from "vitest";
import { requiredPermission } from "../../src/graph/permissions.ts";
import type { MockIntuneServer } from "../../src/index.ts";
import { adminToken, sampleApp, startServer } from "./helpers.ts";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const publicClient = "d1ddf0e4-d672-4dae-b554-9d5bdfd93547";
const formHeaders = { "content-type": "application/x-www-form-urlencoded" };

/** Device-code sign-in (the mock approves at once): the device-code answer and the token poll. */
async function deviceCodeSignIn(app: MockIntuneServer, clientId: string, scope: string) {
  const tenant = app.intune.tokens.tenantId;
  const code = await app.inject({
    method: "POST",
    url: `/${tenant}/oauth2/v2.0/devicecode`,
    headers: formHeaders,
    payload: new URLSearchParams({ client_id: clientId, scope }).toString(),
  });
  if (code.statusCode !== 200) return { code, token: undefined };
  const token = await app.inject({
    method: "POST",
    url: `/${tenant}/oauth2/v2.0/token`,
    headers: formHeaders,
    payload: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      client_id: clientId,
      device_code: code.json().device_code,
    }).toString(),
  });
  return { code, token: token.json().access_token as string };
}

describe("the client lock holds for every grant", () => {
  it("refuses a device-code sign-in (and its token poll) by a client other than the locked one", async () => {
    const started = await startServer({ clientCredentials: [{ clientId: publicClient, clientSecret: "s" }] });
    close = started.close;
    const app = started.server;
    const stranger = await deviceCodeSignIn(app, "0e7bd7a8-0000-4000-8000-000000000001", "User.Read");
    expect(stranger.code.statusCode).toBe(400);
    expect(stranger.code.json()).toMatchObject({ error: "unauthorized_client", error_codes: [700016] });
    const poll = await app.inject({
      method: "POST",
      url: `/${app.intune.tokens.tenantId}/oauth2/v2.0/token`,
      headers: formHeaders,
      payload: new URLSearchParams({
        grant_type: "refresh_token",
        client_id: "0e7bd7a8-0000-4000-8000-000000000001",
        refresh_token: "anything",
      }).toString(),
    });
    expect(poll.json().error).toBe("unauthorized_client");
    const locked = await deviceCodeSignIn(app, publicClient, "DeviceManagementApps.Read.All");
    expect(locked.code.statusCode).toBe(200);
    expect(typeof locked.token).toBe("string");
  });
});

describe("Graph checks roles and scp per route family", () => {
  it("lets a User.Read delegated token neither create nor read apps, with 403 in Graph's shape", async () => {
    const started = await startServer();
    close = started.close;
    const app = started.server;
    const { token } = await deviceCodeSignIn(app, publicClient, "User.Read");
    const headers = { authorization: `Bearer ${token}` };
    const create = await app.inject({
      method: "POST",
      url: "/beta/deviceAppManagement/mobileApps",
      headers,
      payload: sampleApp(),
    });
    expect(create.statusCode).toBe(403);
    expect(create.json().error).toMatchObject({ code: "Forbidden" });
    expect(create.json().error.message).toContain("DeviceManagementApps.ReadWrite.All");
    expect(create.json().error.innerError["request-id"]).toBeDefined();
    expect((await app.inject({ url: "/beta/deviceAppManagement/mobileApps", headers })).statusCode).toBe(403);
    expect(app.intune.store.listApps()).toEqual([]);
  });

  it("lets Read.All read but not write, and keeps the directory families apart", async () => {
    const started = await startServer();
    close = started.close;
    const app = started.server;
    const reader = {
      authorization: `Bearer ${(await deviceCodeSignIn(app, publicClient, "DeviceManagementApps.Read.All")).token}`,
    };
    expect(
      (await app.inject({ url: "/v1.0/deviceAppManagement/mobileApps", headers: reader })).statusCode,
    ).toBe(200);
    const write = await app.inject({
      method: "POST",
      url: "/v1.0/deviceAppManagement/mobileApps",
      headers: reader,
      payload: sampleApp(),
    });
    expect(write.statusCode).toBe(403);
    const groups = await app.inject({
      method: "POST",
      url: "/beta/groups",
      headers: reader,
      payload: { displayName: "G" },
    });
    expect(groups.statusCode).toBe(403);
    expect(groups.json().error.code).toBe("Authorization_RequestDenied");
    expect((await app.inject({ url: "/beta/users", headers: reader })).statusCode).toBe(403);

    // Client credentials carry the default roles of contract R: every family works unchanged.
    const admin = { authorization: `Bearer ${await adminToken(app)}` };
    expect((await app.inject({ url: "/beta/users", headers: admin })).statusCode).toBe(200);
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/beta/groups",
          headers: admin,
          payload: { displayName: "G" },
        })
      ).statusCode,
    ).toBe(201);
  });

  it("maps route patterns to the permissions Graph lists for them", () => {
    expect(requiredPermission("GET", "/deviceappmanagement/mobileapps/:appid")?.anyOf).toEqual([
      "DeviceManagementApps.Read.All",
      "DeviceManagementApps.ReadWrite.All",
    ]);
    expect(requiredPermission("POST", "/deviceappmanagement/mobileapps/:appid/assign")?.anyOf).toEqual([
      "DeviceManagementApps.ReadWrite.All",
      "DeviceManagementConfiguration.ReadWrite.All",
    ]);
    expect(
      requiredPermission("POST", "/devicemanagement/reports/getdeviceinstallstatusreport")?.anyOf,
    ).toContain("DeviceManagementApps.Read.All");
    expect(requiredPermission("POST", "/users")?.anyOf).toEqual([
      "User.ReadWrite.All",
      "Directory.ReadWrite.All",
    ]);
    expect(requiredPermission("POST", "/$batch")).toBeUndefined();
  });
});
