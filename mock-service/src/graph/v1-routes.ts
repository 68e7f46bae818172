import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendGraphError } from "../http/graph-error.ts";
import { betaOnlyMemberIn } from "./graph-version.ts";

/** Paths of the beta-only route families (graph-win32.md §1.8, §4.1, §4.2, §3.1), and the segment v1.0 does not know. */
const betaOnlyPaths: readonly (readonly [path: string, segment: string])[] = [
  ["/deviceAppManagement/mobileApps/:appId/deviceStatuses", "deviceStatuses"],
  ["/deviceAppManagement/mobileApps/:appId/deviceStatuses/*", "deviceStatuses"],
  ["/deviceAppManagement/mobileApps/:appId/userStatuses", "userStatuses"],
  ["/deviceAppManagement/mobileApps/:appId/userStatuses/*", "userStatuses"],
  ["/deviceAppManagement/mobileApps/:appId/installSummary", "installSummary"],
  ["/deviceAppManagement/mobileApps/:appId/relationships", "relationships"],
  ["/deviceAppManagement/mobileApps/:appId/updateRelationships", "updateRelationships"],
  ["/deviceManagement/reports/*", "reports"],
  ["/deviceManagement/assignmentFilters", "assignmentFilters"],
  ["/deviceManagement/assignmentFilters/*", "assignmentFilters"],
];

/**
 * What `/v1.0` answers where beta has more: a beta-only route family is a 400 "Resource not found for the
 * segment", and a write carrying a beta-only member is a 400 naming the property, as Graph v1.0 answers
 * (OData's messages for an unknown segment and an undeclared property).
 */
export function v1Routes() {
  return async (app: FastifyInstance): Promise<void> => {
    for (const [path, segment] of betaOnlyPaths) {
      app.all(path, { schema: { hide: true } }, async (request, reply) =>
        sendGraphError(request, reply, 400, "BadRequest", `Resource not found for the segment '${segment}'.`),
      );
    }
  };
}

const writeKinds: readonly (readonly [
  method: string,
  suffix: RegExp,
  kind: "app" | "assignment" | "assign",
])[] = [
  ["POST", /\/deviceAppManagement\/mobileApps$/i, "app"],
  ["PATCH", /\/deviceAppManagement\/mobileApps\/:appId$/i, "app"],
  ["POST", /\/mobileApps\/:appId\/assignments$/i, "assignment"],
  ["PATCH", /\/assignments\/:assignmentId$/i, "assignment"],
  ["POST", /\/mobileApps\/:appId\/assign$/i, "assign"],
];

/** A preHandler for `/v1.0`: refuses a write that carries a member only beta defines. */
export async function refuseBetaOnlyMembers(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const route = request.routeOptions.url ?? "";
  const write = writeKinds.find(([method, suffix]) => method === request.method && suffix.test(route));
  if (write === undefined) return undefined;
  const member = betaOnlyMemberIn(write[2], request.body);
  if (member === undefined) return undefined;
  const type = write[2] === "app" ? "microsoft.graph.win32LobApp" : "microsoft.graph.mobileAppAssignment";
  const name = member.split(".").at(-1) ?? member;
  return sendGraphError(
    request,
    reply,
    400,
    "BadRequest",
    `The property '${name}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type. (member '${member}'; it exists in beta)`,
  );
}
