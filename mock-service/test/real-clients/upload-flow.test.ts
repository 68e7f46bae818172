import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { encryptedContent, sampleApp } from "../service/helpers.ts";
import { graphClient } from "./snippets/graph-client.ts";
import { useTlsService } from "./tls-service.ts";

const shared = useTlsService({ lenientCommit: false });

describe("official Microsoft clients against the mock", () => {
  it("MSAL for Node gets a client-credentials token with the mock as a known authority", () => {
    expect(decodeJwt(shared.token)).toMatchObject({
      aud: "https://graph.microsoft.com",
      appid: "5b0b1e6c-9d1e-4c55-9d4e-3f6e2c8a7b10",
    });
  });

  it("the Graph JavaScript client creates an app, uploads its content and assigns it", async () => {
    const client = graphClient(shared.service.baseUrl, shared.token);
    const created = await client
      .api("/deviceAppManagement/mobileApps")
      .post(sampleApp({ displayName: "Graph client app" }));
    expect(created["@odata.type"]).toBe("#microsoft.graph.win32LobApp");
    const appPath = `/deviceAppManagement/mobileApps/${created.id}`;
    const version = await client.api(`${appPath}/microsoft.graph.win32LobApp/contentVersions`).post({});
    const plain = Buffer.from("zip".repeat(10_000));
    const content = encryptedContent(plain);
    const filesPath = `${appPath}/microsoft.graph.win32LobApp/contentVersions/${version.id}/files`;
    let file = await client.api(filesPath).post({
      "@odata.type": "#microsoft.graph.mobileAppContentFile",
      name: "app.intunewin",
      size: plain.length,
      sizeEncrypted: content.bin.length,
      manifest: null,
      isDependency: false,
    });
    while (file.uploadState !== "azureStorageUriRequestSuccess")
      file = await client.api(`${filesPath}/${file.id}`).get();
    // The Graph-SDK sample's block upload: 1 MiB blocks of raw bytes with the blob headers (graph-win32.md §2.4).
    const ids: string[] = [];
    for (let offset = 0; offset < content.bin.length; offset += 1024 * 1024) {
      const id = Buffer.from(String(ids.length).padStart(4, "0")).toString("base64");
      ids.push(id);
      const put = await fetch(`${file.azureStorageUri}&comp=block&blockid=${id}`, {
        method: "PUT",
        body: new Uint8Array(content.bin.subarray(offset, offset + 1024 * 1024)),
        headers: { "content-type": "application/octet-stream", "x-ms-blob-type": "BlockBlob" },
      });
      expect(put.status).toBe(201);
    }
    const list = await fetch(`${file.azureStorageUri}&comp=blocklist`, {
      method: "PUT",
      body: `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((id) => `<Latest>${id}</Latest>`).join("")}</BlockList>`,
      headers: { "content-type": "text/plain" },
    });
    expect(list.status).toBe(201);
    await client.api(`${filesPath}/${file.id}/commit`).post({ fileEncryptionInfo: content.info });
    file = await client.api(`${filesPath}/${file.id}`).get();
    expect(file.uploadState).toBe("commitFileSuccess");
    await client
      .api(appPath)
      .patch({ "@odata.type": "#microsoft.graph.win32LobApp", committedContentVersion: version.id });
    await client.api(`${appPath}/assign`).post({
      mobileAppAssignments: [
        {
          "@odata.type": "#microsoft.graph.mobileAppAssignment",
          intent: "required",
          target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" },
          settings: {
            "@odata.type": "#microsoft.graph.win32LobAppAssignmentSettings",
            notifications: "showAll",
          },
        },
      ],
    });
    const assignments = await client.api(`${appPath}/assignments`).get();
    expect(assignments.value).toHaveLength(1);
    const published = await client.api(appPath).get();
    expect(published).toMatchObject({
      publishingState: "published",
      isAssigned: true,
      committedContentVersion: version.id,
    });
    const missing = await client
      .api("/deviceAppManagement/mobileApps/00000000-0000-0000-0000-000000000000")
      .get()
      .catch((error: { statusCode: number; code: string }) => error);
    expect(missing).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });
});
