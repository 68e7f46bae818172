import { ImesimError, isImesimError } from "@imesim/contracts/errors";
import { XMLParser } from "fast-xml-parser";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ServiceContext } from "../context.ts";
import { injectRequestFaults } from "../faults/apply.ts";
import { blobSasValid, refuseBlobSas } from "./blob-sas.ts";

/** Largest block (or single-shot blob) accepted; clients send 1–6 MiB blocks (graph-win32.md §2.4). */
const blobBodyLimit = 256 * 1024 * 1024;
/** Largest block list: 50,000 block ids (Azure's cap) of up to 88 base64 characters, with their tags. */
const blockListLimit = 8 * 1024 * 1024;

interface BlobQuery {
  comp?: string;
  blockid?: string;
  sig?: string;
}

/**
 * The Azure Blob side of the upload (graph-win32.md §2.4): Put Block, Put Block List and a
 * single-shot Put Blob at the SAS URL the file entry hands out. No body parser runs: the signature is
 * checked before a byte of the body is read, and bodies stream to disk as raw bytes (a text parser would
 * corrupt a Latin-1 chunk, and buffering would hold up to 256 MiB per request).
 */
export function blobRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.removeAllContentTypeParsers();
    // Leaves the body unread: the handler streams `request.raw` once it has admitted the request.
    app.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
    const xml = new XMLParser({
      isArray: (name) => ["Latest", "Committed", "Uncommitted"].includes(name),
      parseTagValue: false,
    });

    app.put<{ Params: { appId: string; fileName: string }; Querystring: BlobQuery }>(
      "/blob/:appId/:fileName",
      { schema: { hide: true } },
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
        if (context.commits.frozen(file)) return frozen(reply);
        const comp = request.query.comp?.toLowerCase();
        const limit = comp === "blocklist" ? blockListLimit : blobBodyLimit;
        if (Number(request.headers["content-length"] ?? 0) > limit) return tooLarge(reply, limit);
        // Read again when the write lands: a commit that began meanwhile freezes the file.
        const mayReplace = () => {
          const current = context.store.getFile(file.id);
          return current !== undefined && !context.commits.frozen(current);
        };
        const body: AsyncIterable<Uint8Array> = request.raw;
        try {
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
            await context.store.blobs.putBlock(file.id, blockId, body, limit, mayReplace);
            return azureCreated(reply);
          }
          if (comp === "blocklist") {
            const ids = parseBlockList(xml, await readLimited(body, limit));
            if (ids === undefined)
              return azureError(
                reply,
                400,
                "InvalidXmlDocument",
                "XML specified is not syntactically valid.",
              );
            for (const id of ids) {
              if (!(await context.store.blobs.hasBlock(file.id, id))) return invalidBlockList(reply);
            }
            await context.store.blobs.assemble(file.id, ids, mayReplace);
            return azureCreated(reply);
          }
          if (comp === undefined) {
            await context.store.blobs.writeFile(file.id, body, limit, mayReplace);
            return azureCreated(reply);
          }
        } catch (error) {
          if (!isImesimError(error)) throw error;
          if (error.code === "BLOB_FROZEN") return frozen(reply);
          if (error.code === "BLOB_TOO_LARGE") return tooLarge(reply, limit);
          if (error.code === "BLOB_BLOCK_MISSING") return invalidBlockList(reply);
          throw error;
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

/** Reads a small body (a block list) into memory, refusing more than `limit` bytes. */
async function readLimited(body: AsyncIterable<Uint8Array>, limit: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.length;
    if (length > limit) throw new ImesimError("BLOB_TOO_LARGE", `The body is larger than ${limit} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function frozen(reply: FastifyReply): FastifyReply {
  return azureError(
    reply,
    409,
    "BlobImmutable",
    "The content file is committed or being committed and can no longer be written.",
  );
}

function tooLarge(reply: FastifyReply, limit: number): FastifyReply {
  return azureError(reply, 413, "RequestBodyTooLarge", `The request body is larger than ${limit} bytes.`);
}

function invalidBlockList(reply: FastifyReply): FastifyReply {
  return azureError(reply, 400, "InvalidBlockList", "The specified block list is invalid.");
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
