import type { FastifyInstance } from "fastify";
import { complianceGraphRoutes } from "../compliance/graph-routes.ts";
import type { ServiceContext } from "../context.ts";
import { inventoryGraphRoutes } from "../inventory/graph-routes.ts";
import { scriptGraphRoutes } from "../scripts/graph-routes.ts";
import { appRoutes } from "./app-routes.ts";
import { assignmentFilterRoutes } from "./assignment-filter-routes.ts";
import { assignmentRoutes } from "./assignment-routes.ts";
import { batchRoutes } from "./batch-routes.ts";
import { catalogRoutes } from "./catalog-routes.ts";
import { contentRoutes } from "./content-routes.ts";
import { groupRoutes } from "./group-routes.ts";
import { admitGraphRequest } from "./guard.ts";
import { relationshipRoutes } from "./relationship-routes.ts";
import { reportRoutes } from "./report-routes.ts";
import { statusRoutes } from "./status-routes.ts";
import { userRoutes } from "./user-routes.ts";
import { refuseBetaOnlyMembers, v1Routes } from "./v1-routes.ts";

/**
 * The Graph admin API under one version prefix (`/beta` or `/v1.0`); `/v1.0` serves only what v1.0 has
 * (graph-version.ts).
 */
export function graphRoutes(context: ServiceContext, version: "beta" | "v1.0") {
  return async (app: FastifyInstance): Promise<void> => {
    // Every Graph route starts alike, after its input validated: a Graph token, then the planned faults
    // (targeted by the app the URL names, if any). A request answered here never reaches its handler.
    app.addHook("preHandler", async (request, reply) => {
      const { appId } = request.params as { appId?: string };
      if (!(await admitGraphRequest(context, request, reply, appId))) return reply;
    });
    if (version === "v1.0") app.addHook("preHandler", refuseBetaOnlyMembers);
    await app.register(appRoutes(context));
    await app.register(contentRoutes(context));
    await app.register(assignmentRoutes(context));
    await app.register(groupRoutes(context));
    await app.register(userRoutes(context));
    await app.register(catalogRoutes(context));
    await app.register(batchRoutes(context));
    await app.register(inventoryGraphRoutes(context));
    if (version === "beta") {
      await app.register(statusRoutes(context));
      await app.register(relationshipRoutes(context));
      await app.register(reportRoutes(context));
      await app.register(assignmentFilterRoutes(context));
      await app.register(scriptGraphRoutes(context));
      await app.register(complianceGraphRoutes(context));
    } else {
      await app.register(v1Routes());
    }
  };
}
