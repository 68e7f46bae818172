import { randomUUID } from "node:crypto";
import { ImesimError } from "@imesim/contracts/errors";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { sendGraphError } from "../http/graph-error.ts";
import type { GroupRecord } from "../store/records.ts";
import { sendCollection, sendEntity } from "./odata.ts";
import { renderUser } from "./user-routes.ts";

const GroupParams = Type.Object({ groupId: Type.String({ minLength: 1, maxLength: 64 }) });
const MemberParams = Type.Object({
  groupId: Type.String({ minLength: 1, maxLength: 64 }),
  memberId: Type.String({ minLength: 1, maxLength: 64 }),
});
const GroupCreate = Type.Object(
  {
    displayName: Type.String({ minLength: 1, maxLength: 256 }),
    mailNickname: Type.Optional(Type.String()),
    securityEnabled: Type.Optional(Type.Boolean()),
    mailEnabled: Type.Optional(Type.Boolean()),
    "members@odata.bind": Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
);
const MemberRef = Type.Object({ "@odata.id": Type.String({ minLength: 1 }) }, { additionalProperties: true });

/**
 * Minimal Entra groups and memberships, enough to target assignments: members are device ids
 * (the device's Entra object id, which the mock makes equal to its device id) or user ids.
 */
export function groupRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store } = context;

    app.get("/groups", async (request, reply) => {
      return sendCollection(context, request, reply, "groups", store.listGroups().map(renderGroup));
    });

    app.post<{ Body: { displayName: string; "members@odata.bind"?: string[] } }>(
      "/groups",
      { schema: { body: GroupCreate } },
      async (request, reply) => {
        const members = (request.body["members@odata.bind"] ?? []).map((link, index) =>
          memberIdOf(link, `members@odata.bind/${index}`),
        );
        const id = randomUUID();
        store.transaction(() => {
          store.insertGroup(id, request.body.displayName, new Date().toISOString());
          for (const member of members) store.addMember(id, member);
        });
        const group = store.getGroup(id) as GroupRecord;
        return sendEntity(context, request, reply, "groups/$entity", renderGroup(group), 201);
      },
    );

    app.get<{ Params: { groupId: string } }>(
      "/groups/:groupId",
      { schema: { params: GroupParams } },
      async (request, reply) => {
        const group = store.getGroup(request.params.groupId);
        if (group === undefined) return groupNotFound(request, reply, request.params.groupId);
        return sendEntity(context, request, reply, "groups/$entity", renderGroup(group));
      },
    );

    app.delete<{ Params: { groupId: string } }>(
      "/groups/:groupId",
      { schema: { params: GroupParams } },
      async (request, reply) => {
        const group = store.getGroup(request.params.groupId);
        if (group === undefined) return groupNotFound(request, reply, request.params.groupId);
        store.deleteGroup(group.id);
        return reply.code(204).send();
      },
    );

    app.get<{ Params: { groupId: string } }>(
      "/groups/:groupId/members",
      { schema: { params: GroupParams } },
      async (request, reply) => {
        const group = store.getGroup(request.params.groupId);
        if (group === undefined) return groupNotFound(request, reply, request.params.groupId);
        const members = group.members.map((memberId) => renderMember(context, memberId));
        return sendCollection(context, request, reply, "directoryObjects", members);
      },
    );

    app.post<{ Params: { groupId: string }; Body: { "@odata.id": string } }>(
      "/groups/:groupId/members/$ref",
      { schema: { params: GroupParams, body: MemberRef } },
      async (request, reply) => {
        const group = store.getGroup(request.params.groupId);
        if (group === undefined) return groupNotFound(request, reply, request.params.groupId);
        store.addMember(group.id, memberIdOf(request.body["@odata.id"], "@odata.id"));
        return reply.code(204).send();
      },
    );

    app.delete<{ Params: { groupId: string; memberId: string } }>(
      "/groups/:groupId/members/:memberId/$ref",
      { schema: { params: MemberParams } },
      async (request, reply) => {
        const group = store.getGroup(request.params.groupId);
        if (group === undefined) return groupNotFound(request, reply, request.params.groupId);
        if (!store.removeMember(group.id, request.params.memberId.toLowerCase())) {
          return sendGraphError(
            request,
            reply,
            404,
            "Request_ResourceNotFound",
            `'${request.params.memberId}' is not a member.`,
          );
        }
        return reply.code(204).send();
      },
    );
  };
}

function renderGroup(group: GroupRecord): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.group",
    id: group.id,
    displayName: group.displayName,
    createdDateTime: group.createdAt,
    securityEnabled: true,
    mailEnabled: false,
    groupTypes: [],
  };
}

function renderMember(context: ServiceContext, memberId: string): Record<string, unknown> {
  const device = context.store.getDevice(memberId);
  if (device !== undefined) {
    return {
      "@odata.type": "#microsoft.graph.device",
      id: device.id,
      deviceId: device.id,
      displayName: device.name,
    };
  }
  const user = context.store.getUser(memberId);
  return user === undefined
    ? { "@odata.type": "#microsoft.graph.directoryObject", id: memberId }
    : renderUser(user);
}

/** The object id at the end of a `directoryObjects/{id}` (or `devices/{id}`, `users/{id}`) link. */
function memberIdOf(link: string, path: string): string {
  const match = /\/(?:directoryObjects|devices|users)\/([0-9a-fA-F-]{36})$/.exec(
    link.replace(/\('([^']+)'\)$/, "/$1"),
  );
  if (match === null) {
    throw new ImesimError("GRAPH_MODEL_VALIDATION", `'${link}' is not a directoryObjects link.`, { path });
  }
  return (match[1] as string).toLowerCase();
}

function groupNotFound(
  request: Parameters<typeof sendGraphError>[0],
  reply: Parameters<typeof sendGraphError>[1],
  groupId: string,
) {
  return sendGraphError(
    request,
    reply,
    404,
    "Request_ResourceNotFound",
    `Resource '${groupId}' does not exist.`,
  );
}
