import type { FastifyReply, FastifyRequest } from "fastify";
import { baseUrlOf, type ServiceContext } from "../context.ts";
import type { FaultRequest } from "../faults/injector.ts";
import { type TokenClaims, TokenRejected } from "../identity/token-issuer.ts";
import { sendGraphError } from "./graph-error.ts";

/**
 * Checks the bearer token for one of `audiences`. On failure it sends the 401 Graph sends
 * (`InvalidAuthenticationToken`, graph-win32.md §6) and returns undefined.
 */
export async function authenticate(
  context: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  audiences: readonly string[],
  fault: FaultRequest,
): Promise<TokenClaims | undefined> {
  try {
    const claims = await context.tokens.verify(request.headers.authorization, audiences);
    if (
      context.faults.take({ ...fault, deviceId: fault.deviceId ?? claims.deviceid }, ["expireToken"]) !==
      undefined
    ) {
      throw new TokenRejected("expired", "The access token has expired.");
    }
    return claims;
  } catch (error) {
    if (!(error instanceof TokenRejected)) throw error;
    const description = error.message.replaceAll('"', "'");
    reply.header(
      "www-authenticate",
      `Bearer realm="", authorization_uri="${baseUrlOf(context, request)}/${context.tokens.tenantId}/oauth2/authorize", error="invalid_token", error_description="${description}"`,
    );
    sendGraphError(request, reply, 401, "InvalidAuthenticationToken", error.message);
    return undefined;
  }
}
