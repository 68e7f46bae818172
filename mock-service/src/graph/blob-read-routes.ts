import { type Stats, statSync } from "node:fs";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendFileRange } from "../content/file-sender.ts";
import { parseRange } from "../content/range.ts";
import type { ServiceContext } from "../context.ts";
import { injectRequestFaults } from "../faults/apply.ts";
import { requestIdOf } from "../http/graph-error.ts";
import type { BlockEntry } from "../store/blob-store.ts";
import { azureError } from "./blob-routes.ts";
import { blobSasValid, refuseBlobSas } from "./blob-sas.ts";

interface BlobReadRequest {
  Params: { appId: string; fileName: string };
  Querystring: { comp?: string; blocklisttype?: string; sig?: string };
}

/** The `x-ms-version` the answers speak (the one the upload answers carry). */
const azureVersion = "2016-05-31";

/**
 * The read side of the Azure blob behind a file's SAS URL (graph-win32.md §2.4): Get Blob Properties
 * (HEAD), Get Blob with `Range` or `x-ms-range`, and Get Block List, so the Blob SDK's `exists()`,
 * `getProperties()`, `download()` and `getBlockList()` report what was uploaded. The SAS is checked as
 * for the writes; faults of the `blob` route apply.
 */
export function blobReadRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const handler = async (request: FastifyRequest<BlobReadRequest>, reply: FastifyReply) => {
      const fileId = request.params.fileName.replace(/\.intunewin\.bin$/i, "");
      if (!blobSasValid(context, fileId, request.query.sig)) return refuseBlobSas(reply);
      const fault = { route: "blob" as const, method: request.method, appId: request.params.appId };
      if (await injectRequestFaults(context.faults, request, reply, fault)) return reply;
      reply.header("x-ms-version", azureVersion).header("x-ms-request-id", requestIdOf(request));
      const file = context.store.getFile(fileId);
      if (file === undefined) return blobNotFound(request, reply);
      const comp = request.query.comp?.toLowerCase();
      if (comp === "blocklist") return blockList(request, reply, file.id);
      if (comp !== undefined) {
        return azureError(
          reply,
          400,
          "InvalidQueryParameterValue",
          `comp=${request.query.comp} is not supported.`,
        );
      }
      return blob(request, reply, file.id);
    };

    const blob = async (request: FastifyRequest<BlobReadRequest>, reply: FastifyReply, fileId: string) => {
      const path = context.store.blobs.filePath(fileId);
      const stats = statOrUndefined(path);
      if (stats === undefined) return blobNotFound(request, reply);
      const size = stats.size;
      const etag = etagOf(stats);
      reply
        .header("etag", etag)
        .header("last-modified", stats.mtime.toUTCString())
        .header("x-ms-creation-time", stats.birthtime.toUTCString())
        .header("x-ms-blob-type", "BlockBlob")
        .header("x-ms-lease-status", "unlocked")
        .header("x-ms-lease-state", "available")
        .header("x-ms-server-encrypted", "true")
        .header("accept-ranges", "bytes")
        .header("content-type", "application/octet-stream");
      const ifMatch = request.headers["if-match"];
      if (ifMatch !== undefined && ifMatch !== "*" && ifMatch !== etag) {
        return azureError(
          reply,
          412,
          "ConditionNotMet",
          "The condition specified using HTTP conditional header(s) is not met.",
        );
      }
      if (request.headers["if-none-match"] === etag) return reply.code(304).send();
      // Azure reads x-ms-range first, then Range; the SDK sends x-ms-range.
      const header = request.headers["x-ms-range"] ?? request.headers.range;
      const range = parseRange(Array.isArray(header) ? header[0] : header, size);
      if (range === "unsatisfiable") {
        reply.header("content-range", `bytes */${size}`);
        return azureError(
          reply,
          416,
          "InvalidRange",
          "The range specified is invalid for the current size of the resource.",
        );
      }
      const start = range?.start ?? 0;
      const end = range?.end ?? size - 1;
      if (range !== undefined) reply.code(206).header("content-range", `bytes ${start}-${end}/${size}`);
      reply.header("content-length", String(Math.max(0, end - start + 1)));
      if (request.method === "HEAD" || size === 0) return reply.send();
      await sendFileRange(reply, path, { start, end });
      return reply;
    };

    const blockList = async (
      request: FastifyRequest<BlobReadRequest>,
      reply: FastifyReply,
      fileId: string,
    ) => {
      const kind = (request.query.blocklisttype ?? "committed").toLowerCase();
      if (!["committed", "uncommitted", "all"].includes(kind)) {
        return azureError(
          reply,
          400,
          "InvalidQueryParameterValue",
          `blocklisttype=${request.query.blocklisttype} is not one of committed, uncommitted, all.`,
        );
      }
      const committed = await context.store.blobs.committedBlocks(fileId);
      const uncommitted = await context.store.blobs.uncommittedBlocks(fileId);
      const stats = statOrUndefined(context.store.blobs.filePath(fileId));
      // A blob with neither content nor staged blocks does not exist yet.
      if (stats === undefined && uncommitted.length === 0) return blobNotFound(request, reply);
      if (stats !== undefined) {
        reply
          .header("etag", etagOf(stats))
          .header("last-modified", stats.mtime.toUTCString())
          .header("x-ms-blob-content-length", String(stats.size));
      }
      const sections = [
        kind === "uncommitted" ? "" : `<CommittedBlocks>${blocksXml(committed)}</CommittedBlocks>`,
        kind === "committed" ? "" : `<UncommittedBlocks>${blocksXml(uncommitted)}</UncommittedBlocks>`,
      ];
      return reply
        .header("content-type", "application/xml")
        .send(`<?xml version="1.0" encoding="utf-8"?><BlockList>${sections.join("")}</BlockList>`);
    };

    app.get<BlobReadRequest>(
      "/blob/:appId/:fileName",
      { schema: { hide: true }, exposeHeadRoute: false },
      handler,
    );
    app.head<BlobReadRequest>("/blob/:appId/:fileName", { schema: { hide: true } }, handler);
  };
}

function blobNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // A HEAD answer has no body: the SDK reads the code from the header.
  if (request.method === "HEAD") return reply.code(404).header("x-ms-error-code", "BlobNotFound").send();
  return azureError(reply, 404, "BlobNotFound", "The specified blob does not exist.");
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

// Azure's ETag form (`"0x8D…"`), from the blob's size and modification time, so a rewrite changes it.
function etagOf(stats: { size: number; mtimeMs: number }): string {
  const value = BigInt(Math.round(stats.mtimeMs * 1000)) * 65536n + BigInt(stats.size % 65536);
  return `"0x${value.toString(16).toUpperCase()}"`;
}

function blocksXml(blocks: readonly BlockEntry[]): string {
  return blocks
    .map((block) => `<Block><Name>${block.name}</Name><Size>${block.size}</Size></Block>`)
    .join("");
}
