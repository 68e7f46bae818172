// Graph beta custom compliance: `deviceManagement/deviceComplianceScripts` (the discovery scripts) and
// `deviceManagement/deviceCompliancePolicies` (only what custom compliance needs: create/read/update/delete
// with a `deviceCompliancePolicyScript`, `assign`, `assignments`, `deviceStatuses`), and the device's
// `managedDevices/{id}/deviceCompliancePolicyStates` with each setting's state and remediation text.
// Permissions come from the `/devicemanagement/` rule of graph/permissions.ts.
import { randomUUID } from "node:crypto";
import { isImesimError } from "@imesim/contracts/errors";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { assignmentTarget } from "../graph/assignment-model.ts";
import { sendCollection, sendEntity } from "../graph/odata.ts";
import { sendGraphError } from "../http/graph-error.ts";
import { scriptStore } from "../scripts/script-store.ts";
import type { JsonObject } from "../store/records.ts";
import {
  compliancePolicyBody,
  complianceScriptBody,
  policyChanged,
  renderCompliance,
  scriptChanged,
} from "./compliance-model.ts";

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const AnyObject = Type.Object({}, { additionalProperties: true });
const SCRIPTS = "deviceManagement/deviceComplianceScripts";
const POLICIES = "deviceManagement/deviceCompliancePolicies";

type Kind = "complianceScript" | "compliancePolicy";

function invalid(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  if (!isImesimError(error)) throw error;
  return sendGraphError(request, reply, 400, "BadRequest", error.message);
}

/** The custom-compliance routes (beta only). */
export function complianceGraphRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const store = scriptStore(context.store);
    const crud = (
      kind: Kind,
      collection: string,
      bodyOf: typeof complianceScriptBody,
      changed: typeof scriptChanged,
    ) => {
      const missing = (request: FastifyRequest, reply: FastifyReply, id: string) =>
        sendGraphError(
          request,
          reply,
          404,
          "ResourceNotFound",
          `No ${collection.split("/")[1]} entry with id '${id}'.`,
        );
      app.get(`/${collection}`, async (request, reply) =>
        sendCollection(context, request, reply, collection, store.listPolicies(kind).map(renderCompliance)),
      );
      app.post<{ Body: JsonObject }>(
        `/${collection}`,
        { schema: { body: AnyObject } },
        async (request, reply) => {
          let body: JsonObject;
          try {
            body = bodyOf(request.body);
          } catch (error) {
            return invalid(request, reply, error);
          }
          const now = new Date().toISOString();
          const record = { kind, id: randomUUID(), body, version: 1, createdAt: now, modifiedAt: now };
          store.putPolicy(record);
          return sendEntity(context, request, reply, `${collection}/$entity`, renderCompliance(record), 201);
        },
      );
      app.get<{ Params: { id: string } }>(
        `/${collection}/:id`,
        { schema: { params: Params } },
        async (request, reply) => {
          const record = store.getPolicy(kind, request.params.id);
          if (record === undefined) return missing(request, reply, request.params.id);
          return sendEntity(context, request, reply, `${collection}/$entity`, renderCompliance(record));
        },
      );
      app.patch<{ Params: { id: string }; Body: JsonObject }>(
        `/${collection}/:id`,
        { schema: { params: Params, body: AnyObject } },
        async (request, reply) => {
          const record = store.getPolicy(kind, request.params.id);
          if (record === undefined) return missing(request, reply, request.params.id);
          let body: JsonObject;
          try {
            body = bodyOf(request.body, record.body);
          } catch (error) {
            return invalid(request, reply, error);
          }
          const version = changed(record.body, body) ? record.version + 1 : record.version;
          store.putPolicy({ ...record, body, version, modifiedAt: new Date().toISOString() });
          return reply.code(204).send();
        },
      );
      app.delete<{ Params: { id: string } }>(
        `/${collection}/:id`,
        { schema: { params: Params } },
        async (request, reply) => {
          if (!store.deletePolicy(kind, request.params.id)) return missing(request, reply, request.params.id);
          return reply.code(204).send();
        },
      );
      return missing;
    };

    crud("complianceScript", SCRIPTS, complianceScriptBody, scriptChanged);
    const missingPolicy = crud("compliancePolicy", POLICIES, compliancePolicyBody, policyChanged);

    app.post<{ Params: { id: string }; Body: JsonObject }>(
      `/${POLICIES}/:id/assign`,
      { schema: { params: Params, body: AnyObject } },
      async (request, reply) => {
        const { id } = request.params;
        if (store.getPolicy("compliancePolicy", id) === undefined) return missingPolicy(request, reply, id);
        const list = request.body.assignments;
        if (!Array.isArray(list))
          return sendGraphError(request, reply, 400, "BadRequest", "The body needs an array 'assignments'.");
        const assignments = [];
        for (const [index, entry] of list.entries()) {
          const target = ((entry ?? {}) as JsonObject).target as JsonObject | undefined;
          if (target === undefined || typeof target["@odata.type"] !== "string")
            return sendGraphError(
              request,
              reply,
              400,
              "BadRequest",
              `assignments[${index}].target needs an @odata.type.`,
            );
          const { groupId } = assignmentTarget({ id: "", appId: id, body: { target } });
          assignments.push({ id: `${id}:${groupId}`, policyId: id, body: { target } });
        }
        store.setAssignments("compliancePolicy", id, assignments);
        return reply.code(204).send();
      },
    );

    app.get<{ Params: { id: string } }>(
      `/${POLICIES}/:id/assignments`,
      { schema: { params: Params } },
      async (request, reply) => {
        const { id } = request.params;
        if (store.getPolicy("compliancePolicy", id) === undefined) return missingPolicy(request, reply, id);
        const items = store.listAssignments("compliancePolicy", id).map((a) => ({
          "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
          id: a.id,
          ...a.body,
        }));
        return sendCollection(context, request, reply, `${POLICIES}('${id}')/assignments`, items);
      },
    );

    app.get<{ Params: { id: string } }>(
      `/${POLICIES}/:id/deviceStatuses`,
      { schema: { params: Params } },
      async (request, reply) => {
        const { id } = request.params;
        if (store.getPolicy("compliancePolicy", id) === undefined) return missingPolicy(request, reply, id);
        const items = store.listRunStates("compliancePolicy", id).map((state) => {
          const device = context.store.getDevice(state.deviceId);
          return {
            "@odata.type": "#microsoft.graph.deviceComplianceDeviceStatus",
            id: `${id}:${state.deviceId}`,
            deviceDisplayName: device?.name ?? null,
            status: state.body.status,
            lastReportedDateTime: state.body.lastReportedDateTime,
          };
        });
        return sendCollection(context, request, reply, `${POLICIES}('${id}')/deviceStatuses`, items);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/deviceManagement/managedDevices/:id/deviceCompliancePolicyStates",
      { schema: { params: Params } },
      async (request, reply) => {
        const deviceId = request.params.id;
        if (context.store.getDevice(deviceId) === undefined)
          return sendGraphError(
            request,
            reply,
            404,
            "ResourceNotFound",
            `No managedDevices entry with id '${deviceId}'.`,
          );
        const items = store.listPolicies("compliancePolicy").flatMap((policy) => {
          const state = store
            .listRunStates("compliancePolicy", policy.id)
            .find((s) => s.deviceId === deviceId);
          if (state === undefined) return [];
          const settingStates = state.body.settingStates as unknown[];
          return [
            {
              "@odata.type": "#microsoft.graph.deviceCompliancePolicyState",
              id: policy.id,
              displayName: policy.body.displayName,
              version: policy.version,
              platformType: "windows10AndLater",
              state: state.body.status === "noncompliant" ? "nonCompliant" : state.body.status,
              settingCount: settingStates.length,
              settingStates,
            },
          ];
        });
        return sendCollection(
          context,
          request,
          reply,
          `deviceManagement/managedDevices('${deviceId}')/deviceCompliancePolicyStates`,
          items,
        );
      },
    );
  };
}
