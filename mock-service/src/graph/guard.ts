import type { FastifyReply, FastifyRequest } from "fastify";
import type { ServiceContext } from "../context.ts";
import { injectRequestFaults } from "../faults/apply.ts";
import { authenticate } from "../http/auth.ts";
import { graphAppId, graphAudience } from "../identity/well-known-ids.ts";

const graphAudiences = [graphAudience, graphAppId] as const;

/**
 * The start of every Graph request (a preHandler in routes.ts): a Graph token (401 otherwise), then the planned faults.
 * Returns false when the request was already answered.
 */
export async function admitGraphRequest(
  context: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  appId?: string,
): Promise<boolean> {
  const fault = { route: "graph" as const, method: request.method, appId };
  if ((await authenticate(context, request, reply, graphAudiences, fault)) === undefined) return false;
  return !(await injectRequestFaults(context.faults, request, reply, fault));
}
