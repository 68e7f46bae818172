import { ImesimError } from "@imesim/contracts/errors";
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../context.ts";
import { sendGraphError } from "../http/graph-error.ts";
import type { JsonObject } from "../store/records.ts";
import { isPublished } from "./app-model.ts";
import { appNotFound } from "./app-routes.ts";
import { assignmentFromBody, renderAssignment } from "./assignment-model.ts";
import { sendCollection, sendEntity } from "./odata.ts";
import { AnyObject, AppParams, AssignmentParams } from "./schemas.ts";

/** Assignments: `/assignments` one by one (IntuneWin32App) and `/assign` for the whole list (graph-win32.md §3.3). */
export function assignmentRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store } = context;
    const fragment = (appId: string) => `deviceAppManagement/mobileApps('${appId}')/assignments`;

    /** The assignment a request names within its app, or undefined. */
    const findAssignment = (params: { appId: string; assignmentId: string }) =>
      store
        .listAssignments(store.getApp(params.appId)?.id ?? "")
        .find((item) => item.id.toLowerCase() === params.assignmentId.toLowerCase());

    const publishedApp = (appId: string) => {
      const record = store.getApp(appId);
      if (record !== undefined && !isPublished(record)) {
        // The docs: an app can't be assigned until it is published (graph-win32.md §3.3).
        throw new ImesimError(
          "GRAPH_MODEL_APP_NOT_PUBLISHED",
          `The app '${appId}' has no committed content and cannot be assigned yet.`,
        );
      }
      return record;
    };

    app.get<{ Params: { appId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/assignments",
      { schema: { params: AppParams } },
      async (request, reply) => {
        const record = store.getApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        const items = store.listAssignments(record.id).map(renderAssignment);
        return sendCollection(context, request, reply, fragment(record.id), items);
      },
    );

    app.post<{ Params: { appId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/assignments",
      { schema: { params: AppParams, body: AnyObject } },
      async (request, reply) => {
        const record = publishedApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        const assignment = assignmentFromBody(record.id, request.body);
        if (store.listAssignments(record.id).some((existing) => existing.id === assignment.id)) {
          return sendGraphError(
            request,
            reply,
            409,
            "Conflict",
            `The app already has the assignment '${assignment.id}'.`,
          );
        }
        store.putAssignment(assignment);
        return sendEntity(
          context,
          request,
          reply,
          `${fragment(record.id)}/$entity`,
          renderAssignment(assignment),
          201,
        );
      },
    );

    app.post<{ Params: { appId: string }; Body: JsonObject }>(
      "/deviceAppManagement/mobileApps/:appId/assign",
      { schema: { params: AppParams, body: AnyObject } },
      async (request, reply) => {
        const record = publishedApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        const list = request.body.mobileAppAssignments;
        if (!Array.isArray(list)) {
          throw new ImesimError("GRAPH_MODEL_VALIDATION", "mobileAppAssignments must be an array.", {
            path: "mobileAppAssignments",
          });
        }
        // Validate every entry before writing anything: a bad entry leaves the list as it was.
        const assignments = list.map((item, index) =>
          assignmentFromBody(record.id, item, `mobileAppAssignments/${index}/`),
        );
        store.transaction(() => {
          store.deleteAssignmentsOf(record.id);
          for (const assignment of assignments) store.putAssignment(assignment);
        });
        return reply.code(204).send();
      },
    );

    app.get<{ Params: { appId: string; assignmentId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/assignments/:assignmentId",
      { schema: { params: AssignmentParams } },
      async (request, reply) => {
        const assignment = findAssignment(request.params);
        if (assignment === undefined) return assignmentNotFound(request, reply, request.params.assignmentId);
        return sendEntity(
          context,
          request,
          reply,
          `${fragment(assignment.appId)}/$entity`,
          renderAssignment(assignment),
        );
      },
    );

    app.patch<{ Params: { appId: string; assignmentId: string }; Body: JsonObject }>(
      "/deviceAppManagement/mobileApps/:appId/assignments/:assignmentId",
      { schema: { params: AssignmentParams, body: AnyObject } },
      async (request, reply) => {
        const existing = findAssignment(request.params);
        if (existing === undefined) return assignmentNotFound(request, reply, request.params.assignmentId);
        const updated = assignmentFromBody(existing.appId, { ...existing.body, ...request.body });
        store.transaction(() => {
          store.deleteAssignment(existing.appId, existing.id);
          store.putAssignment(updated);
        });
        return reply.code(204).send();
      },
    );

    app.delete<{ Params: { appId: string; assignmentId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/assignments/:assignmentId",
      { schema: { params: AssignmentParams } },
      async (request, reply) => {
        const existing = findAssignment(request.params);
        if (existing === undefined) return assignmentNotFound(request, reply, request.params.assignmentId);
        store.deleteAssignment(existing.appId, existing.id);
        return reply.code(204).send();
      },
    );
  };
}

function assignmentNotFound(
  request: Parameters<typeof sendGraphError>[0],
  reply: Parameters<typeof sendGraphError>[1],
  assignmentId: string,
) {
  return sendGraphError(
    request,
    reply,
    404,
    "ResourceNotFound",
    `No assignment with id '${assignmentId}' was found.`,
  );
}
