import { BlockBlobClient } from "@azure/storage-blob";

/** Uploads an encrypted `.intunewin.bin` to a content file's `azureStorageUri` in blocks, then reads back what landed. */
export async function uploadToAzureStorageUri(azureStorageUri: string, bin: Buffer) {
  // The SAS URL is the whole credential: no account key, no connection string.
  const blob = new BlockBlobClient(azureStorageUri);
  await blob.uploadData(bin, { blockSize: 4 * 1024 * 1024, maxSingleShotSize: 4 * 1024 * 1024 });
  const properties = await blob.getProperties();
  const blocks = await blob.getBlockList("committed");
  return { size: properties.contentLength, blocks: blocks.committedBlocks?.length ?? 0 };
}
