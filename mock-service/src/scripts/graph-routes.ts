// Graph beta `deviceManagement/deviceManagementScripts` (platform scripts) and
// `deviceManagement/deviceHealthScripts` (remediations): create, read, update, delete, `assign`, the
// assignments and the per-device `deviceRunStates` the portal shows. Permissions come from the
// `/devicemanagement/` rule of graph/permissions.ts: DeviceManagementConfiguration.Read(Write).All.
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { sendCollection } from "../graph/odata.ts";
import type { JsonObject } from "../store/records.ts";
import { registerCrud } from "./crud-routes.ts";
import { nextVersion, renderScript, scheduleOf, scriptBody } from "./script-model.ts";
import { type ScriptKind, scriptStore } from "./script-store.ts";

const Params = Type.Object({ scriptId: Type.String({ minLength: 1, maxLength: 64 }) });

interface KindRoutes {
  readonly kind: ScriptKind;
  readonly collection: string;
  /** The member of the `assign` body that holds the assignments. */
  readonly assignMember: string;
  readonly assignmentType: string;
  readonly runStateType: string;
}

const KINDS: readonly KindRoutes[] = [
  {
    kind: "platform",
    collection: "deviceManagement/deviceManagementScripts",
    assignMember: "deviceManagementScriptAssignments",
    assignmentType: "#microsoft.graph.deviceManagementScriptAssignment",
    runStateType: "#microsoft.graph.deviceManagementScriptDeviceState",
  },
  {
    kind: "health",
    collection: "deviceManagement/deviceHealthScripts",
    assignMember: "deviceHealthScriptAssignments",
    assignmentType: "#microsoft.graph.deviceHealthScriptAssignment",
    runStateType: "#microsoft.graph.deviceHealthScriptDeviceState",
  },
];

/** The script routes of both kinds (beta only: neither resource is in v1.0). */
export function scriptGraphRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const scripts = scriptStore(context.store);
    for (const k of KINDS) registerKind(app, context, scripts, k);
  };
}

function registerKind(
  app: FastifyInstance,
  context: ServiceContext,
  scripts: ReturnType<typeof scriptStore>,
  k: KindRoutes,
): void {
  const { kind, collection } = k;
  const missing = registerCrud(app, context, scripts, {
    kind,
    collection,
    bodyOf: (input, base) => scriptBody(kind, input, base),
    nextVersion: (version, before, after) => nextVersion(kind, version, before, after),
    render: renderScript,
    assignments: {
      member: k.assignMember,
      odataType: k.assignmentType,
      ...(kind === "health" ? { extrasOf: remediationAssignmentExtras } : {}),
    },
  });

  app.get<{ Params: { scriptId: string } }>(
    `/${collection}/:scriptId/deviceRunStates`,
    { schema: { params: Params } },
    async (request, reply) => {
      const { scriptId } = request.params;
      if (scripts.getPolicy(kind, scriptId) === undefined) return missing(request, reply, scriptId);
      const items = scripts.listRunStates(kind, scriptId).map((state) => {
        const device = context.store.getDevice(state.deviceId);
        return {
          "@odata.type": k.runStateType,
          // One entry per device, and per user for user-context runs (the device session's user id is all zeros).
          id: /^0{8}-/.test(state.userId)
            ? `${scriptId}:${state.deviceId}`
            : `${scriptId}:${state.deviceId}:${state.userId}`,
          ...state.body,
          // The navigation the portal expands; always present here, it costs nothing.
          managedDevice: { id: state.deviceId, deviceName: device?.name ?? null },
        };
      });
      return sendCollection(context, request, reply, `${collection}('${scriptId}')/deviceRunStates`, items);
    },
  );
}

/** A remediation assignment keeps its schedule (checked) and reads back as detection-only. */
function remediationAssignmentExtras(item: JsonObject, path: string): JsonObject {
  scheduleOf(item.runSchedule, `${path}.runSchedule`);
  // S12 REM-DETECTONLY: Graph reads runRemediationScript back as false whatever was sent.
  return { runSchedule: item.runSchedule ?? null, runRemediationScript: false };
}
