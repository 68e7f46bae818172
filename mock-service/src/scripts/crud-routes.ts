// The create / read / update / delete routes every script-like Graph collection has (platform scripts,
// remediations, compliance scripts and policies), and the `assign` / `assignments` pair of the assignable
// ones: one record kind of the script tables, a body check, a version rule and a rendering. Kept in one
// place so the collections differ only in what is theirs.
import { randomUUID } from "node:crypto";
import { isImesimError } from "@imesim/contracts/errors";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { assignmentTarget } from "../graph/assignment-model.ts";
import { sendCollection, sendEntity } from "../graph/odata.ts";
import { sendGraphError } from "../http/graph-error.ts";
import type { JsonObject } from "../store/records.ts";
import type { ScriptPolicyRecord, ScriptStore, StoredKind } from "./script-store.ts";

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const AnyObject = Type.Object({}, { additionalProperties: true });

export interface CrudSpec<K extends StoredKind> {
  readonly kind: K;
  /** e.g. `deviceManagement/deviceManagementScripts` */
  readonly collection: string;
  /** The checked body from a POST (no base) or a PATCH (over the stored body); throws ImesimError. */
  readonly bodyOf: (input: JsonObject, base?: JsonObject) => JsonObject;
  /** The version after a change. */
  readonly nextVersion: (version: number, before: JsonObject, after: JsonObject) => number;
  readonly render: (record: ScriptPolicyRecord<K>) => Record<string, unknown>;
  /** For an assignable collection: its `assign` action and `assignments` list. */
  readonly assignments?: AssignmentSpec;
}

export interface AssignmentSpec {
  /** The member of the `assign` body that holds the list, e.g. `deviceManagementScriptAssignments`. */
  readonly member: string;
  /** The `@odata.type` each listed assignment carries. */
  readonly odataType: string;
  /** What an assignment keeps besides its target (a remediation's schedule); throws ImesimError, naming `path`. */
  readonly extrasOf?: (item: JsonObject, path: string) => JsonObject;
}

/** A 400 for a body the check refused; anything else is a bug and is rethrown. */
export function invalidBody(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  if (!isImesimError(error)) throw error;
  return sendGraphError(request, reply, 400, "BadRequest", error.message);
}

/** Registers the collection's CRUD routes; returns its 404 answer for the routes the caller adds. */
export function registerCrud<K extends StoredKind>(
  app: FastifyInstance,
  context: ServiceContext,
  store: ScriptStore,
  spec: CrudSpec<K>,
) {
  const { kind, collection } = spec;
  const missing = (request: FastifyRequest, reply: FastifyReply, id: string) =>
    sendGraphError(
      request,
      reply,
      404,
      "ResourceNotFound",
      `No ${collection.split("/")[1]} entry with id '${id}'.`,
    );
  app.get(`/${collection}`, async (request, reply) =>
    sendCollection(context, request, reply, collection, store.listPolicies(kind).map(spec.render)),
  );
  app.post<{ Body: JsonObject }>(
    `/${collection}`,
    { schema: { body: AnyObject } },
    async (request, reply) => {
      let body: JsonObject;
      try {
        body = spec.bodyOf(request.body);
      } catch (error) {
        return invalidBody(request, reply, error);
      }
      const now = new Date().toISOString();
      const record: ScriptPolicyRecord<K> = {
        kind,
        id: randomUUID(),
        body,
        version: 1,
        createdAt: now,
        modifiedAt: now,
      };
      store.putPolicy(record);
      return sendEntity(context, request, reply, `${collection}/$entity`, spec.render(record), 201);
    },
  );
  app.get<{ Params: { id: string } }>(
    `/${collection}/:id`,
    { schema: { params: IdParams } },
    async (request, reply) => {
      const record = store.getPolicy(kind, request.params.id);
      if (record === undefined) return missing(request, reply, request.params.id);
      return sendEntity(context, request, reply, `${collection}/$entity`, spec.render(record));
    },
  );
  app.patch<{ Params: { id: string }; Body: JsonObject }>(
    `/${collection}/:id`,
    { schema: { params: IdParams, body: AnyObject } },
    async (request, reply) => {
      const record = store.getPolicy(kind, request.params.id);
      if (record === undefined) return missing(request, reply, request.params.id);
      let body: JsonObject;
      try {
        body = spec.bodyOf(request.body, record.body);
      } catch (error) {
        return invalidBody(request, reply, error);
      }
      const version = spec.nextVersion(record.version, record.body, body);
      store.putPolicy({ ...record, body, version, modifiedAt: new Date().toISOString() });
      return reply.code(204).send();
    },
  );
  app.delete<{ Params: { id: string } }>(
    `/${collection}/:id`,
    { schema: { params: IdParams } },
    async (request, reply) => {
      if (!store.deletePolicy(kind, request.params.id)) return missing(request, reply, request.params.id);
      return reply.code(204).send();
    },
  );
  if (spec.assignments !== undefined)
    registerAssignments(app, context, store, spec, spec.assignments, missing);
  return missing;
}

type MissingAnswer = (request: FastifyRequest, reply: FastifyReply, id: string) => FastifyReply;

/** `POST …/{id}/assign` (replaces the whole list, 204) and `GET …/{id}/assignments`. */
function registerAssignments<K extends StoredKind>(
  app: FastifyInstance,
  context: ServiceContext,
  store: ScriptStore,
  { kind, collection }: CrudSpec<K>,
  assign: AssignmentSpec,
  missing: MissingAnswer,
): void {
  app.post<{ Params: { id: string }; Body: JsonObject }>(
    `/${collection}/:id/assign`,
    { schema: { params: IdParams, body: AnyObject } },
    async (request, reply) => {
      const { id } = request.params;
      if (store.getPolicy(kind, id) === undefined) return missing(request, reply, id);
      const list = request.body[assign.member];
      if (!Array.isArray(list))
        return sendGraphError(
          request,
          reply,
          400,
          "BadRequest",
          `The body needs an array '${assign.member}'.`,
        );
      const assignments = [];
      for (const [index, entry] of list.entries()) {
        const item = (entry ?? {}) as JsonObject;
        const path = `${assign.member}[${index}]`;
        const target = item.target as JsonObject | undefined;
        if (target === undefined || typeof target["@odata.type"] !== "string")
          return sendGraphError(request, reply, 400, "BadRequest", `${path}.target needs an @odata.type.`);
        let body: JsonObject;
        try {
          body = { target, ...assign.extrasOf?.(item, path) };
        } catch (error) {
          return invalidBody(request, reply, error);
        }
        const { groupId } = assignmentTarget({ id: "", appId: id, body });
        assignments.push({ id: `${id}:${groupId}`, policyId: id, body });
      }
      store.setAssignments(kind, id, assignments);
      return reply.code(204).send();
    },
  );
  app.get<{ Params: { id: string } }>(
    `/${collection}/:id/assignments`,
    { schema: { params: IdParams } },
    async (request, reply) => {
      const { id } = request.params;
      if (store.getPolicy(kind, id) === undefined) return missing(request, reply, id);
      const items = store
        .listAssignments(kind, id)
        .map((a) => ({ "@odata.type": assign.odataType, id: a.id, ...a.body }));
      return sendCollection(context, request, reply, `${collection}('${id}')/assignments`, items);
    },
  );
}
