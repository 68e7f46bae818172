import type { FastifyReply, FastifyRequest } from "fastify";
import type { ServiceContext } from "../context.ts";
import { injectRequestFaults } from "../faults/apply.ts";
import { authenticate } from "../http/auth.ts";
import { sendGraphError } from "../http/graph-error.ts";
import { graphAppId, graphAudience } from "../identity/well-known-ids.ts";
import { permissionDenial } from "./permissions.ts";

const graphAudiences = [graphAudience, graphAppId] as const;

/**
 * The start of every Graph request (a preHandler in routes.ts): a Graph token (401 otherwise) holding a permission
 * of the route's family (403 otherwise, graph/permissions.ts), then the planned faults.
 * Returns false when the request was already answered.
 */
export async function admitGraphRequest(
  context: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  appId?: string,
): Promise<boolean> {
  const fault = { route: "graph" as const, method: request.method, appId };
  const claims = await authenticate(context, request, reply, graphAudiences, fault);
  if (claims === undefined) return false;
  // The route pattern, not the URL: ids in the path never change which family a request belongs to.
  const pattern = (request.routeOptions.url ?? request.url).replace(/^\/(beta|v1\.0)/i, "").toLowerCase();
  const denial = permissionDenial(claims, request.method, pattern);
  if (denial !== undefined) {
    sendGraphError(request, reply, 403, denial.code, denial.message);
    return false;
  }
  return !(await injectRequestFaults(context.faults, request, reply, fault));
}
