import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../context.ts";
import { sendGraphError } from "../http/graph-error.ts";
import { appAfterPatch, appFromCreateBody, renderApp } from "./app-model.ts";
import { renderAssignment } from "./assignment-model.ts";
import { sendCollection, sendEntity, serviceRoot } from "./odata.ts";
import { AnyObject, AppParams } from "./schemas.ts";

const collection = "deviceAppManagement/mobileApps";

/** `mobileApps` create, read, update, delete and list (graph-win32.md §1, §6). */
export function appRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store } = context;
    const render = (record: Parameters<typeof renderApp>[1], expand: string | undefined) => {
      const entity = renderApp(store, record);
      if (expand?.toLowerCase().split(",").includes("assignments")) {
        entity.assignments = store.listAssignments(record.id).map(renderAssignment);
      }
      return entity;
    };

    app.get<{ Querystring: { $expand?: string } }>(
      "/deviceAppManagement/mobileApps",
      async (request, reply) => {
        const items = store.listApps().map((record) => render(record, request.query.$expand));
        return sendCollection(context, request, reply, collection, items);
      },
    );

    app.post("/deviceAppManagement/mobileApps", { schema: { body: AnyObject } }, async (request, reply) => {
      const body = appFromCreateBody(request.body);
      const now = new Date().toISOString();
      const record = { id: randomUUID(), body, createdAt: now, modifiedAt: now };
      store.insertApp(record);
      reply.header("location", `${serviceRoot(context, request)}/${collection}/${record.id}`);
      return sendEntity(context, request, reply, `${collection}/$entity`, renderApp(store, record), 201);
    });

    app.get<{ Params: { appId: string }; Querystring: { $expand?: string } }>(
      "/deviceAppManagement/mobileApps/:appId",
      { schema: { params: AppParams } },
      async (request, reply) => {
        const record = store.getApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        return sendEntity(
          context,
          request,
          reply,
          `${collection}/$entity`,
          render(record, request.query.$expand),
        );
      },
    );

    app.patch<{ Params: { appId: string } }>(
      "/deviceAppManagement/mobileApps/:appId",
      { schema: { params: AppParams, body: AnyObject } },
      async (request, reply) => {
        const record = store.getApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        const body = appAfterPatch(store, record, request.body);
        store.updateApp(record.id, body, new Date().toISOString());
        const updated = store.getApp(record.id);
        if (request.headers.prefer?.includes("return=representation") && updated !== undefined) {
          return sendEntity(context, request, reply, `${collection}/$entity`, renderApp(store, updated));
        }
        return reply.code(204).send();
      },
    );

    app.delete<{ Params: { appId: string } }>(
      "/deviceAppManagement/mobileApps/:appId",
      { schema: { params: AppParams } },
      async (request, reply) => {
        const record = store.getApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        store.deleteApp(record.id);
        return reply.code(204).send();
      },
    );
  };
}

/** The 404 Graph gives for an unknown app id. */
export function appNotFound(
  request: Parameters<typeof sendGraphError>[0],
  reply: Parameters<typeof sendGraphError>[1],
  appId: string,
) {
  return sendGraphError(
    request,
    reply,
    404,
    "ResourceNotFound",
    `No mobileApp with id '${appId}' was found.`,
  );
}
