import type { FastifyRequest } from "fastify";
import { baseUrlOf, type ServiceContext } from "../context.ts";
import { signUrlParts } from "../http/url-signature.ts";
import { type ContentFileRecord, UploadState } from "../store/records.ts";

/** How long an issued upload URL is advertised as valid (graph-win32.md §2.5: generous, not enforced). */
const sasLifetimeMs = 8 * 3_600_000;

/**
 * The Azure-style SAS URL a client uploads a file's blocks to. It already has a query string,
 * because clients append `&comp=block…` by string concatenation (graph-win32.md §2.4).
 */
export function uploadUrl(context: ServiceContext, request: FastifyRequest, file: ContentFileRecord): string {
  const query = new URLSearchParams({
    sv: "2016-05-31",
    sr: "b",
    se: file.sasExpiresAt,
    sp: "rcw",
    sig: signUrlParts(context.urlSigningKey, ["blob", file.id]),
  });
  return `${baseUrlOf(context, request)}/blob/${file.appId}/${file.id}.intunewin.bin?${query.toString()}`;
}

/** A fresh SAS expiry from now. */
export function newSasExpiry(): string {
  return new Date(Date.now() + sasLifetimeMs).toISOString();
}

/**
 * What a poll of the file sees: a Pending state counts down the configured pending polls and
 * then becomes its Success (or, for a commit, its recorded outcome) (graph-win32.md §2.3).
 */
export function advanceOnPoll(file: ContentFileRecord): ContentFileRecord {
  if (file.pendingPolls > 0) return { ...file, pendingPolls: file.pendingPolls - 1 };
  switch (file.uploadState) {
    case UploadState.azureStorageUriRequestPending:
      return { ...file, uploadState: UploadState.azureStorageUriRequestSuccess };
    case UploadState.azureStorageUriRenewalPending:
      return { ...file, uploadState: UploadState.azureStorageUriRenewalSuccess };
    case UploadState.commitFilePending:
      return file.failureReason === null
        ? { ...file, uploadState: UploadState.commitFileSuccess, isCommitted: true }
        : { ...file, uploadState: UploadState.commitFileFailed };
    default:
      return file;
  }
}

/** True while the upload URL should be shown (a SAS has been issued and the file is not committed). */
function hasUploadUrl(file: ContentFileRecord): boolean {
  return file.uploadState !== UploadState.azureStorageUriRequestPending;
}

/** The mobileAppContentFile as Graph returns it (graph-win32.md §2.2). */
export function renderContentFile(
  context: ServiceContext,
  request: FastifyRequest,
  file: ContentFileRecord,
): Record<string, unknown> {
  const showUrl = hasUploadUrl(file);
  return {
    "@odata.type": "#microsoft.graph.mobileAppContentFile",
    id: file.id,
    name: file.name,
    size: file.size,
    sizeEncrypted: file.sizeEncrypted,
    manifest: null,
    isDependency: file.isDependency,
    isFrameworkFile: false,
    azureStorageUri: showUrl ? uploadUrl(context, request, file) : null,
    azureStorageUriExpirationDateTime: showUrl ? file.sasExpiresAt : null,
    uploadState: file.uploadState,
    isCommitted: file.isCommitted,
    createdDateTime: file.createdAt,
    // The real service gives no reason for commitFileFailed; the mock adds one as an instance
    // annotation, which OData clients ignore.
    ...(file.uploadState === UploadState.commitFileFailed && file.failureReason !== null
      ? { "@imesim.failureReason": file.failureReason }
      : {}),
  };
}
