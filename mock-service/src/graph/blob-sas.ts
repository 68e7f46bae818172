import type { FastifyReply } from "fastify";
import type { ServiceContext } from "../context.ts";
import { verifyUrlParts } from "../http/url-signature.ts";
import { azureError } from "./blob-routes.ts";

/** True when `sig` is the signature of the SAS URL the service handed out for the content file `fileId`. */
export function blobSasValid(context: ServiceContext, fileId: string, sig: string | undefined): boolean {
  return verifyUrlParts(context.urlSigningKey, ["blob", fileId], sig);
}

/** Azure's answer to a SAS that does not authenticate: 403 AuthenticationFailed, for reads and writes alike. */
export function refuseBlobSas(reply: FastifyReply): FastifyReply {
  return azureError(
    reply,
    403,
    "AuthenticationFailed",
    "Server failed to authenticate the request. Make sure the value of the sig query parameter is correct.",
  );
}
