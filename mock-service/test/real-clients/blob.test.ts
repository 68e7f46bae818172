import { BlockBlobClient } from "@azure/storage-blob";
import { describe, expect, it } from "vitest";
import { encryptedContent, sampleApp } from "../service/helpers.ts";
import { uploadToAzureStorageUri } from "./snippets/blob-upload.ts";
import { graphClient } from "./snippets/graph-client.ts";
import { useTlsService } from "./tls-service.ts";

const shared = useTlsService();

/** A new app's content file entry with its SAS URL, through the Graph client. */
async function newContentFile(plainSize: number, encryptedSize: number) {
  const client = graphClient(shared.service.baseUrl, shared.token);
  const app = await client
    .api("/deviceAppManagement/mobileApps")
    .post(sampleApp({ displayName: "Blob SDK app" }));
  const versions = `/deviceAppManagement/mobileApps/${app.id}/microsoft.graph.win32LobApp/contentVersions`;
  const version = await client.api(versions).post({});
  const files = `${versions}/${version.id}/files`;
  let file = await client.api(files).post({
    "@odata.type": "#microsoft.graph.mobileAppContentFile",
    name: "app.intunewin",
    size: plainSize,
    sizeEncrypted: encryptedSize,
    manifest: null,
    isDependency: false,
  });
  while (file.uploadState !== "azureStorageUriRequestSuccess")
    file = await client.api(`${files}/${file.id}`).get();
  return { client, path: `${files}/${file.id}`, sas: file.azureStorageUri as string };
}

describe("@azure/storage-blob on a content file's azureStorageUri", () => {
  it("exists(), getProperties(), getBlockList() and download() tell the truth before and after the upload", async () => {
    const plain = Buffer.alloc(9 * 1024 * 1024 + 123, "imesim");
    const content = encryptedContent(plain);
    const { sas } = await newContentFile(plain.length, content.bin.length);
    const blob = new BlockBlobClient(sas);
    expect(await blob.exists()).toBe(false);
    await expect(blob.getProperties()).rejects.toMatchObject({ statusCode: 404 });

    await blob.stageBlock("c3RhZ2Vk", Buffer.from("staged only"), 11);
    const staged = await blob.getBlockList("all");
    expect(staged.uncommittedBlocks).toEqual([{ name: "c3RhZ2Vk", size: 11 }]);
    expect(staged.committedBlocks).toEqual([]);
    expect(await blob.exists()).toBe(false);

    expect(await uploadToAzureStorageUri(sas, content.bin)).toEqual({ size: content.bin.length, blocks: 3 });
    expect(await blob.exists()).toBe(true);
    const properties = await blob.getProperties();
    expect(properties).toMatchObject({ contentLength: content.bin.length, blobType: "BlockBlob" });
    expect(properties.etag).toMatch(/^"0x[0-9A-F]+"$/);
    const list = await blob.getBlockList("all");
    expect(list.committedBlocks?.map((block) => block.size)).toEqual([
      4 * 1024 * 1024,
      4 * 1024 * 1024,
      content.bin.length - 8 * 1024 * 1024,
    ]);
    // Committing a list drops the blocks it left out, as Azure does.
    expect(list.uncommittedBlocks).toEqual([]);
    expect(list.blobContentLength).toBe(content.bin.length);

    expect((await blob.downloadToBuffer()).equals(content.bin)).toBe(true);
    const range = await blob.download(1000, 48);
    expect(range.contentRange).toBe(`bytes 1000-1047/${content.bin.length}`);
    const chunks: Buffer[] = [];
    for await (const chunk of range.readableStreamBody as NodeJS.ReadableStream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(content.bin.subarray(1000, 1048))).toBe(true);
    await expect(blob.download(content.bin.length + 10)).rejects.toMatchObject({ statusCode: 416 });
  }, 60_000);

  it("a SAS URL with a wrong signature reads nothing (403), as a write with it would", async () => {
    const { sas } = await newContentFile(10, 80);
    const url = new URL(sas);
    url.searchParams.set("sig", "forged");
    const blob = new BlockBlobClient(url.toString());
    await expect(blob.exists()).rejects.toMatchObject({ statusCode: 403 });
    await expect(blob.getBlockList("all")).rejects.toMatchObject({
      statusCode: 403,
      code: "AuthenticationFailed",
    });
  });
});
