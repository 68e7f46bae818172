import { stat } from "node:fs/promises";
import { isImesimError } from "@imesim/contracts/errors";
import type { CryptoVerdict, DecodedEncryptionInfo } from "@imesim/contracts/intunewin";
import type { ContentFileRecord, FileEncryptionInfo } from "../store/records.ts";

/**
 * The checks the service makes at commit (graph-win32.md §2.6, §2.8): the assembled blob's length
 * equals `sizeEncrypted` and fits `size`, its IV and MAC agree with `fileEncryptionInfo`, and it
 * decrypts to content whose SHA-256 is `fileDigest`. Returns null when all hold, else the reason
 * the file ends in `commitFileFailed`. Streams the blob once, so memory stays flat.
 */
export async function checkCommittedContent(
  blobPath: string,
  file: ContentFileRecord,
  info: FileEncryptionInfo,
): Promise<string | null> {
  let size: number;
  try {
    size = (await stat(blobPath)).size;
  } catch {
    return "No content was uploaded: no block list was committed for this file.";
  }
  if (size !== file.sizeEncrypted) {
    return `The uploaded content is ${size} bytes but sizeEncrypted is ${file.sizeEncrypted}.`;
  }
  const { assertVerdict, checkEncryptedHeader, decodeEncryptionInfo, decryptStream, fileSource } =
    await import("@imesim/contracts/intunewin");
  let keys: DecodedEncryptionInfo;
  try {
    keys = decodeEncryptionInfo(
      {
        EncryptionKey: info.encryptionKey,
        MacKey: info.macKey,
        InitializationVector: info.initializationVector,
        Mac: info.mac,
        ProfileIdentifier: info.profileIdentifier,
        FileDigest: info.fileDigest,
        FileDigestAlgorithm: info.fileDigestAlgorithm,
      },
      "fileEncryptionInfo",
    );
  } catch (error) {
    if (isImesimError(error)) return error.message;
    throw error;
  }
  const source = await fileSource(blobPath);
  try {
    await checkEncryptedHeader(source, keys, file.size);
    const verdict: Partial<CryptoVerdict> = {};
    for await (const _chunk of decryptStream(source, keys, verdict)) {
      // Only the verdict matters here; the plaintext is discarded as it streams.
    }
    assertVerdict("uploaded content", keys, verdict as CryptoVerdict, file.size);
    return null;
  } catch (error) {
    if (isImesimError(error)) return error.message;
    throw error;
  } finally {
    await source.close();
  }
}
