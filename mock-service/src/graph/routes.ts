import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../context.ts";
import { appRoutes } from "./app-routes.ts";
import { assignmentRoutes } from "./assignment-routes.ts";
import { catalogRoutes } from "./catalog-routes.ts";
import { contentRoutes } from "./content-routes.ts";
import { groupRoutes } from "./group-routes.ts";
import { relationshipRoutes } from "./relationship-routes.ts";
import { reportRoutes } from "./report-routes.ts";
import { statusRoutes } from "./status-routes.ts";

/** The Graph admin API under one version prefix (`/beta` or `/v1.0`). */
export function graphRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(appRoutes(context));
    await app.register(contentRoutes(context));
    await app.register(assignmentRoutes(context));
    await app.register(statusRoutes(context));
    await app.register(groupRoutes(context));
    await app.register(catalogRoutes(context));
    await app.register(relationshipRoutes(context));
    await app.register(reportRoutes(context));
  };
}
