import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/** Graph's JSON content type, sent on every Graph response (graph-win32.md §6 Headers). */
export const graphJsonType =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** The Graph error envelope `{error:{code,message,innerError}}` (graph-win32.md §6 Errors). */
export function graphErrorBody(
  request: FastifyRequest,
  code: string,
  message: string,
): { error: { code: string; message: string; innerError: Record<string, string> } } {
  const clientRequestId = request.headers["client-request-id"];
  return {
    error: {
      code,
      message,
      innerError: {
        // Graph writes the date without offset or fraction (graph-win32.md §6 example).
        date: new Date().toISOString().slice(0, 19),
        "request-id": requestIdOf(request),
        "client-request-id": typeof clientRequestId === "string" ? clientRequestId : requestIdOf(request),
        ...(code === "ModelValidationFailure" ? { message } : {}),
      },
    },
  };
}

/** Sends a Graph error with the given status; returns the reply for `return` chaining. */
export function sendGraphError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  return reply
    .code(status)
    .header("content-type", graphJsonType)
    .send(graphErrorBody(request, code, message));
}

/** The `request-id` this service gives a request (echoed in headers and error bodies). */
export function requestIdOf(request: FastifyRequest): string {
  const existing = (request as FastifyRequest & { graphRequestId?: string }).graphRequestId;
  if (existing !== undefined) return existing;
  const id = randomUUID();
  (request as FastifyRequest & { graphRequestId?: string }).graphRequestId = id;
  return id;
}
