import type { FastifyInstance } from "fastify";
import { baseUrlOf, innerBaseHeader, innerBaseValue, type ServiceContext } from "../context.ts";
import { graphErrorBody, graphJsonType, sendGraphError } from "../http/graph-error.ts";
import { type BatchAnswer, dependenciesMet, parseBatch } from "./batch.ts";
import { versionOf } from "./odata.ts";
import { AnyObject } from "./schemas.ts";

// Response headers that describe the transport of the inner response, not the response itself.
const transportHeaders = new Set(["content-length", "connection", "date", "transfer-encoding", "keep-alive"]);

/**
 * JSON batching, `POST /$batch` (Graph's documented shape, as the Graph JS client's BatchRequestContent sends it):
 * each request runs through this service as if sent alone, with the batch's Authorization, so it meets the same
 * token check, faults and validation; `dependsOn` runs a request only after the ones it names succeeded
 * (424 otherwise). Requests run in array order.
 */
export function batchRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post("/$batch", { schema: { body: AnyObject } }, async (request, reply) => {
      const steps = parseBatch(request.body);
      if (typeof steps === "string") return sendGraphError(request, reply, 400, "BadRequest", steps);
      const version = versionOf(request);
      const answers: BatchAnswer[] = [];
      for (const step of steps) {
        if (!dependenciesMet(step, answers)) {
          answers.push({
            id: step.id,
            status: 424,
            headers: { "Content-Type": graphJsonType },
            body: graphErrorBody(
              request,
              "FailedDependency",
              "A request this one depends on did not succeed.",
            ),
          });
          continue;
        }
        const authorization = request.headers.authorization;
        const response = await app.inject({
          method: step.method as "GET",
          url: `/${version}${step.url}`,
          headers: {
            ...step.headers,
            ...(authorization === undefined ? {} : { authorization }),
            host: request.headers.host ?? "localhost",
            [innerBaseHeader]: innerBaseValue(context, baseUrlOf(context, request)),
          },
          ...(step.body === undefined
            ? {}
            : { payload: typeof step.body === "string" ? step.body : JSON.stringify(step.body) }),
        });
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined && !transportHeaders.has(name))
            headers[canonicalName(name)] = String(value);
        }
        const type = headers["Content-Type"] ?? "";
        const body =
          response.body === ""
            ? undefined
            : type.includes("json")
              ? (JSON.parse(response.body) as unknown)
              : response.rawPayload.toString("base64");
        answers.push({
          id: step.id,
          status: response.statusCode,
          headers,
          ...(body === undefined ? {} : { body }),
        });
      }
      return reply.header("content-type", graphJsonType).send({ responses: answers });
    });
  };
}

// Graph writes batch answer headers in their canonical case, and the Graph JS client looks up `Content-Type` so.
function canonicalName(name: string): string {
  return name.replace(
    /(^|-)([a-z])/g,
    (_match, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`,
  );
}
