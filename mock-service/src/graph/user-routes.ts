import { isImesimError } from "@imesim/contracts/errors";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { sendGraphError } from "../http/graph-error.ts";
import { createTenantUser } from "../identity/tenant-users.ts";
import type { UserRecord } from "../store/records.ts";
import { sendCollection, sendEntity } from "./odata.ts";

const UserParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 256 }) });
// Graph's own create body also carries accountEnabled, mailNickname and passwordProfile; they are accepted
// and not kept. `id` is the mock's extension (contract U), so a scenario's users keep their object ids.
const UserCreate = Type.Object(
  {
    id: Type.Optional(Type.String({ format: "uuid" })),
    userPrincipalName: Type.String({ minLength: 3, maxLength: 256, pattern: "^[^@\\s]+@[^@\\s]+$" }),
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: true },
);

/** Entra users of the tenant (contract U): the only users a device can enroll with or sign in as. */
export function userRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store } = context;

    app.get("/users", async (request, reply) =>
      sendCollection(context, request, reply, "users", store.listUsers().map(renderUser)),
    );

    app.post<{ Body: { id?: string; userPrincipalName: string; displayName?: string } }>(
      "/users",
      { schema: { body: UserCreate } },
      async (request, reply) => {
        try {
          const user = createTenantUser(store, request.body);
          return sendEntity(context, request, reply, "users/$entity", renderUser(user), 201);
        } catch (error) {
          if (!isImesimError(error)) throw error;
          // Entra's answer to a taken UPN or object id (graph-win32.md §6 error envelope).
          return sendGraphError(request, reply, 400, "Request_BadRequest", error.message);
        }
      },
    );

    app.get<{ Params: { userId: string } }>(
      "/users/:userId",
      { schema: { params: UserParams } },
      async (request, reply) => {
        const key = request.params.userId;
        const user = store.getUser(key) ?? store.getUserByPrincipalName(key);
        if (user === undefined) {
          return sendGraphError(
            request,
            reply,
            404,
            "Request_ResourceNotFound",
            `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
          );
        }
        return sendEntity(context, request, reply, "users/$entity", renderUser(user));
      },
    );
  };
}

/** A user as Graph renders one. */
export function renderUser(user: UserRecord): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.user",
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
  };
}
