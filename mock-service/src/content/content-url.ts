import type { FastifyRequest } from "fastify";
import { baseUrlOf, type ServiceContext } from "../context.ts";
import { signUrlParts, verifyUrlParts } from "../http/url-signature.ts";
import type { ContentFileRecord } from "../store/records.ts";

/** How long a content location handed to a device stays valid. */
const contentUrlLifetimeSeconds = 24 * 3600;

/**
 * The `UploadLocation` of GetContentInfo (ime.md §3.2): where one device downloads one file's
 * encrypted `.intunewin.bin`. The path mirrors the real CDN's `<segment>/<segment>/<file>.intunewin.bin`
 * so the agent can build its DO FileId from it (ime.md §3.4); the query binds it to the device
 * and an expiry, signed, so another device's or an altered URL gets a bare 404.
 */
export function contentUrl(
  context: ServiceContext,
  request: FastifyRequest,
  file: ContentFileRecord,
  deviceId: string,
): string {
  const expires = String(Math.floor(Date.now() / 1000) + contentUrlLifetimeSeconds);
  const sig = signUrlParts(context.urlSigningKey, ["content", file.id, deviceId.toLowerCase(), expires]);
  const query = new URLSearchParams({ d: deviceId, e: expires, sig });
  return `${baseUrlOf(context, request)}/content/${file.appId}/${file.id}.intunewin.bin?${query.toString()}`;
}

/** True when the query is a valid, unexpired signature for `fileId`. */
export function verifyContentQuery(
  context: ServiceContext,
  fileId: string,
  query: { d?: string; e?: string; sig?: string },
): boolean {
  if (query.d === undefined || query.e === undefined || !/^\d{1,12}$/.test(query.e)) return false;
  if (Number(query.e) < Date.now() / 1000) return false;
  return verifyUrlParts(
    context.urlSigningKey,
    ["content", fileId, query.d.toLowerCase(), query.e],
    query.sig,
  );
}
