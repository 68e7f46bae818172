import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServiceContext } from "../context.ts";
import { injectRequestFaults } from "../faults/apply.ts";
import { sendGraphError } from "../http/graph-error.ts";
import type { ContentFileRecord } from "../store/records.ts";
import { verifyContentQuery } from "./content-url.ts";
import { corruptByteAt, cutAfter, throttle } from "./fault-streams.ts";
import { parseRange } from "./range.ts";

interface ContentRequest {
  Params: { appId: string; fileName: string };
  Querystring: { d?: string; e?: string; sig?: string };
}

/** Read size for content streams: large reads keep loopback throughput high with flat memory. */
const readChunkBytes = 1024 * 1024;

/**
 * Content download (ime.md §3.3–3.4): the encrypted `.bin` streamed from disk with Range,
 * ETag and Content-Length, an optional bandwidth cap, and the content faults of the plan
 * (drop after N bytes, a corrupted byte, truncation).
 */
export function contentRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const handler = async (request: FastifyRequest<ContentRequest>, reply: FastifyReply) => {
      const fileId = request.params.fileName.replace(/\.intunewin\.bin$/i, "");
      const file = context.store.getFile(fileId);
      const size = file === undefined ? undefined : context.store.blobs.fileSize(file.id);
      // One answer for every way a request can be wrong, so a URL reveals nothing it was not made for.
      if (
        file === undefined ||
        size === undefined ||
        !file.isCommitted ||
        file.appId.toLowerCase() !== request.params.appId.toLowerCase() ||
        !verifyContentQuery(context, file.id, request.query)
      ) {
        return sendGraphError(request, reply, 404, "itemNotFound", "The requested content was not found.");
      }
      const fault = {
        route: "content" as const,
        method: request.method,
        appId: file.appId,
        deviceId: request.query.d,
      };
      if (await injectRequestFaults(context.faults, request, reply, fault)) return reply;

      const etag = `"${Buffer.from(file.encryptionInfo?.mac ?? file.id, "base64").toString("hex")}"`;
      reply
        .header("etag", etag)
        .header("accept-ranges", "bytes")
        .header("content-type", "application/octet-stream");
      reply.header("last-modified", new Date(file.createdAt).toUTCString());
      if (request.headers["if-none-match"] === etag) return reply.code(304).send();

      const ifRange = request.headers["if-range"];
      const range =
        ifRange === undefined || ifRange === etag ? parseRange(request.headers.range, size) : undefined;
      if (range === "unsatisfiable") {
        return reply.code(416).header("content-range", `bytes */${size}`).send();
      }
      const start = range?.start ?? 0;
      const end = range?.end ?? size - 1;
      if (range !== undefined) reply.code(206).header("content-range", `bytes ${start}-${end}/${size}`);
      reply.header("content-length", String(end - start + 1));
      if (request.method === "HEAD" || size === 0) return reply.send();
      return reply.send(contentStream(context, request, reply, file, start, end, fault));
    };
    app.get<ContentRequest>(
      "/content/:appId/:fileName",
      { schema: { hide: true }, exposeHeadRoute: false },
      handler,
    );
    app.head<ContentRequest>("/content/:appId/:fileName", { schema: { hide: true } }, handler);
  };
}

function contentStream(
  context: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  file: ContentFileRecord,
  start: number,
  end: number,
  fault: { route: "content"; method: string; appId: string; deviceId: string | undefined },
): Readable {
  let stream: Readable = context.store.blobs.readRange(file.id, start, end, readChunkBytes);
  const streamFault = context.faults.targets("content")
    ? context.faults.take(fault, ["corrupt", "truncate", "drop"])
    : undefined;
  if (streamFault?.kind === "corrupt") stream = stream.pipe(corruptByteAt(streamFault.offset, start));
  if (streamFault?.kind === "truncate") {
    const source = stream;
    const cut = cutAfter(streamFault.bytes, () => {
      source.unpipe(cut);
      source.destroy();
      cut.end();
    });
    stream = source.pipe(cut);
  }
  if (streamFault?.kind === "drop") {
    stream = stream.pipe(cutAfter(streamFault.afterBytes, () => request.raw.socket.destroy()));
  }
  if (context.options.downloadBytesPerSecond > 0)
    stream = stream.pipe(throttle(context.options.downloadBytesPerSecond));
  reply.raw.on("close", () => stream.destroy());
  return stream;
}
