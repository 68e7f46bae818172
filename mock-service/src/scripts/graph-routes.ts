// Graph beta `deviceManagement/deviceManagementScripts` (platform scripts) and
// `deviceManagement/deviceHealthScripts` (remediations): create, read, update, delete, `assign`, the
// assignments and the per-device `deviceRunStates` the portal shows. Permissions come from the
// `/devicemanagement/` rule of graph/permissions.ts: DeviceManagementConfiguration.Read(Write).All.
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { assignmentTarget } from "../graph/assignment-model.ts";
import { sendCollection } from "../graph/odata.ts";
import { sendGraphError } from "../http/graph-error.ts";
import type { JsonObject } from "../store/records.ts";
import { AnyObject, invalidBody, registerCrud } from "./crud-routes.ts";
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
  });

  app.post<{ Params: { scriptId: string }; Body: JsonObject }>(
    `/${collection}/:scriptId/assign`,
    { schema: { params: Params, body: AnyObject } },
    async (request, reply) => {
      const { scriptId } = request.params;
      if (scripts.getPolicy(kind, scriptId) === undefined) return missing(request, reply, scriptId);
      const list = request.body[k.assignMember];
      if (!Array.isArray(list))
        return sendGraphError(
          request,
          reply,
          400,
          "BadRequest",
          `The body needs an array '${k.assignMember}'.`,
        );
      const assignments = [];
      for (const [index, entry] of list.entries()) {
        const item = (entry ?? {}) as JsonObject;
        const target = item.target as JsonObject | undefined;
        if (target === undefined || typeof target["@odata.type"] !== "string")
          return sendGraphError(
            request,
            reply,
            400,
            "BadRequest",
            `${k.assignMember}[${index}].target needs an @odata.type.`,
          );
        const body: JsonObject = { target };
        if (kind === "health") {
          try {
            scheduleOf(item.runSchedule, `${k.assignMember}[${index}].runSchedule`);
          } catch (error) {
            return invalidBody(request, reply, error);
          }
          body.runSchedule = item.runSchedule ?? null;
          // S12 REM-DETECTONLY: Graph reads runRemediationScript back as false whatever was sent.
          body.runRemediationScript = false;
        }
        const { groupId } = assignmentTarget({ id: "", appId: scriptId, body });
        assignments.push({ id: `${scriptId}:${groupId}`, policyId: scriptId, body });
      }
      scripts.setAssignments(kind, scriptId, assignments);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { scriptId: string } }>(
    `/${collection}/:scriptId/assignments`,
    { schema: { params: Params } },
    async (request, reply) => {
      const { scriptId } = request.params;
      if (scripts.getPolicy(kind, scriptId) === undefined) return missing(request, reply, scriptId);
      const items = scripts
        .listAssignments(kind, scriptId)
        .map((a) => ({ "@odata.type": k.assignmentType, id: a.id, ...a.body }));
      return sendCollection(context, request, reply, `${collection}('${scriptId}')/assignments`, items);
    },
  );

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
