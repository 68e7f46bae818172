import { isImesimError } from "@imesim/contracts/errors";
import { bytesSource, verifyEncryptedContent } from "@imesim/contracts/intunewin";
import type { BlobStore } from "../store/blob-store.ts";
import type { ContentFileRecord, FileEncryptionInfo } from "../store/records.ts";

/**
 * Blobs up to this size are verified from memory (BlobStore.smallFile, which keeps them for the downloads that
 * follow): a scenario's packages are a few KiB, and opening, reading and closing the file took longer than the
 * checks. Larger ones stream from disk.
 */
const VERIFIED_IN_MEMORY_BYTES = 64 * 1024;

/**
 * The checks the service makes at commit (graph-win32.md §2.6, §2.8), done by the contracts'
 * `verifyEncryptedContent`: the blob's length equals `sizeEncrypted`, its IV and MAC agree with
 * `fileEncryptionInfo`, and it decrypts to `size` bytes whose SHA-256 is `fileDigest`. Returns
 * null when all hold, else the reason the file ends in `commitFileFailed`.
 */
export async function checkCommittedContent(
  blobs: BlobStore,
  file: ContentFileRecord,
  info: FileEncryptionInfo,
): Promise<string | null> {
  const blobPath = blobs.filePath(file.id);
  const blob = blobs.smallFile(file.id, VERIFIED_IN_MEMORY_BYTES);
  if (blob === undefined) return "No content was uploaded: no block list was committed for this file.";
  try {
    await verifyEncryptedContent(
      // Named by its path either way, so a reason reads the same whichever way the bytes were read.
      blob.bytes === undefined ? blobPath : bytesSource(blob.bytes, blobPath),
      {
        EncryptionKey: info.encryptionKey,
        MacKey: info.macKey,
        InitializationVector: info.initializationVector,
        Mac: info.mac,
        ProfileIdentifier: info.profileIdentifier,
        FileDigest: info.fileDigest,
        FileDigestAlgorithm: info.fileDigestAlgorithm,
      },
      { expectedEncryptedSize: file.sizeEncrypted, unencryptedContentSize: file.size },
    );
    return null;
  } catch (error) {
    // The reason is shown to the admin: name the upload, not the file it sits in on the server.
    if (isImesimError(error)) return error.message.replaceAll(blobPath, "uploaded content");
    throw error;
  }
}
