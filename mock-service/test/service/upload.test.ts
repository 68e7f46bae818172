import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import { adminToken, encryptedContent, sampleApp, startServer, uploadContent } from "./helpers.ts";

let app: MockIntuneServer;
let close: () => Promise<void>;
let auth: { authorization: string };

beforeAll(async () => {
  const started = await startServer({ pendingPolls: 2 });
  app = started.server;
  close = started.close;
  auth = { authorization: `Bearer ${await adminToken(app)}` };
});
afterAll(async () => close());

async function newApp(name: string): Promise<string> {
  return (
    await app.inject({
      method: "POST",
      url: "/beta/deviceAppManagement/mobileApps",
      payload: sampleApp({ displayName: name }),
      headers: auth,
    })
  ).json().id;
}

const plain = Buffer.from("PK fake inner zip ".repeat(500));
const good = { ...encryptedContent(plain), size: plain.length };

describe("content upload flow", () => {
  it("walks the uploadState machine with pending polls, commits, and publishes the app", async () => {
    const appId = await newApp("Flow");
    const base = `/beta/deviceAppManagement/mobileApps/${appId}/graph.win32LobApp/contentVersions`;
    const version = await app.inject({ method: "POST", url: base, payload: {}, headers: auth });
    expect(version.statusCode).toBe(201);
    expect(version.json()).toMatchObject({ id: "1" });
    expect(version.json()["@odata.context"]).toContain(
      `mobileApps('${appId}')/microsoft.graph.win32LobApp/contentVersions/$entity`,
    );
    const created = await app.inject({
      method: "POST",
      url: `/beta/deviceAppManagement/mobileApps/${appId}/contentVersions/1/files`,
      payload: { name: "x.intunewin", size: good.size, sizeEncrypted: good.bin.length },
      headers: auth,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      uploadState: "azureStorageUriRequestPending",
      azureStorageUri: null,
      isCommitted: false,
    });
    const fileUrl = `/beta/deviceAppManagement/mobileApps/${appId}/contentVersions/1/files/${created.json().id}`;
    const states: string[] = [];
    for (let poll = 0; poll < 3; poll += 1)
      states.push((await app.inject({ url: fileUrl, headers: auth })).json().uploadState);
    expect(states).toEqual([
      "azureStorageUriRequestPending",
      "azureStorageUriRequestPending",
      "azureStorageUriRequestSuccess",
    ]);
    const file = (await app.inject({ url: fileUrl, headers: auth })).json();
    expect(file.azureStorageUri).toMatch(/^http:\/\/localhost:80\/blob\/.+\?sv=.*&sig=/);
    expect(new Date(file.azureStorageUriExpirationDateTime).getTime()).toBeGreaterThan(
      Date.now() + 3_600_000,
    );

    const { file: committed, version: published } = await uploadContent(app, auth, appId, good, {
      blockSize: 1000,
    });
    expect(committed).toMatchObject({ uploadState: "commitFileSuccess", isCommitted: true });
    const appNow = (
      await app.inject({ url: `/beta/deviceAppManagement/mobileApps/${appId}`, headers: auth })
    ).json();
    expect(appNow).toMatchObject({
      publishingState: "published",
      committedContentVersion: published,
      size: good.bin.length,
      uploadState: 1,
    });
  });

  it("fails the commit with a reason for a wrong MAC or a truncated upload, and keeps serving the previous content", async () => {
    const appId = await newApp("Keep previous");
    await uploadContent(app, auth, appId, good);
    const wrongMac = { ...good, info: { ...good.info, mac: Buffer.alloc(32, 1).toString("base64") } };
    const failed = await uploadContent(app, auth, appId, wrongMac, { publish: false });
    expect(failed.file.uploadState).toBe("commitFileFailed");
    expect(failed.file.isCommitted).toBe(false);
    expect(failed.file["@imesim.failureReason"]).toMatch(/Mac|MAC/);
    const truncated = await uploadContent(
      app,
      auth,
      appId,
      { ...good, bin: good.bin.subarray(0, good.bin.length - 16) },
      { publish: false },
    );
    expect(truncated.file.uploadState).toBe("commitFileFailed");
    expect(truncated.file["@imesim.failureReason"]).toContain("bytes");
    const publishFailed = await app.inject({
      method: "PATCH",
      url: `/beta/deviceAppManagement/mobileApps/${appId}`,
      payload: { committedContentVersion: failed.version },
      headers: auth,
    });
    expect(publishFailed.statusCode).toBe(400);
    const appNow = (
      await app.inject({ url: `/beta/deviceAppManagement/mobileApps/${appId}`, headers: auth })
    ).json();
    expect(appNow.committedContentVersion).toBe("1");
    expect(app.intune.store.listFiles(appId, 1).every((file) => file.isCommitted)).toBe(true);
  });

  it("answers the blob store's errors: bad signature 403, bad block id 400, unknown block in the list 400, committed file 409", async () => {
    const appId = await newApp("Blob errors");
    const { file } = await uploadContent(app, auth, appId, good);
    const sas = new URL(file.azureStorageUri as string);
    const forged = new URL(sas);
    forged.searchParams.set("sig", "forged");
    const denied = await app.inject({
      method: "PUT",
      url: `${forged.pathname}${forged.search}&comp=block&blockid=MDAwMA==`,
      payload: "x",
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.body).toContain("<Code>AuthenticationFailed</Code>");
    const committed = await app.inject({
      method: "PUT",
      url: `${sas.pathname}${sas.search}&comp=block&blockid=MDAwMA==`,
      payload: "x",
    });
    expect(committed.statusCode).toBe(409);

    const other = await newApp("Blob errors 2");
    const base = `/beta/deviceAppManagement/mobileApps/${other}/contentVersions`;
    await app.inject({ method: "POST", url: base, payload: {}, headers: auth });
    const created = (
      await app.inject({
        method: "POST",
        url: `${base}/1/files`,
        payload: { name: "x", size: 1, sizeEncrypted: 64 },
        headers: auth,
      })
    ).json();
    let state = created;
    while (state.azureStorageUri === null)
      state = (await app.inject({ url: `${base}/1/files/${created.id}`, headers: auth })).json();
    const upload = new URL(state.azureStorageUri);
    const badId = await app.inject({
      method: "PUT",
      url: `${upload.pathname}${upload.search}&comp=block&blockid=%%%`,
      payload: "x",
    });
    expect(badId.statusCode).toBe(400);
    const unknownBlock = await app.inject({
      method: "PUT",
      url: `${upload.pathname}${upload.search}&comp=blocklist`,
      payload: '<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>MDAwOQ==</Latest></BlockList>',
    });
    expect(unknownBlock.statusCode).toBe(400);
    expect(unknownBlock.body).toContain("InvalidBlockList");
    const badXml = await app.inject({
      method: "PUT",
      url: `${upload.pathname}${upload.search}&comp=blocklist`,
      payload: "<nope",
    });
    expect(badXml.statusCode).toBe(400);
    const noUpload = await app.inject({
      method: "POST",
      url: `${base}/1/files/${created.id}/commit`,
      payload: { fileEncryptionInfo: good.info },
      headers: auth,
    });
    expect(noUpload.statusCode).toBe(204);
    let polled = (await app.inject({ url: `${base}/1/files/${created.id}`, headers: auth })).json();
    while (polled.uploadState === "commitFilePending")
      polled = (await app.inject({ url: `${base}/1/files/${created.id}`, headers: auth })).json();
    expect(polled.uploadState).toBe("commitFileFailed");
  });

  it("validates the commit body and renews the upload URL", async () => {
    const appId = await newApp("Renew");
    const base = `/beta/deviceAppManagement/mobileApps/${appId}/microsoft.graph.win32LobApp/contentVersions`;
    await app.inject({ method: "POST", url: base, payload: {}, headers: auth });
    const created = (
      await app.inject({
        method: "POST",
        url: `${base}/1/files`,
        payload: { name: "x", size: 1, sizeEncrypted: 64 },
        headers: auth,
      })
    ).json();
    const fileUrl = `${base}/1/files/${created.id}`;
    const badBody = await app.inject({
      method: "POST",
      url: `${fileUrl}/commit`,
      payload: { fileEncryptionInfo: { ...good.info, mac: "short" } },
      headers: auth,
    });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().error.message).toContain("fileEncryptionInfo/mac");
    expect(app.intune.store.getFile(created.id)?.encryptionInfo).toBeNull();
    const renew = await app.inject({
      method: "POST",
      url: `${fileUrl}/microsoft.graph.renewUpload`,
      headers: { ...auth, "content-type": "application/json" },
    });
    expect(renew.statusCode).toBe(204);
    const states: string[] = [];
    for (let poll = 0; poll < 3; poll += 1)
      states.push((await app.inject({ url: fileUrl, headers: auth })).json().uploadState);
    expect(states).toEqual([
      "azureStorageUriRenewalPending",
      "azureStorageUriRenewalPending",
      "azureStorageUriRenewalSuccess",
    ]);
    const doubled = await app.inject({
      method: "POST",
      url:
        fileUrl.replace("/beta/deviceAppManagement/", "/beta/deviceAppManagement/deviceAppManagement/") +
        "/renewUpload",
      payload: {},
      headers: auth,
    });
    expect(doubled.statusCode).toBe(204);
    const badVersion = await app.inject({
      method: "POST",
      url: `${base}/7/files`,
      payload: { name: "x", size: 1, sizeEncrypted: 64 },
      headers: auth,
    });
    expect(badVersion.statusCode).toBe(404);
    const badFile = await app.inject({
      method: "POST",
      url: `${base}/1/files`,
      payload: { name: "x", size: -1, sizeEncrypted: 64 },
      headers: auth,
    });
    expect(badFile.statusCode).toBe(400);
    expect(badFile.json().error.message).toContain("size");
  });
});

describe("assignments and groups", () => {
  it("refuses to assign an unpublished app, then assigns, lists, refuses a duplicate and deletes", async () => {
    const appId = await newApp("Assign me");
    const url = `/beta/deviceAppManagement/mobileApps/${appId}/assignments`;
    const assignment = {
      intent: "required",
      target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" },
    };
    const early = await app.inject({ method: "POST", url, payload: assignment, headers: auth });
    expect(early.statusCode).toBe(400);
    await uploadContent(app, auth, appId, good);
    const created = await app.inject({ method: "POST", url, payload: assignment, headers: auth });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      id: "adadadad-808e-44e2-905a-0b7873a8a531_1_0",
      intent: "required",
      target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" },
    });
    expect((await app.inject({ method: "POST", url, payload: assignment, headers: auth })).statusCode).toBe(
      409,
    );
    const list = (await app.inject({ url, headers: auth })).json();
    expect(list.value).toHaveLength(1);
    expect(
      (await app.inject({ url: `/beta/deviceAppManagement/mobileApps/${appId}`, headers: auth })).json()
        .isAssigned,
    ).toBe(true);
    const bad = await app.inject({
      method: "POST",
      url: `/beta/deviceAppManagement/mobileApps/${appId}/assign`,
      payload: { mobileAppAssignments: [assignment, { intent: "sometimes", target: assignment.target }] },
      headers: auth,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain("mobileAppAssignments");
    expect((await app.inject({ url, headers: auth })).json().value).toHaveLength(1);
    const removed = await app.inject({ method: "DELETE", url: `${url}/${created.json().id}`, headers: auth });
    expect(removed.statusCode).toBe(204);
    expect((await app.inject({ url, headers: auth })).json()).toMatchObject({ value: [], "@odata.count": 0 });
  });

  it("keeps groups and members", async () => {
    const group = await app.inject({
      method: "POST",
      url: "/v1.0/groups",
      payload: { displayName: "Pilot", mailNickname: "pilot", securityEnabled: true },
      headers: auth,
    });
    expect(group.statusCode).toBe(201);
    const id = group.json().id;
    const member = "0b8b4f7e-7c3e-4c1b-9d2a-2f3c4d5e6f70";
    const added = await app.inject({
      method: "POST",
      url: `/v1.0/groups/${id}/members/$ref`,
      payload: { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${member}` },
      headers: auth,
    });
    expect(added.statusCode).toBe(204);
    expect((await app.inject({ url: `/v1.0/groups/${id}/members`, headers: auth })).json().value).toEqual([
      expect.objectContaining({ id: member }),
    ]);
    const badRef = await app.inject({
      method: "POST",
      url: `/v1.0/groups/${id}/members/$ref`,
      payload: { "@odata.id": "nope" },
      headers: auth,
    });
    expect(badRef.statusCode).toBe(400);
    expect(
      (
        await app.inject({
          method: "DELETE",
          url: `/v1.0/groups/${id}/members/${member}/$ref`,
          headers: auth,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await app.inject({ method: "DELETE", url: `/v1.0/groups/${id}`, headers: auth })).statusCode,
    ).toBe(204);
    expect((await app.inject({ url: `/v1.0/groups/${id}`, headers: auth })).statusCode).toBe(404);
  });
});
