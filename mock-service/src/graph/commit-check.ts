import { stat } from "node:fs/promises";
import { isImesimError } from "@imesim/contracts/errors";
import { verifyEncryptedContent } from "@imesim/contracts/intunewin";
import type { ContentFileRecord, FileEncryptionInfo } from "../store/records.ts";

/**
 * The checks the service makes at commit (graph-win32.md §2.6, §2.8), done by the contracts'
 * `verifyEncryptedContent`: the blob's length equals `sizeEncrypted`, its IV and MAC agree with
 * `fileEncryptionInfo`, and it decrypts to `size` bytes whose SHA-256 is `fileDigest`. Returns
 * null when all hold, else the reason the file ends in `commitFileFailed`.
 */
export async function checkCommittedContent(
  blobPath: string,
  file: ContentFileRecord,
  info: FileEncryptionInfo,
): Promise<string | null> {
  try {
    await stat(blobPath);
  } catch {
    return "No content was uploaded: no block list was committed for this file.";
  }
  try {
    await verifyEncryptedContent(
      blobPath,
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
