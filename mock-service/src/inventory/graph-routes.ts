// Graph's discovered apps (issue 16): `GET deviceManagement/detectedApps` (and one by id), the devices that
// have one (`detectedApps/{id}/managedDevices`), and one device's (`managedDevices/{id}/detectedApps`), in
// beta and v1.0 (Graph has them in both). They read the inventory the devices sent through the gateway
// (gateway-answer.ts). Admission (a Graph token of this tenant, DeviceManagementManagedDevices.Read.All or
// .ReadWrite.All) is the Graph preHandler's (graph/guard.ts, graph/permissions.ts); a token of another
// tenant never gets here, and this service's database holds only its own tenant's devices.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { sendCollection, sendEntity } from "../graph/odata.ts";
import { sendGraphError } from "../http/graph-error.ts";
import type { DeviceRecord } from "../store/records.ts";
import { detectedApps, renderDetectedApp } from "./detected-apps.ts";
import { inventoryStore } from "./inventory-store.ts";

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const COLLECTION = "deviceManagement/detectedApps";

/** The Graph `managedDevice` members a detectedApp's device list shows. */
function renderManagedDevice(device: DeviceRecord): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.managedDevice",
    id: device.id,
    deviceName: device.name,
    operatingSystem: "Windows",
    osVersion: device.osVersion,
    enrolledDateTime: device.enrolledAt,
    lastSyncDateTime: device.lastCheckinAt ?? device.enrolledAt,
  };
}

export function inventoryGraphRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const inventory = inventoryStore(context.store);
    const missing = (request: FastifyRequest, reply: FastifyReply, what: string, id: string) =>
      sendGraphError(request, reply, 404, "ResourceNotFound", `No ${what} entry with id '${id}'.`);

    app.get(`/${COLLECTION}`, async (request, reply) =>
      sendCollection(
        context,
        request,
        reply,
        COLLECTION,
        detectedApps(inventory.list()).map(renderDetectedApp),
      ),
    );

    app.get<{ Params: { id: string } }>(
      `/${COLLECTION}/:id`,
      { schema: { params: Params } },
      async (request, reply) => {
        const found = detectedApps(inventory.list()).find((a) => a.id === request.params.id.toLowerCase());
        if (found === undefined) return missing(request, reply, "detectedApps", request.params.id);
        return sendEntity(context, request, reply, `${COLLECTION}/$entity`, renderDetectedApp(found));
      },
    );

    app.get<{ Params: { id: string } }>(
      `/${COLLECTION}/:id/managedDevices`,
      { schema: { params: Params } },
      async (request, reply) => {
        const { id } = request.params;
        const found = detectedApps(inventory.list()).find((a) => a.id === id.toLowerCase());
        if (found === undefined) return missing(request, reply, "detectedApps", id);
        const devices = found.rows.flatMap((row) => {
          const device = context.store.getDevice(row.deviceId);
          return device === undefined ? [] : [renderManagedDevice(device)];
        });
        return sendCollection(context, request, reply, `${COLLECTION}('${id}')/managedDevices`, devices);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/deviceManagement/managedDevices/:id/detectedApps",
      { schema: { params: Params } },
      async (request, reply) => {
        const device = context.store.getDevice(request.params.id);
        if (device === undefined) return missing(request, reply, "managedDevices", request.params.id);
        // Each application with its tenant-wide deviceCount, as Graph's navigation shows the same entity.
        const all = detectedApps(inventory.list());
        const mine = new Set(inventory.list(device.id).map((row) => row.key));
        const items = all
          .filter((detected) => detected.rows.some((row) => mine.has(row.key)))
          .map(renderDetectedApp);
        return sendCollection(
          context,
          request,
          reply,
          `deviceManagement/managedDevices('${device.id}')/detectedApps`,
          items,
        );
      },
    );
  };
}
