import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ServiceContext } from "../context.ts";
import { sendGraphError } from "./graph-error.ts";

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

/**
 * The admin plane's gate (contract A): `Authorization: Bearer <admin token>`, compared in constant time.
 * Answers 401 in Graph's error shape and returns false when the caller lacks it; open with `insecureAdmin`.
 */
export function admitAdmin(context: ServiceContext, request: FastifyRequest, reply: FastifyReply): boolean {
  const expected = context.options.adminToken;
  if (expected === undefined) return true;
  const header = request.headers.authorization ?? "";
  const presented = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (presented !== undefined && timingSafeEqual(digest(presented), digest(expected))) return true;
  reply.header("www-authenticate", 'Bearer realm="imesim-admin"');
  sendGraphError(
    request,
    reply,
    401,
    "unauthenticated",
    presented === undefined
      ? "The admin plane needs 'Authorization: Bearer <admin token>' (printed by imesim serve at start)."
      : "The admin token is not this service's.",
  );
  return false;
}
