import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import {
  adminToken,
  deviceToken,
  encryptedContent,
  enroll,
  sampleApp,
  startServer,
  uploadContent,
} from "./helpers.ts";

let app: MockIntuneServer;
let close: () => Promise<void>;
let admin: string;
let device: string;
let appId: string;
let fileUrl: string;

beforeAll(async () => {
  const started = await startServer();
  app = started.server;
  close = started.close;
  admin = await adminToken(app);
  device = await deviceToken(app, await enroll(app));
  appId = (
    await app.inject({
      method: "POST",
      url: "/beta/deviceAppManagement/mobileApps",
      payload: sampleApp(),
      headers: { authorization: `Bearer ${admin}` },
    })
  ).json().id;
  const plain = Buffer.alloc(1000, 3);
  const { file } = await uploadContent(app, { authorization: `Bearer ${admin}` }, appId, {
    ...encryptedContent(plain),
    size: plain.length,
  });
  fileUrl = `/beta/deviceAppManagement/mobileApps/${appId}/contentVersions/1/files/${file.id}`;
});
afterAll(async () => close());

/** A snapshot of everything a request could change. */
function state(): string {
  const store = app.intune.store;
  return JSON.stringify({
    apps: store.listApps(),
    files: store.listFiles(appId),
    assignments: store.listAllAssignments(),
    groups: store.listGroups(),
    devices: store.listDevices().map((d) => [d.id, d.name, d.users]),
  });
}

describe("bad input", () => {
  it("never answers a client's garbage with a 5xx, and a refused request changes nothing", async () => {
    const routes = () => [
      { method: "POST", url: "/beta/deviceAppManagement/mobileApps", token: admin },
      { method: "PATCH", url: `/beta/deviceAppManagement/mobileApps/${appId}`, token: admin },
      { method: "POST", url: `/beta/deviceAppManagement/mobileApps/${appId}/assign`, token: admin },
      { method: "POST", url: `/beta/deviceAppManagement/mobileApps/${appId}/assignments`, token: admin },
      {
        method: "POST",
        url: `/beta/deviceAppManagement/mobileApps/${appId}/contentVersions/1/files`,
        token: admin,
      },
      { method: "POST", url: `${fileUrl}/commit`, token: admin },
      { method: "POST", url: "/v1.0/groups", token: admin },
      { method: "POST", url: "/enrollment/devices?dryRun=1", token: undefined },
      {
        method: "PUT",
        url: `/SideCar/SideCarGatewaySessions('${randomUUID()}')?api-version=1.5`,
        token: device,
      },
      { method: "POST", url: "/admin/faults", token: app.intune.options.adminToken },
      { method: "POST", url: `/${app.intune.tokens.tenantId}/oauth2/v2.0/token`, token: undefined },
    ];
    const checked = await fc.check(
      fc.asyncProperty(
        fc.integer({ min: 0, max: routes().length - 1 }),
        fc.oneof(
          fc.jsonValue().map((value) => JSON.stringify(value)),
          fc.string(),
          fc.constant(""),
          fc.constant('{"@odata.type":"#microsoft.graph.win32LobApp"}'),
          fc.constant('{"RequestContentType":"GetContentInfo","RequestPayload":"{"}'),
        ),
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"),
        async (index, body, contentType) => {
          const route = routes()[index];
          if (route === undefined) return true;
          const before = state();
          const response = await app.inject({
            method: route.method as "POST",
            url: route.url,
            payload: body,
            headers: {
              "content-type": contentType,
              ...(route.token === undefined ? {} : { authorization: `Bearer ${route.token}` }),
            },
          });
          // A refused request leaves everything as it was; a few random bodies are valid (e.g. PATCH {}).
          return response.statusCode < 500 && (response.statusCode < 400 || state() === before);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
    expect(checked.failed ? checked.counterexample : undefined).toBeUndefined();
  });
});
