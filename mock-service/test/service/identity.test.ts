import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import { adminToken, deviceAssertion, deviceToken, enroll, startServer } from "./helpers.ts";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function server(options = {}): Promise<MockIntuneServer> {
  const started = await startServer(options);
  close = started.close;
  return started.server;
}

function form(values: Record<string, string>) {
  return {
    payload: new URLSearchParams(values).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  };
}

/** The IME's token request with a device's client assertion. */
function askWithAssertion(app: MockIntuneServer, tenantId: string, assertion: string) {
  return app.inject({
    method: "POST",
    url: `/${tenantId}/oauth2/v2.0/token`,
    ...form({
      grant_type: "client_credentials",
      client_id: "fc0f3af4-6835-4174-b806-f7db311fd2f3",
      scope: "26a4ae64-5862-427f-a9b0-044e62572a4f/.default",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
    }),
  });
}

describe("Entra endpoints", () => {
  it("publishes OpenID configuration and a JWKS whose key signs the tokens", async () => {
    const app = await server();
    const tenant = app.intune.tokens.tenantId;
    const config = (await app.inject(`/${tenant}/v2.0/.well-known/openid-configuration`)).json();
    expect(config.token_endpoint).toBe(`http://localhost:80/${tenant}/oauth2/v2.0/token`);
    expect(config.jwks_uri).toBe(`http://localhost:80/${tenant}/discovery/v2.0/keys`);
    const jwks = (await app.inject(`/${tenant}/discovery/v2.0/keys`)).json();
    const token = await adminToken(app);
    expect(jwks.keys[0].kid).toBe(decodeProtectedHeader(token).kid);
    expect(decodeProtectedHeader(token).x5t).toBe(jwks.keys[0].x5t);
    const discovery = (await app.inject("/common/discovery/instance?api-version=1.1")).json();
    expect(discovery.tenant_discovery_endpoint).toContain("/.well-known/openid-configuration");
  });

  it("issues v1-format app-only Graph tokens for client credentials", async () => {
    const app = await server();
    const claims = decodeJwt(await adminToken(app));
    expect(claims).toMatchObject({
      aud: "https://graph.microsoft.com",
      iss: `https://sts.windows.net/${app.intune.tokens.tenantId}/`,
      ver: "1.0",
      tid: app.intune.tokens.tenantId,
      appid: "11111111-2222-3333-4444-555555555555",
      idtyp: "app",
    });
    expect(claims.roles).toContain("DeviceManagementApps.ReadWrite.All");
    expect((claims.exp as number) - (claims.iat as number)).toBeGreaterThanOrEqual(3599);
  });

  it("answers bad token requests with Entra's OAuth errors", async () => {
    const app = await server({ clientCredentials: [{ clientId: "admin-app", clientSecret: "right" }] });
    const url = `/${app.intune.tokens.tenantId}/oauth2/v2.0/token`;
    const missing = await app.inject({ method: "POST", url, ...form({ client_id: "admin-app" }) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error_description).toContain("'grant_type'");
    const grant = await app.inject({
      method: "POST",
      url,
      ...form({ client_id: "x", grant_type: "password" }),
    });
    expect(grant.json().error).toBe("unsupported_grant_type");
    const secret = await app.inject({
      method: "POST",
      url,
      ...form({
        client_id: "admin-app",
        client_secret: "wrong",
        grant_type: "client_credentials",
        scope: "https://graph.microsoft.com/.default",
      }),
    });
    expect(secret.statusCode).toBe(401);
    expect(secret.json()).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    const tenant = await app.inject({
      method: "POST",
      url: "/not-a-tenant/oauth2/v2.0/token",
      ...form({ client_id: "x", grant_type: "client_credentials" }),
    });
    expect(tenant.statusCode).toBe(400);
    expect(tenant.json().error_codes).toEqual([90002]);
  });

  it("runs IntuneWin32App's device-code sign-in, approving at once, to a delegated Graph token", async () => {
    const app = await server();
    const tenant = app.intune.tokens.tenantId;
    const code = await app.inject({
      method: "POST",
      url: `/${tenant}/oauth2/v2.0/devicecode`,
      ...form({
        client_id: "d1ddf0e4-d672-4dae-b554-9d5bdfd93547",
        scope: "DeviceManagementApps.ReadWrite.All DeviceManagementRBAC.Read.All offline_access",
      }),
    });
    const body = code.json();
    expect(body).toMatchObject({ expires_in: 900, interval: 1 });
    expect(body.verification_uri).toMatch(/^http:\/\/localhost:80\//);
    const poll = async (deviceCode: string) =>
      app.inject({
        method: "POST",
        url: `/${tenant}/oauth2/v2.0/token`,
        ...form({
          grant_type: "urn:ietf:params:oauth:grant-type:device_code",
          client_id: "d1ddf0e4-d672-4dae-b554-9d5bdfd93547",
          device_code: deviceCode,
        }),
      });
    const token = await poll(body.device_code);
    expect(token.statusCode).toBe(200);
    expect(token.json().refresh_token).toBeDefined();
    const claims = decodeJwt(token.json().access_token);
    expect(claims).toMatchObject({
      aud: "https://graph.microsoft.com",
      scp: "DeviceManagementApps.ReadWrite.All DeviceManagementRBAC.Read.All",
      appidacr: "0",
    });
    expect(claims.roles).toBeUndefined();
    const reused = await poll(body.device_code);
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error).toBe("invalid_grant");
    const graph = await app.inject({
      url: "/beta/deviceAppManagement/mobileApps",
      headers: { authorization: `Bearer ${token.json().access_token}` },
    });
    expect(graph.statusCode).toBe(200);
    const refresh = async (refreshToken: string) =>
      app.inject({
        method: "POST",
        url: `/${tenant}/oauth2/v2.0/token`,
        ...form({
          grant_type: "refresh_token",
          client_id: "d1ddf0e4-d672-4dae-b554-9d5bdfd93547",
          refresh_token: refreshToken,
        }),
      });
    const refreshed = await refresh(token.json().refresh_token);
    expect(refreshed.statusCode).toBe(200);
    expect(decodeJwt(refreshed.json().access_token).scp).toBe(claims.scp);
    expect((await refresh(token.json().refresh_token)).statusCode).toBe(400);
  });

  it("gives an enrolled device a gateway token with its device id, for the system or a user", async () => {
    const app = await server();
    const device = await enroll(app);
    const system = decodeJwt(await deviceToken(app, device));
    expect(system).toMatchObject({
      aud: "26a4ae64-5862-427f-a9b0-044e62572a4f",
      appid: "fc0f3af4-6835-4174-b806-f7db311fd2f3",
      deviceid: device.deviceId,
      oid: device.deviceId,
    });
    const user = device.users[0];
    if (user === undefined) throw new Error("no user");
    const forUser = decodeJwt(await deviceToken(app, device, user.id));
    expect(forUser).toMatchObject({ oid: user.id, upn: user.userPrincipalName, deviceid: device.deviceId });
  });

  it("renews a device's token once from the refresh token its last one brought, for that device and user", async () => {
    // Under the client lock too: the IME's device grant is proven by the device key, not by the lock's client.
    const adminApp = "11111111-2222-3333-4444-555555555555";
    const app = await server({ clientCredentials: [{ clientId: adminApp, clientSecret: "secret" }] });
    const device = await enroll(app, "PC01");
    const user = device.users[0];
    if (user === undefined) throw new Error("no user");
    const renew = (refreshToken: string, clientId = "fc0f3af4-6835-4174-b806-f7db311fd2f3") =>
      app.inject({
        method: "POST",
        url: `/${device.tenantId}/oauth2/v2.0/token`,
        ...form({
          grant_type: "refresh_token",
          client_id: clientId,
          scope: "26a4ae64-5862-427f-a9b0-044e62572a4f/.default",
          refresh_token: refreshToken,
        }),
      });
    const first = (await askWithAssertion(app, device.tenantId, await deviceAssertion(device))).json();
    expect(first.refresh_token).toMatch(/^[\w-]{43}$/);
    const renewed = await renew(first.refresh_token);
    expect(renewed.statusCode).toBe(200);
    expect(decodeJwt(renewed.json().access_token)).toMatchObject({
      deviceid: device.deviceId,
      oid: device.deviceId,
    });
    expect(renewed.json().refresh_token).not.toBe(first.refresh_token);
    // Used up: the same refresh token again, or made up, is Entra's invalid_grant.
    for (const used of [first.refresh_token, "made-up"]) {
      const refused = await renew(used);
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ error: "invalid_grant", error_codes: [9002313] });
    }
    // Another client cannot spend it (the delegated grant does not know it); a user's tokens renew apart from the
    // device's; a new proof retires the refresh token before it.
    const next = renewed.json().refresh_token as string;
    expect((await renew(next, adminApp)).statusCode).toBe(400);
    const forUser = (
      await askWithAssertion(app, device.tenantId, await deviceAssertion(device, { userId: user.id }))
    ).json();
    const userRenewal = await renew(forUser.refresh_token);
    expect(decodeJwt(userRenewal.json().access_token)).toMatchObject({
      oid: user.id,
      deviceid: device.deviceId,
    });
    const afterUser = await renew(next);
    expect(afterUser.statusCode).toBe(200);
    const again = (await askWithAssertion(app, device.tenantId, await deviceAssertion(device))).json();
    expect((await renew(afterUser.json().refresh_token)).statusCode).toBe(400);
    expect((await renew(again.refresh_token)).statusCode).toBe(200);
  });

  it("refuses a device assertion signed by another key, for another audience, or a stranger user", async () => {
    const app = await server();
    const device = await enroll(app, "PC01");
    const other = await enroll(app, "PC02");
    const ask = (assertion: string) => askWithAssertion(app, device.tenantId, assertion);
    const forged = await ask(await deviceAssertion({ ...device, privateKey: other.privateKey }));
    expect(forged.statusCode).toBe(401);
    const audience = await ask(await deviceAssertion(device, { audience: "https://elsewhere/token" }));
    expect(audience.statusCode).toBe(401);
    const stranger = await ask(await deviceAssertion(device, { userId: other.users[0]?.id ?? "" }));
    expect(stranger.statusCode).toBe(401);
    expect((await ask("not-a-jwt")).statusCode).toBe(401);
  });

  it("refuses an assertion whose protected header jose cannot read as not a JWT, after good ones too", async () => {
    const app = await server();
    const device = await enroll(app);
    const ask = (assertion: string) => askWithAssertion(app, device.tenantId, assertion);
    const good = await deviceAssertion(device);
    expect((await ask(good)).statusCode).toBe(200);
    const [header, payload, signature] = good.split(".");
    // Empty, not JSON ("not-json"), JSON but not an object ("[1]"), and the good header in a 4-part text.
    for (const bad of [
      `.${payload}.${signature}`,
      `bm90LWpzb24.${payload}.${signature}`,
      `WzFd.${payload}.${signature}`,
      `${header}.${payload}.${signature}.x`,
    ]) {
      const refused = await ask(bad);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error_description).toContain("The client assertion is not a JWT.");
    }
  });
});

describe("token checks on protected routes", () => {
  it("answers a missing, forged or wrong-audience token with 401 InvalidAuthenticationToken", async () => {
    const app = await server();
    const missing = await app.inject("/beta/deviceAppManagement/mobileApps");
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe("InvalidAuthenticationToken");
    expect(missing.headers["www-authenticate"]).toContain("invalid_token");
    const token = await adminToken(app);
    const [header, payload] = token.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...decodeJwt(token), roles: ["Everything"] }),
    ).toString("base64url");
    const forged = await app.inject({
      url: "/beta/deviceAppManagement/mobileApps",
      headers: { authorization: `Bearer ${header}.${forgedPayload}.${token.split(".")[2]}` },
    });
    expect(payload).toBeDefined();
    expect(forged.statusCode).toBe(401);
    const device = await enroll(app);
    const wrongAudience = await app.inject({
      url: "/beta/deviceAppManagement/mobileApps",
      headers: { authorization: `Bearer ${await deviceToken(app, device)}` },
    });
    expect(wrongAudience.statusCode).toBe(401);
  });

  it("answers an expired token with 401", async () => {
    const app = await server({ tokenLifetimeSeconds: 1 });
    const token = await adminToken(app);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const response = await app.inject({
      url: "/beta/deviceAppManagement/mobileApps",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toContain("expired");
  });
});
