import { randomUUID } from "node:crypto";
import { ImesimError } from "@imesim/contracts/errors";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServiceContext } from "../context.ts";
import { sendGraphError } from "../http/graph-error.ts";
import { type ContentFileRecord, type FileEncryptionInfo, UploadState } from "../store/records.ts";
import { appNotFound } from "./app-routes.ts";
import { checkCommittedContent } from "./commit-check.ts";
import { advanceOnPoll, newSasExpiry, renderContentFile } from "./content-file-model.ts";
import { sendCollection, sendEntity } from "./odata.ts";
import { AnyObject, AppParams, CommitBody, ContentFileCreate, FileParams, VersionParams } from "./schemas.ts";

type VersionRequest = FastifyRequest<{ Params: { appId: string; version: string } }>;
type FileRequest = FastifyRequest<{ Params: { appId: string; version: string; fileId: string } }>;

/**
 * contentVersions and files with the uploadState machine, commit and renewUpload
 * (graph-win32.md §2.1–2.7). The type-cast segment is removed before routing (normalize-url).
 */
export function contentRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store } = context;
    const versionsFragment = (appId: string) =>
      `deviceAppManagement/mobileApps('${appId}')/microsoft.graph.win32LobApp/contentVersions`;
    const filesFragment = (appId: string, version: number) =>
      `${versionsFragment(appId)}('${version}')/files`;

    /** The app and content version a request names, or a 404 already sent. */
    const findVersion = (request: VersionRequest, reply: FastifyReply) => {
      const record = store.getApp(request.params.appId);
      if (record === undefined) {
        appNotFound(request, reply, request.params.appId);
        return undefined;
      }
      const version = Number(request.params.version);
      if (!store.hasContentVersion(record.id, version)) {
        sendGraphError(
          request,
          reply,
          404,
          "ResourceNotFound",
          `No content version '${request.params.version}' on app '${record.id}'.`,
        );
        return undefined;
      }
      return { appId: record.id, version };
    };

    /** The file a request names (within its app and version), or a 404 already sent. */
    const findFile = (request: FileRequest, reply: FastifyReply): ContentFileRecord | undefined => {
      const found = findVersion(request, reply);
      if (found === undefined) return undefined;
      const file = store.getFile(request.params.fileId);
      if (file === undefined || file.appId !== found.appId || file.contentVersion !== found.version) {
        sendGraphError(
          request,
          reply,
          404,
          "ResourceNotFound",
          `No content file '${request.params.fileId}'.`,
        );
        return undefined;
      }
      return file;
    };

    app.post<{ Params: { appId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/contentVersions",
      { schema: { params: AppParams, body: AnyObject } },
      async (request, reply) => {
        const record = store.getApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        const version = store.createContentVersion(record.id);
        return sendEntity(
          context,
          request,
          reply,
          `${versionsFragment(record.id)}/$entity`,
          { id: String(version) },
          201,
        );
      },
    );

    app.get<{ Params: { appId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/contentVersions",
      { schema: { params: AppParams } },
      async (request, reply) => {
        const record = store.getApp(request.params.appId);
        if (record === undefined) return appNotFound(request, reply, request.params.appId);
        const items = store.listContentVersions(record.id).map((id) => ({ id: String(id) }));
        return sendCollection(context, request, reply, versionsFragment(record.id), items);
      },
    );

    app.get<{ Params: { appId: string; version: string } }>(
      "/deviceAppManagement/mobileApps/:appId/contentVersions/:version",
      { schema: { params: VersionParams } },
      async (request, reply) => {
        const found = findVersion(request, reply);
        if (found === undefined) return reply;
        return sendEntity(context, request, reply, `${versionsFragment(found.appId)}/$entity`, {
          id: String(found.version),
        });
      },
    );

    app.post<{
      Params: { appId: string; version: string };
      Body: { name: string; size: number; sizeEncrypted: number; isDependency?: boolean };
    }>(
      "/deviceAppManagement/mobileApps/:appId/contentVersions/:version/files",
      { schema: { params: VersionParams, body: ContentFileCreate } },
      async (request, reply) => {
        const found = findVersion(request, reply);
        if (found === undefined) return reply;
        const pending = context.options.pendingPolls;
        const file: ContentFileRecord = {
          id: randomUUID(),
          appId: found.appId,
          contentVersion: found.version,
          name: request.body.name,
          size: request.body.size,
          sizeEncrypted: request.body.sizeEncrypted,
          isDependency: request.body.isDependency ?? false,
          uploadState:
            pending > 0
              ? UploadState.azureStorageUriRequestPending
              : UploadState.azureStorageUriRequestSuccess,
          pendingPolls: pending,
          sasToken: "",
          sasExpiresAt: newSasExpiry(),
          isCommitted: false,
          encryptionInfo: null,
          failureReason: null,
          createdAt: new Date().toISOString(),
        };
        store.insertFile(file);
        const fragment = `${filesFragment(found.appId, found.version)}/$entity`;
        return sendEntity(context, request, reply, fragment, renderContentFile(context, request, file), 201);
      },
    );

    app.get<{ Params: { appId: string; version: string } }>(
      "/deviceAppManagement/mobileApps/:appId/contentVersions/:version/files",
      { schema: { params: VersionParams } },
      async (request, reply) => {
        const found = findVersion(request, reply);
        if (found === undefined) return reply;
        const items = store
          .listFiles(found.appId, found.version)
          .map((file) => renderContentFile(context, request, file));
        return sendCollection(context, request, reply, filesFragment(found.appId, found.version), items);
      },
    );

    app.get<{ Params: { appId: string; version: string; fileId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/contentVersions/:version/files/:fileId",
      { schema: { params: FileParams } },
      async (request, reply) => {
        const file = findFile(request, reply);
        if (file === undefined) return reply;
        const polled = advanceOnPoll(file);
        if (polled !== file) store.updateFile(polled);
        const fragment = `${filesFragment(file.appId, file.contentVersion)}/$entity`;
        return sendEntity(context, request, reply, fragment, renderContentFile(context, request, polled));
      },
    );

    app.delete<{ Params: { appId: string; version: string; fileId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/contentVersions/:version/files/:fileId",
      { schema: { params: FileParams } },
      async (request, reply) => {
        const file = findFile(request, reply);
        if (file === undefined) return reply;
        if (file.isCommitted && isServedVersion(context, file)) {
          throw new ImesimError(
            "GRAPH_MODEL_FILE_IN_USE",
            "A file of the app's committed content version cannot be deleted.",
          );
        }
        store.deleteFile(file.id);
        return reply.code(204).send();
      },
    );

    app.post<{
      Params: { appId: string; version: string; fileId: string };
      Body: { fileEncryptionInfo: FileEncryptionInfo };
    }>(
      "/deviceAppManagement/mobileApps/:appId/contentVersions/:version/files/:fileId/commit",
      { schema: { params: FileParams, body: CommitBody } },
      async (request, reply) => {
        const file = findFile(request, reply);
        if (file === undefined) return reply;
        if (file.isCommitted) {
          throw new ImesimError("GRAPH_MODEL_FILE_COMMITTED", `The file '${file.id}' is already committed.`);
        }
        // One commit per file at a time; it freezes the blob, so what it verifies is what devices download.
        if (file.uploadState === UploadState.commitFilePending || !context.commits.begin(file.id)) {
          return sendGraphError(
            request,
            reply,
            409,
            "Conflict",
            `A commit of the file '${file.id}' is already running.`,
          );
        }
        try {
          await commitFile(context, file, request.body.fileEncryptionInfo);
        } finally {
          context.commits.end(file.id);
        }
        return reply.code(204).send();
      },
    );

    app.post<{ Params: { appId: string; version: string; fileId: string } }>(
      "/deviceAppManagement/mobileApps/:appId/contentVersions/:version/files/:fileId/renewUpload",
      { schema: { params: FileParams } },
      async (request, reply) => {
        const file = findFile(request, reply);
        if (file === undefined) return reply;
        if (file.isCommitted) {
          throw new ImesimError(
            "GRAPH_MODEL_FILE_COMMITTED",
            `The file '${file.id}' is committed; there is nothing to upload.`,
          );
        }
        const pending = context.options.pendingPolls;
        store.updateFile({
          ...file,
          sasExpiresAt: newSasExpiry(),
          pendingPolls: pending,
          uploadState:
            pending > 0
              ? UploadState.azureStorageUriRenewalPending
              : UploadState.azureStorageUriRenewalSuccess,
        });
        return reply.code(204).send();
      },
    );
  };
}

function isServedVersion(context: ServiceContext, file: ContentFileRecord): boolean {
  const app = context.store.getApp(file.appId);
  return app?.body.committedContentVersion === String(file.contentVersion);
}

/**
 * Verifies the stored blob against `info` (unless lenient) and records the outcome. The blob is frozen while
 * this runs (CommitGate); its identity is compared before and after, so a commit never succeeds on bytes
 * other than the ones it verified.
 */
async function commitFile(
  context: ServiceContext,
  file: ContentFileRecord,
  info: FileEncryptionInfo,
): Promise<void> {
  const { store } = context;
  const encryptionInfo: FileEncryptionInfo = {
    encryptionKey: info.encryptionKey,
    macKey: info.macKey,
    initializationVector: info.initializationVector,
    mac: info.mac,
    profileIdentifier: info.profileIdentifier,
    fileDigest: info.fileDigest,
    fileDigestAlgorithm: info.fileDigestAlgorithm,
  };
  const before = store.blobs.fileIdentity(file.id);
  let failureReason = context.options.lenientCommit
    ? null
    : await checkCommittedContent(store.blobs, file, encryptionInfo);
  if (failureReason === null && store.blobs.fileIdentity(file.id) !== before)
    failureReason = "The uploaded content changed while the commit verified it.";
  // The state changes before the 204 goes out, or IntuneWin32App spins (graph-win32.md §2.3).
  const pending = context.options.pendingPolls;
  const outcome: ContentFileRecord = {
    ...file,
    encryptionInfo,
    failureReason,
    pendingPolls: pending,
    uploadState:
      pending > 0
        ? UploadState.commitFilePending
        : failureReason === null
          ? UploadState.commitFileSuccess
          : UploadState.commitFileFailed,
    isCommitted: pending === 0 && failureReason === null,
  };
  store.updateFile(outcome);
  // Committed content is served from the assembled blob only; its staged blocks are never read again.
  if (failureReason === null) store.blobs.removeBlocks(file.id);
}
