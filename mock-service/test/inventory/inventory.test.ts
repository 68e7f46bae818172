// The service's side of app inventory: the ApplicationInventory gateway exchange (full replaces, delta
// applies, a delta without a full sync is refused with FullSyncRequired, a device writes only its own), and
// Graph's detectedApps views, which never show one tenant's devices to another tenant.
import { randomUUID } from "node:crypto";
import {
  type ApplicationInventoryPayload,
  createSideCarSessionRequest,
  type InventoryApplication,
} from "@imesim/contracts/gateway";
import { afterEach, describe, expect, it } from "vitest";
import { requiredPermission } from "../../src/graph/permissions.ts";
import type { MockIntuneServer } from "../../src/index.ts";
import { adminToken, deviceToken, type Enrolled, enroll, startServer } from "../service/helpers.ts";
import { gatewaySession } from "../service/script-helpers.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function started(tenantId?: string): Promise<MockIntuneServer> {
  const server = await startServer(tenantId === undefined ? {} : { tenantId });
  closers.push(server.close);
  return server.server;
}

const app = (
  name: string,
  version: string,
  extra: Partial<InventoryApplication> = {},
): InventoryApplication => ({
  DisplayName: name,
  DisplayVersion: version,
  Publisher: "Contoso",
  ProductCode: null,
  SizeInBytes: 1024,
  InstallDate: null,
  Source: "Arp64",
  ...extra,
});

const sync = (
  server: MockIntuneServer,
  device: Enrolled,
  payload: Omit<ApplicationInventoryPayload, "CollectedAtUtc">,
) =>
  gatewaySession(
    server,
    device,
    "ApplicationInventory",
    JSON.stringify({ CollectedAtUtc: "2026-12-01T08:00:36.000Z", ...payload }),
  );

async function graph(server: MockIntuneServer, url: string, token?: string) {
  return server.inject({
    method: "GET",
    url,
    headers: { authorization: `Bearer ${token ?? (await adminToken(server))}` },
  });
}

describe("ApplicationInventory on the gateway", () => {
  it("takes a full sync, applies a delta, and Graph shows each device's apps with the tenant-wide count", async () => {
    const server = await started();
    const one = await enroll(server, "PC01");
    const two = await enroll(server, "PC02");
    expect(
      await sync(server, one, {
        SyncType: "Full",
        Applications: [
          app("Contoso Tool", "3.1.4.0", {
            ProductCode: "{6F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0}",
            Source: "Msi",
            SizeInBytes: 2048,
          }),
          app("Old Viewer", "2.0"),
        ],
        Removed: [],
      }),
    ).toBeNull();
    await sync(server, two, {
      SyncType: "Full",
      Applications: [app("Contoso Tool", "3.1.4.0")],
      Removed: [],
    });
    await sync(server, one, {
      SyncType: "Delta",
      Applications: [app("Notepad Plus", "8.6")],
      Removed: [{ DisplayName: "Old Viewer", DisplayVersion: "2.0" }],
    });

    const all = await graph(server, "/beta/deviceManagement/detectedApps");
    expect(all.statusCode).toBe(200);
    const list = all.json().value as Record<string, unknown>[];
    expect(list.map((a) => [a.displayName, a.version, a.deviceCount])).toEqual([
      ["Contoso Tool", "3.1.4.0", 2],
      ["Notepad Plus", "8.6", 1],
    ]);
    expect(list[0]).toEqual({
      "@odata.type": "#microsoft.graph.detectedApp",
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      displayName: "Contoso Tool",
      version: "3.1.4.0",
      sizeInByte: 2048,
      deviceCount: 2,
      publisher: "Contoso",
      platform: "windows",
    });
    const id = list[0]!.id as string;
    const one1 = await graph(server, `/v1.0/deviceManagement/detectedApps/${id}`);
    expect(one1.json()).toMatchObject({
      displayName: "Contoso Tool",
      "@odata.context": expect.stringContaining("/v1.0/$metadata#deviceManagement/detectedApps/$entity"),
    });
    const devices = await graph(server, `/beta/deviceManagement/detectedApps/${id}/managedDevices`);
    expect((devices.json().value as { deviceName: string }[]).map((d) => d.deviceName).sort()).toEqual([
      "PC01",
      "PC02",
    ]);
    const mine = await graph(server, `/beta/deviceManagement/managedDevices/${one.deviceId}/detectedApps`);
    expect((mine.json().value as { displayName: string }[]).map((a) => a.displayName)).toEqual([
      "Contoso Tool",
      "Notepad Plus",
    ]);
    const filtered = await graph(
      server,
      "/v1.0/deviceManagement/detectedApps?$filter=displayName eq 'Notepad Plus'",
    );
    expect(filtered.json().value).toHaveLength(1);
  });

  it("answers a delta from a device it holds no full sync of with FullSyncRequired, and stores nothing", async () => {
    const server = await started();
    const device = await enroll(server);
    const answer = await sync(server, device, {
      SyncType: "Delta",
      Applications: [app("A", "1")],
      Removed: [],
    });
    expect(JSON.parse(answer ?? "null")).toEqual({ FullSyncRequired: true });
    expect((await graph(server, "/beta/deviceManagement/detectedApps")).json().value).toEqual([]);
  });

  it("refuses a malformed payload with a 400 naming the member", async () => {
    const server = await started();
    const device = await enroll(server);
    const sessionId = randomUUID();
    const response = await server.inject({
      method: "PUT",
      url: `/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.5`,
      payload: createSideCarSessionRequest({
        sessionId,
        requestContentType: "ApplicationInventory",
        requestPayload: JSON.stringify({
          SyncType: "Sometimes",
          CollectedAtUtc: "x",
          Applications: [],
          Removed: [],
        }),
        clientInfo: null,
        checkinReason: "AgentRestart",
      }),
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${await deviceToken(server, device)}`,
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain("SyncType");
  });

  it("answers 404 for an unknown detectedApp or device", async () => {
    const server = await started();
    expect((await graph(server, "/beta/deviceManagement/detectedApps/abc/managedDevices")).statusCode).toBe(
      404,
    );
    const missing = await graph(server, `/beta/deviceManagement/managedDevices/${randomUUID()}/detectedApps`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain("managedDevices");
  });
});

describe("detectedApps and tenants", () => {
  it("never shows one tenant's inventory to another tenant", async () => {
    const tenantA = await started("aaaaaaaa-0000-4000-8000-00000000000a");
    const tenantB = await started("bbbbbbbb-0000-4000-8000-00000000000b");
    const device = await enroll(tenantA, "PC-A");
    await sync(tenantA, device, { SyncType: "Full", Applications: [app("Secret Tool", "1.0")], Removed: [] });
    expect((await graph(tenantA, "/beta/deviceManagement/detectedApps")).json().value).toHaveLength(1);

    // B's admin token is refused by A's Graph; B's Graph has no such device and no such app.
    const tokenB = await adminToken(tenantB);
    expect((await graph(tenantA, "/beta/deviceManagement/detectedApps", tokenB)).statusCode).toBe(401);
    expect((await graph(tenantB, "/beta/deviceManagement/detectedApps")).json().value).toEqual([]);
    const across = await graph(
      tenantB,
      `/beta/deviceManagement/managedDevices/${device.deviceId}/detectedApps`,
    );
    expect(across.statusCode).toBe(404);
  });

  it("needs a managed-devices permission, as Graph's detectedApp pages list", () => {
    expect(requiredPermission("GET", "/devicemanagement/detectedapps")?.anyOf).toEqual([
      "DeviceManagementManagedDevices.Read.All",
      "DeviceManagementManagedDevices.ReadWrite.All",
    ]);
  });
});
