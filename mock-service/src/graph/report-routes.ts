import {
  formatHex,
  type GraphInstallState,
  graphInstallStateOf,
  ResultantAppState,
  resultantAppStateOf,
} from "@imesim/contracts/enums";
import { ImesimError } from "@imesim/contracts/errors";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { parseFilter } from "./odata-filter.ts";

/** The portal's wording of each state, for the `_loc` columns. */
const stateText: Record<GraphInstallState, string> = {
  installed: "Installed",
  failed: "Failed",
  notInstalled: "Not installed",
  uninstallFailed: "Uninstall failed",
  pendingInstall: "Install pending",
  unknown: "Unknown",
  notApplicable: "Not applicable",
};

type PropertyType = "String" | "Int32" | "DateTime";
/** The report's columns and their types (graph-win32.md §4.2, DeviceInstallStatusByApp). */
const columns: Record<string, PropertyType> = {
  DeviceName: "String",
  UserPrincipalName: "String",
  Platform: "String",
  AppVersion: "String",
  InstallState: "String",
  InstallStateDetail: "String",
  LastModifiedDateTime: "DateTime",
  DeviceId: "String",
  ErrorCode: "Int32",
  UserName: "String",
  UserId: "String",
  ApplicationId: "String",
  AssignmentFilterIdsList: "String",
  AppInstallState: "Int32",
  AppInstallState_loc: "String",
  AppInstallStateDetails: "String",
  AppInstallStateDetails_loc: "String",
  HexErrorCode: "String",
};
// Asking for a `_loc` column directly fails on the real service; they come with their base column.
const selectable = Object.keys(columns).filter((name) => !name.endsWith("_loc"));

const ReportRequest = Type.Object(
  {
    select: Type.Optional(Type.Array(Type.String())),
    skip: Type.Optional(Type.Integer({ minimum: 0 })),
    top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    filter: Type.Optional(Type.String()),
    orderBy: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
);

/**
 * The synchronous Intune reports call tools use for per-device app status (graph-win32.md §4.2):
 * `POST /deviceManagement/reports/getDeviceInstallStatusReport`, answered as positional rows
 * `{TotalRowCount, Schema, Values}` with `Content-Type: application/octet-stream`, as the real
 * service does. Rows come from the same table as `deviceStatuses`.
 */
export function reportRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{
      Body: { select?: string[]; skip?: number; top?: number; filter?: string; orderBy?: string[] };
    }>(
      "/deviceManagement/reports/getDeviceInstallStatusReport",
      { schema: { body: ReportRequest } },
      async (request, reply) => {
        const wanted =
          request.body.select === undefined || request.body.select.length === 0
            ? selectable
            : request.body.select;
        for (const [index, name] of wanted.entries()) {
          if (!selectable.includes(name)) {
            throw new ImesimError("GRAPH_MODEL_VALIDATION", `'${name}' is not a column of this report.`, {
              path: `select/${index}`,
            });
          }
        }
        const selected = wanted.flatMap((name) =>
          name === "AppInstallState" || name === "AppInstallStateDetails" ? [name, `${name}_loc`] : [name],
        );
        const filter = request.body.filter;
        const keep = filter === undefined || filter.trim() === "" ? () => true : parseFilter(filter);
        const rows = context.store
          .listApps()
          .flatMap((record) =>
            context.store.listStatuses(record.id).map((status) => {
              const device = context.store.getDevice(status.deviceId);
              const user = device?.users.find((candidate) => candidate.id === status.userId);
              const state = resultantAppStateOf(status.installState) ?? ResultantAppState.Unknown;
              return {
                DeviceName: device?.name ?? "",
                UserPrincipalName: user?.userPrincipalName ?? "",
                Platform: "Windows",
                AppVersion: typeof record.body.displayVersion === "string" ? record.body.displayVersion : "",
                InstallState: status.installState,
                InstallStateDetail: status.installStateDetail,
                LastModifiedDateTime: status.updatedAt,
                DeviceId: status.deviceId,
                ErrorCode: status.errorCode,
                UserName: user?.displayName ?? "",
                UserId: status.userId,
                ApplicationId: record.id,
                AssignmentFilterIdsList: "",
                AppInstallState: state,
                AppInstallState_loc: stateText[graphInstallStateOf(state)],
                AppInstallStateDetails: status.installStateDetail,
                AppInstallStateDetails_loc: status.installStateDetail,
                HexErrorCode: formatHex(status.errorCode),
              } as Record<string, unknown>;
            }),
          )
          .filter(keep);
        const skip = request.body.skip ?? 0;
        const page = rows.slice(skip, skip + (request.body.top ?? 50));
        const body = {
          TotalRowCount: rows.length,
          Schema: selected.map((name) => ({ Column: name, PropertyType: columns[name] as PropertyType })),
          Values: page.map((row) => selected.map((name) => row[name])),
        };
        return reply.header("content-type", "application/octet-stream").send(JSON.stringify(body));
      },
    );
  };
}
