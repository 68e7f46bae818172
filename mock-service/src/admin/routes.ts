import { isImesimError } from "@imesim/contracts/errors";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { FaultPlan } from "../faults/plan.ts";
import {
  bodyWithPolicyOverride,
  checkPolicyOverride,
  storedPolicyOverride,
} from "../graph/policy-override.ts";
import { admitAdmin } from "../http/admin-auth.ts";
import { sendGraphError } from "../http/graph-error.ts";
import type { JsonObject } from "../store/records.ts";

const FaultState = Type.Object({
  plan: FaultPlan,
  counters: Type.Array(Type.Object({ id: Type.String(), injected: Type.Integer() })),
});

/**
 * The mock's own control plane: the fault plan (`/admin/faults`), per-app IME policy overrides
 * (`/admin/apps/{id}/imePolicy`) and the OpenAPI document
 * generated from the route schemas (`/openapi.json`). Not part of Intune: `/admin/*` can change what
 * devices receive, so it takes the service's admin token (contract A); the OpenAPI document is public.
 */
export function adminRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    // Checked before the body is read: an unauthenticated caller never gets its body parsed.
    app.addHook("onRequest", async (request, reply) => {
      if (request.routeOptions.url?.startsWith("/admin/") && !admitAdmin(context, request, reply))
        return reply;
    });
    const state = () => ({ plan: context.faults.plan(), counters: context.faults.counters() });

    app.get("/admin/faults", { schema: { response: { 200: FaultState } } }, async () => state());

    app.post<{ Body: FaultPlan }>(
      "/admin/faults",
      { schema: { body: FaultPlan, response: { 200: FaultState } } },
      async (request) => {
        context.faults.setPlan(request.body);
        return state();
      },
    );

    app.delete("/admin/faults", async (_request, reply) => {
      context.faults.setPlan({ rules: [] });
      return reply.code(204).send();
    });

    // A per-app IME policy override (graph/policy-override.ts): PUT the policy in its wire form, as pasted
    // from an IME log; the app lists then serve it instead of the policy derived from the Graph app.
    const policyUrl = "/admin/apps/:appId/imePolicy";
    const AppParams = Type.Object({ appId: Type.String() });
    const appNotFound = (request: FastifyRequest, reply: FastifyReply, appId: string) =>
      sendGraphError(request, reply, 404, "ResourceNotFound", `No app '${appId}' in this service.`);

    app.get<{ Params: { appId: string } }>(
      policyUrl,
      { schema: { params: AppParams } },
      async (request, reply) => {
        const record = context.store.getApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        const policy = storedPolicyOverride(record);
        if (policy === undefined)
          return sendGraphError(request, reply, 404, "ResourceNotFound", "This app has no policy override.");
        return policy;
      },
    );

    app.put<{ Params: { appId: string }; Body: Record<string, unknown> }>(
      policyUrl,
      { schema: { params: AppParams, body: Type.Object({}, { additionalProperties: true }) } },
      async (request, reply) => {
        const record = context.store.getApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        try {
          checkPolicyOverride(request.body);
        } catch (error) {
          if (!isImesimError(error)) throw error;
          const member = error.path === undefined || error.path === "" ? "" : ` (${error.path})`;
          return sendGraphError(
            request,
            reply,
            400,
            "BadRequest",
            `Invalid IME policy${member}: ${error.message}`,
          );
        }
        const policy = JSON.parse(JSON.stringify(request.body)) as JsonObject;
        context.store.updateApp(
          record.id,
          bodyWithPolicyOverride(record.body, policy),
          new Date().toISOString(),
        );
        return reply.code(204).send();
      },
    );

    app.delete<{ Params: { appId: string } }>(
      policyUrl,
      { schema: { params: AppParams } },
      async (request, reply) => {
        const record = context.store.getApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        context.store.updateApp(
          record.id,
          bodyWithPolicyOverride(record.body, undefined),
          new Date().toISOString(),
        );
        return reply.code(204).send();
      },
    );

    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  };
}
