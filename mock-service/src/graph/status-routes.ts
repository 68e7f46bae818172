import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../context.ts";
import type { DeviceStatusRecord } from "../store/records.ts";
import { appNotFound } from "./app-routes.ts";
import { sendCollection, sendEntity } from "./odata.ts";
import { AppParams } from "./schemas.ts";

/** The UserId the IME reports for the device (system) context: the all-zero GUID (contracts Win32AppResult). */
const deviceContextUserId = "00000000-0000-0000-0000-000000000000";

/** Per-device install status and the summary, as the portal shows them (graph-win32.md §4.1, beta). */
export function statusRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store } = context;

    app.get<{ Params: { appId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/deviceStatuses",
      { schema: { params: AppParams } },
      async (request, reply) => {
        const record = store.getApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        const items = store
          .listStatuses(record.id)
          .map((status) => renderStatus(context, status, record.body.displayVersion));
        return sendCollection(
          context,
          request,
          reply,
          `deviceAppManagement/mobileApps('${record.id}')/deviceStatuses`,
          items,
        );
      },
    );

    app.get<{ Params: { appId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/installSummary",
      { schema: { params: AppParams } },
      async (request, reply) => {
        const record = store.getApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        const statuses = store.listStatuses(record.id);
        const devices = (state: string) =>
          new Set(statuses.filter((s) => s.installState === state).map((s) => s.deviceId)).size;
        const users = (state: string) =>
          new Set(
            statuses
              .filter((s) => s.installState === state && s.userId !== deviceContextUserId)
              .map((s) => s.userId),
          ).size;
        return sendEntity(
          context,
          request,
          reply,
          `deviceAppManagement/mobileApps('${record.id}')/installSummary/$entity`,
          {
            "@odata.type": "#microsoft.graph.mobileAppInstallSummary",
            id: record.id,
            installedDeviceCount: devices("installed"),
            failedDeviceCount: devices("failed"),
            notApplicableDeviceCount: devices("notApplicable"),
            notInstalledDeviceCount: devices("notInstalled"),
            pendingInstallDeviceCount: devices("pendingInstall"),
            installedUserCount: users("installed"),
            failedUserCount: users("failed"),
            notApplicableUserCount: users("notApplicable"),
            notInstalledUserCount: users("notInstalled"),
            pendingInstallUserCount: users("pendingInstall"),
          },
        );
      },
    );
  };
}

function renderStatus(
  context: ServiceContext,
  status: DeviceStatusRecord,
  displayVersion: unknown,
): Record<string, unknown> {
  const device = context.store.getDevice(status.deviceId);
  const user = device?.users.find((candidate) => candidate.id === status.userId);
  return {
    "@odata.type": "#microsoft.graph.mobileAppInstallStatus",
    id: `${status.deviceId}_${status.userId}`,
    deviceName: device?.name ?? null,
    deviceId: status.deviceId,
    lastSyncDateTime: status.updatedAt,
    mobileAppInstallStatusValue: status.installState,
    installState: status.installState,
    installStateDetail: status.installStateDetail,
    errorCode: status.errorCode,
    osVersion: device?.osVersion ?? null,
    osDescription: "Windows",
    userName: user?.displayName ?? null,
    userPrincipalName: user?.userPrincipalName ?? null,
    displayVersion: typeof displayVersion === "string" ? displayVersion : null,
  };
}
