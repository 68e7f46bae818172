import { randomUUID } from "node:crypto";
import type { FastifyReply } from "fastify";

/** Entra's OAuth error body (graph-win32.md §5.1): `error`, an AADSTS description, codes, ids. */
export function sendOAuthError(
  reply: FastifyReply,
  status: number,
  error: string,
  aadsts: number,
  description: string,
): FastifyReply {
  const traceId = randomUUID();
  return reply.code(status).send({
    error,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Timestamp: ${new Date().toISOString()}`,
    error_codes: [aadsts],
    timestamp: new Date().toISOString().replace("T", " ").slice(0, 19),
    trace_id: traceId,
    correlation_id: randomUUID(),
  });
}
