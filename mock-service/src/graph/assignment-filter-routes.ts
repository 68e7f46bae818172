import { randomUUID } from "node:crypto";
import { ImesimError, isImesimError } from "@imesim/contracts/errors";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { parseFilterRule } from "../filters/filter-rule.ts";
import { graphJsonType, sendGraphError } from "../http/graph-error.ts";
import type { AssignmentFilterRecord, JsonObject } from "../store/records.ts";
import { sendCollection, sendEntity } from "./odata.ts";

const collection = "deviceManagement/assignmentFilters";
const FilterParams = Type.Object({ filterId: Type.String({ minLength: 1, maxLength: 64 }) });
const FilterCreate = Type.Object(
  {
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 1500 }), Type.Null()])),
    platform: Type.String({ minLength: 1 }),
    rule: Type.String(),
    roleScopeTags: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
);
const FilterPatch = Type.Partial(FilterCreate, { additionalProperties: true });
const ValidateBody = Type.Object(
  {
    deviceAndAppManagementAssignmentFilter: Type.Object(
      { platform: Type.Optional(Type.String()), rule: Type.String() },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);

// The one platform whose filters this service evaluates: the IME runs on Windows.
const windowsPlatform = "windows10AndLater";

/** The members a client may write; the rest of a body (ids, times, read-only members) is ignored. */
const writable = ["displayName", "description", "platform", "rule", "roleScopeTags"] as const;

/**
 * Assignment filters, `deviceManagement/assignmentFilters` (beta; graph-win32.md §3.1: IntuneWin32App
 * looks filters up there): create, read, update, delete, and `validateFilter`. Rules are checked as the
 * service checks them (filters/filter-rule.ts); a rule it would refuse is a 400 naming what is wrong.
 */
export function assignmentFilterRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store } = context;
    const notFound = (
      request: Parameters<typeof sendGraphError>[0],
      reply: Parameters<typeof sendGraphError>[1],
      id: string,
    ) => sendGraphError(request, reply, 404, "ResourceNotFound", `No assignment filter with id '${id}'.`);

    app.get(`/${collection}`, async (request, reply) =>
      sendCollection(context, request, reply, collection, store.listAssignmentFilters().map(renderFilter)),
    );

    app.post<{ Body: JsonObject }>(
      `/${collection}`,
      { schema: { body: FilterCreate } },
      async (request, reply) => {
        const body = checkedBody(request.body);
        const now = new Date().toISOString();
        const record: AssignmentFilterRecord = { id: randomUUID(), body, createdAt: now, modifiedAt: now };
        store.putAssignmentFilter(record);
        return sendEntity(context, request, reply, `${collection}/$entity`, renderFilter(record), 201);
      },
    );

    app.post<{ Body: { deviceAndAppManagementAssignmentFilter: { platform?: string; rule: string } } }>(
      `/${collection}/validateFilter`,
      { schema: { body: ValidateBody } },
      async (request, reply) => {
        const { rule, platform } = request.body.deviceAndAppManagementAssignmentFilter;
        // An empty rule is a 400, not a verdict (S12 V51).
        if (rule.trim() === "")
          return sendGraphError(
            request,
            reply,
            400,
            "BadRequest",
            "The filter rule is empty (member 'rule').",
          );
        if (platform !== undefined) checkPlatform(platform);
        let isValidRule = true;
        try {
          parseFilterRule(rule);
        } catch (error) {
          if (!isImesimError(error)) throw error;
          isValidRule = false;
        }
        return reply
          .header("content-type", graphJsonType)
          .send({ "@odata.type": "#microsoft.graph.assignmentFilterValidationResult", isValidRule });
      },
    );

    app.get<{ Params: { filterId: string } }>(
      `/${collection}/:filterId`,
      { schema: { params: FilterParams } },
      async (request, reply) => {
        const record = store.getAssignmentFilter(request.params.filterId);
        if (record === undefined) return notFound(request, reply, request.params.filterId);
        return sendEntity(context, request, reply, `${collection}/$entity`, renderFilter(record));
      },
    );

    app.patch<{ Params: { filterId: string }; Body: JsonObject }>(
      `/${collection}/:filterId`,
      { schema: { params: FilterParams, body: FilterPatch } },
      async (request, reply) => {
        const record = store.getAssignmentFilter(request.params.filterId);
        if (record === undefined) return notFound(request, reply, request.params.filterId);
        const body = checkedBody({ ...record.body, ...request.body });
        store.putAssignmentFilter({ ...record, body, modifiedAt: new Date().toISOString() });
        return reply.code(204).send();
      },
    );

    app.delete<{ Params: { filterId: string } }>(
      `/${collection}/:filterId`,
      { schema: { params: FilterParams } },
      async (request, reply) => {
        const record = store.getAssignmentFilter(request.params.filterId);
        if (record === undefined) return notFound(request, reply, request.params.filterId);
        const user = store.listAllAssignments().find((assignment) => {
          const target = assignment.body.target as Record<string, unknown> | undefined;
          return String(target?.deviceAndAppManagementAssignmentFilterId ?? "").toLowerCase() === record.id;
        });
        if (user !== undefined) {
          return sendGraphError(
            request,
            reply,
            400,
            "BadRequest",
            `The assignment filter '${record.id}' is used by an assignment of app '${user.appId}'; remove the filter from it first.`,
          );
        }
        store.deleteAssignmentFilter(record.id);
        return reply.code(204).send();
      },
    );
  };
}

function checkPlatform(platform: string): void {
  if (platform !== windowsPlatform) {
    throw new ImesimError(
      "ASSIGNMENT_FILTER_PLATFORM",
      `platform '${platform}' is not supported here: this service evaluates filters for ${windowsPlatform} only.`,
      { path: "platform" },
    );
  }
}

// The writable members, with the platform and the rule checked as the service checks them.
function checkedBody(body: JsonObject): JsonObject {
  checkPlatform(String(body.platform));
  parseFilterRule(String(body.rule));
  return Object.fromEntries(
    writable.flatMap((name) => (name in body ? [[name, body[name]]] : [])),
  ) as JsonObject;
}

function renderFilter(record: AssignmentFilterRecord): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.deviceAndAppManagementAssignmentFilter",
    id: record.id,
    createdDateTime: record.createdAt,
    lastModifiedDateTime: record.modifiedAt,
    displayName: record.body.displayName,
    description: record.body.description ?? null,
    platform: record.body.platform,
    rule: record.body.rule,
    roleScopeTags: record.body.roleScopeTags ?? ["0"],
    payloads: [],
    assignmentFilterManagementType: "devices",
  };
}
