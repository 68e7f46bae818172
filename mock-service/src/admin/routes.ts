import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { FaultPlan } from "../faults/plan.ts";

const FaultState = Type.Object({
  plan: FaultPlan,
  counters: Type.Array(Type.Object({ id: Type.String(), injected: Type.Integer() })),
});

/**
 * The mock's own control plane: the fault plan (`/admin/faults`) and the OpenAPI document
 * generated from the route schemas (`/openapi.json`). Not part of Intune; unauthenticated, as
 * a test double's switches are.
 */
export function adminRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
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

    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  };
}
