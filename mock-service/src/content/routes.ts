import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServiceContext } from "../context.ts";
import { deviceCache } from "../device-cache.ts";
import { injectRequestFaults } from "../faults/apply.ts";
import { requestIdOf, sendGraphError } from "../http/graph-error.ts";
import type { ContentFileRecord } from "../store/records.ts";
import { verifyContentQuery } from "./content-url.ts";
import { sendFileRange } from "./file-sender.ts";
import { parseRange } from "./range.ts";

// Packages up to this size are served from memory (BlobStore.smallFile): a fleet's are a few KiB.
const SMALL_BLOB_BYTES = 64 * 1024;

interface ContentRequest {
  Params: { appId: string; fileName: string };
  Querystring: { d?: string; e?: string; sig?: string };
}

/** A file's ETag and Last-Modified, as its download answers carry them. */
interface Validators {
  readonly etag: string;
  readonly lastModified: string;
}

// By the file's record: committed records are kept per generation above and every device downloads the same
// few, so each file's header values are written once, not per download (issue 18).
const validators = new WeakMap<ContentFileRecord, Validators>();

function validatorsOf(file: ContentFileRecord): Validators {
  let known = validators.get(file);
  if (known === undefined) {
    known = {
      etag: `"${Buffer.from(file.encryptionInfo?.mac ?? file.id, "base64").toString("hex")}"`,
      lastModified: new Date(file.createdAt).toUTCString(),
    };
    validators.set(file, known);
  }
  return known;
}

/**
 * Content download (ime.md §3.3–3.4): the encrypted `.bin` streamed from disk with Range,
 * ETag and Content-Length, an optional bandwidth cap, and the content faults of the plan
 * (drop after N bytes, a corrupted byte, truncation).
 */
export function contentRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    // A committed file's record changes only with the store's generation (a commit, a delete), and every device
    // of a fleet downloads the same few: read once per generation. Files not committed are read each time (an
    // upload in progress changes without a generation) and answered 404 below, as before.
    const committed = deviceCache<ContentFileRecord>();
    let generation = context.store.generation;
    const committedFile = (fileId: string): ContentFileRecord | undefined => {
      if (context.store.generation !== generation) {
        committed.clear();
        generation = context.store.generation;
      }
      const key = fileId.toLowerCase();
      const known = committed.get(key);
      if (known !== undefined) return known;
      const file = context.store.getFile(fileId);
      if (file?.isCommitted === true) committed.set(key, file);
      return file;
    };
    const handler = async (request: FastifyRequest<ContentRequest>, reply: FastifyReply) => {
      const fileId = request.params.fileName.replace(/\.intunewin\.bin$/i, "");
      const file = committedFile(fileId);
      const blob = file === undefined ? undefined : context.store.blobs.smallFile(file.id, SMALL_BLOB_BYTES);
      const size = blob?.size;
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

      const { etag, lastModified } = validatorsOf(file);
      reply
        .header("etag", etag)
        .header("accept-ranges", "bytes")
        .header("content-type", "application/octet-stream");
      reply.header("last-modified", lastModified);
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
      const streamFault = context.faults.targets("content")
        ? context.faults.take(fault, ["corrupt", "truncate", "drop"])
        : undefined;
      // The body bypasses Fastify's send, so the onSend hook's request-id is set here.
      reply.header("request-id", requestIdOf(request));
      await sendFileRange(reply, blob?.bytes ?? context.store.blobs.filePath(file.id), {
        start,
        end,
        ...(streamFault?.kind === "corrupt" ? { corruptOffset: streamFault.offset } : {}),
        ...(streamFault?.kind === "truncate"
          ? { stopAfter: { bytes: streamFault.bytes, how: "truncate" as const } }
          : {}),
        ...(streamFault?.kind === "drop"
          ? { stopAfter: { bytes: streamFault.afterBytes, how: "drop" as const } }
          : {}),
        bytesPerSecond: context.options.downloadBytesPerSecond,
      });
      return reply;
    };
    app.get<ContentRequest>(
      "/content/:appId/:fileName",
      { schema: { hide: true }, exposeHeadRoute: false },
      handler,
    );
    app.head<ContentRequest>("/content/:appId/:fileName", { schema: { hide: true } }, handler);
  };
}
