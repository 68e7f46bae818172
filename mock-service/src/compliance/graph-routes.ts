// Graph beta custom compliance: `deviceManagement/deviceComplianceScripts` (the discovery scripts) and
// `deviceManagement/deviceCompliancePolicies` (only what custom compliance needs: create/read/update/delete
// with a `deviceCompliancePolicyScript`, `assign`, `assignments`, `deviceStatuses`), and the device's
// `managedDevices/{id}/deviceCompliancePolicyStates` with each setting's state and remediation text.
// Permissions come from the `/devicemanagement/` rule of graph/permissions.ts.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../context.ts";
import { sendCollection } from "../graph/odata.ts";
import { sendGraphError } from "../http/graph-error.ts";
import { IdParams, registerCrud } from "../scripts/crud-routes.ts";
import { scriptStore } from "../scripts/script-store.ts";
import type { JsonObject } from "../store/records.ts";
import {
  compliancePolicyBody,
  complianceScriptBody,
  policyChanged,
  renderCompliance,
  scriptChanged,
} from "./compliance-model.ts";

const SCRIPTS = "deviceManagement/deviceComplianceScripts";
const POLICIES = "deviceManagement/deviceCompliancePolicies";

/** The custom-compliance routes (beta only). */
export function complianceGraphRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const store = scriptStore(context.store);
    const bump =
      (changed: (before: JsonObject, after: JsonObject) => boolean) =>
      (version: number, before: JsonObject, after: JsonObject) =>
        changed(before, after) ? version + 1 : version;
    registerCrud(app, context, store, {
      kind: "complianceScript",
      collection: SCRIPTS,
      bodyOf: complianceScriptBody,
      nextVersion: bump(scriptChanged),
      render: renderCompliance,
    });
    const missingPolicy = registerCrud(app, context, store, {
      kind: "compliancePolicy",
      collection: POLICIES,
      bodyOf: compliancePolicyBody,
      nextVersion: bump(policyChanged),
      render: renderCompliance,
      assignments: {
        member: "assignments",
        odataType: "#microsoft.graph.deviceCompliancePolicyAssignment",
      },
    });

    app.get<{ Params: { id: string } }>(
      `/${POLICIES}/:id/deviceStatuses`,
      { schema: { params: IdParams } },
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
      { schema: { params: IdParams } },
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
