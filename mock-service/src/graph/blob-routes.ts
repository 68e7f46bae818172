import { XMLParser } from "fast-xml-parser";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ServiceContext } from "../context.ts";
import { injectRequestFaults } from "../faults/apply.ts";
import { blobSasValid, refuseBlobSas } from "./blob-sas.ts";

/** Largest block (or single-shot blob) accepted; clients send 1–6 MiB blocks (graph-win32.md §2.4). */
const blobBodyLimit = 256 * 1024 * 1024;

interface BlobQuery {
  comp?: string;
  blockid?: string;
  sig?: string;
}

/**
 * The Azure Blob side of the upload (graph-win32.md §2.4): Put Block, Put Block List and a
 * single-shot Put Blob at the SAS URL the file entry hands out. Bodies are read as raw bytes
 * whatever their content type, since a text parser would corrupt a Latin-1 chunk.
 */
export function blobRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: blobBodyLimit }, (_request, body, done) => {
      done(null, body);
    });
    const xml = new XMLParser({
      isArray: (name) => ["Latest", "Committed", "Uncommitted"].includes(name),
      parseTagValue: false,
    });

    app.put<{
      Params: { appId: string; fileName: string };
      Querystring: BlobQuery;
      Body: Buffer | undefined;
    }>(
      "/blob/:appId/:fileName",
      { bodyLimit: blobBodyLimit, schema: { hide: true } },
      async (request, reply) => {
        const fileId = request.params.fileName.replace(/\.intunewin\.bin$/i, "");
        if (!blobSasValid(context, fileId, request.query.sig)) return refuseBlobSas(reply);
        if (
          await injectRequestFaults(context.faults, request, reply, {
            route: "blob",
            method: "PUT",
            appId: request.params.appId,
          })
        ) {
          return reply;
        }
        const file = context.store.getFile(fileId);
        if (file === undefined)
          return azureError(reply, 404, "BlobNotFound", "The specified blob does not exist.");
        if (file.isCommitted) {
          return azureError(
            reply,
            409,
            "BlobImmutable",
            "The content file is committed and can no longer be written.",
          );
        }
        const body = request.body ?? Buffer.alloc(0);
        const comp = request.query.comp?.toLowerCase();
        if (comp === "block") {
          const blockId = request.query.blockid;
          if (blockId === undefined || !validBlockId(blockId)) {
            return azureError(
              reply,
              400,
              "InvalidQueryParameterValue",
              "Value for one of the query parameters specified in the request URI is invalid. (blockid)",
            );
          }
          await context.store.blobs.putBlock(file.id, blockId, body);
          return azureCreated(reply);
        }
        if (comp === "blocklist") {
          const ids = parseBlockList(xml, body);
          if (ids === undefined)
            return azureError(reply, 400, "InvalidXmlDocument", "XML specified is not syntactically valid.");
          for (const id of ids) {
            if (!(await context.store.blobs.hasBlock(file.id, id))) {
              return azureError(reply, 400, "InvalidBlockList", "The specified block list is invalid.");
            }
          }
          await context.store.blobs.assemble(file.id, ids);
          return azureCreated(reply);
        }
        if (comp === undefined) {
          await context.store.blobs.writeFile(file.id, bufferStream(body));
          return azureCreated(reply);
        }
        return azureError(
          reply,
          400,
          "InvalidQueryParameterValue",
          `comp=${request.query.comp} is not supported.`,
        );
      },
    );
  };
}

function validBlockId(blockId: string): boolean {
  // Block ids are base64 of at most 64 bytes (graph-win32.md §2.4).
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(blockId) || blockId.length % 4 !== 0 || blockId.length === 0)
    return false;
  return Buffer.from(blockId, "base64").length <= 64;
}

function parseBlockList(xml: XMLParser, body: Buffer): string[] | undefined {
  try {
    const parsed = xml.parse(body.toString("utf8")) as { BlockList?: Record<string, unknown> | string };
    const list = parsed.BlockList;
    if (list === undefined) return undefined;
    if (typeof list === "string") return [];
    // Entries keep document order within each kind; clients send one kind (Latest), so order holds.
    const ids: string[] = [];
    for (const kind of ["Committed", "Uncommitted", "Latest"]) {
      const entries = list[kind];
      if (Array.isArray(entries)) for (const entry of entries) ids.push(String(entry));
    }
    return ids;
  } catch {
    return undefined;
  }
}

function azureCreated(reply: FastifyReply): FastifyReply {
  return reply
    .code(201)
    .header("x-ms-version", "2016-05-31")
    .header("x-ms-request-server-encrypted", "true")
    .send();
}

/** An Azure Storage error: the XML body and `x-ms-error-code` the Blob SDK reads. */
export function azureError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply
    .code(status)
    .header("content-type", "application/xml")
    .header("x-ms-error-code", code)
    .send(
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    );
}

async function* bufferStream(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}
