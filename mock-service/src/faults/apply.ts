import { setTimeout as delay } from "node:timers/promises";
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendGraphError } from "../http/graph-error.ts";
import type { FaultInjector, FaultRequest } from "./injector.ts";

/**
 * Applies the request-level faults planned for `fault`: latency first, then a status code or
 * throttling. Returns true when a fault already answered the request.
 */
export async function injectRequestFaults(
  faults: FaultInjector,
  request: FastifyRequest,
  reply: FastifyReply,
  fault: FaultRequest,
): Promise<boolean> {
  if (!faults.targets(fault.route)) return false;
  const latency = faults.take(fault, ["latency"]);
  if (latency?.kind === "latency") await delay(latency.ms);
  const failure = faults.take(fault, ["status", "throttle"]);
  if (failure?.kind === "status") {
    sendGraphError(
      request,
      reply,
      failure.status,
      codeForStatus(failure.status),
      "Fault injected by the imesim fault plan.",
    );
    return true;
  }
  if (failure?.kind === "throttle") {
    reply.header("retry-after", String(failure.retryAfterSeconds));
    sendGraphError(
      request,
      reply,
      429,
      "TooManyRequests",
      "Too many requests; retry after the given interval.",
    );
    return true;
  }
  return false;
}

// Graph's generic codes for the statuses a plan is likely to use (graph-win32.md §6 Errors).
function codeForStatus(status: number): string {
  if (status === 429) return "activityLimitReached";
  if (status === 503 || status === 502 || status === 504) return "serviceNotAvailable";
  if (status === 404) return "itemNotFound";
  if (status === 403) return "accessDenied";
  if (status === 401) return "unauthenticated";
  if (status >= 500) return "generalException";
  return "invalidRequest";
}
