import { ImesimError } from "@imesim/contracts/errors";
import { parseMobileAppRelationship } from "@imesim/contracts/graph";
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../context.ts";
import type { JsonObject } from "../store/records.ts";
import { appNotFound } from "./app-routes.ts";
import { sendCollection } from "./odata.ts";
import { AnyObject, AppParams } from "./schemas.ts";

/**
 * Dependencies and supersedence (graph-win32.md §1.8): `updateRelationships` replaces the whole
 * set, `relationships` lists it. The gateway turns them into the policy's FlatDependencies.
 */
export function relationshipRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store } = context;

    app.post<{ Params: { appId: string }; Body: JsonObject }>(
      "/deviceAppManagement/mobileApps/:appId/updateRelationships",
      { schema: { params: AppParams, body: AnyObject } },
      async (request, reply) => {
        const source = store.getApp(request.params.appId);
        if (source === undefined) return appNotFound(request, reply, request.params.appId);
        const list = request.body.relationships;
        if (!Array.isArray(list)) {
          throw new ImesimError("GRAPH_MODEL_VALIDATION", "relationships must be an array.", {
            path: "relationships",
          });
        }
        // Every entry is checked before the set is replaced, so a bad one leaves the old set.
        const relationships = list.map((item, index) => {
          const path = `relationships/${index}`;
          const parsed = parseMobileAppRelationship(item, path);
          const target = store.getApp(parsed.targetId);
          if (target === undefined || target.id === source.id) {
            throw new ImesimError(
              "GRAPH_MODEL_VALIDATION",
              `targetId '${parsed.targetId}' is not another app of this tenant.`,
              {
                path: `${path}/targetId`,
              },
            );
          }
          return JSON.parse(JSON.stringify({ ...parsed, targetId: target.id })) as JsonObject;
        });
        store.putRelationships(source.id, relationships);
        return reply.code(204).send();
      },
    );

    app.get<{ Params: { appId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/relationships",
      { schema: { params: AppParams } },
      async (request, reply) => {
        const source = store.getApp(request.params.appId);
        if (source === undefined) return appNotFound(request, reply, request.params.appId);
        const items = store.listRelationships(source.id).map((relationship) => {
          const target = store.getApp(String(relationship.targetId));
          return {
            ...relationship,
            id: `${source.id}_${String(relationship.targetId)}`,
            targetDisplayName: target?.body.displayName ?? null,
            targetDisplayVersion: target?.body.displayVersion ?? null,
            targetPublisher: target?.body.publisher ?? null,
            targetType: "child",
            sourceId: source.id,
            sourceDisplayName: source.body.displayName ?? null,
            sourceDisplayVersion: source.body.displayVersion ?? null,
          };
        });
        return sendCollection(
          context,
          request,
          reply,
          `deviceAppManagement/mobileApps('${source.id}')/relationships`,
          items,
        );
      },
    );
  };
}
