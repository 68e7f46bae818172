import { createDecipheriv, createHash, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  createSideCarSessionRequest,
  decodePolicyListPayload,
  parseContentInfo,
  parseContentInfoPayload,
  parseDecryptInfo,
  parseDecryptInfoEnvelope,
  sideCarGatewayUrl,
} from "@imesim/contracts/gateway";
import { readPackage } from "@imesim/contracts/intunewin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import { contentInfoRequest, deviceAssertion, type Enrolled, openEnvelope, startServer } from "./helpers.ts";

const fixture = fileURLToPath(
  new URL(
    "../../../fixtures/intunewin/JayRHa_CompanyPortalSystemTrayTool__install.intunewin",
    import.meta.url,
  ),
);

let app: MockIntuneServer;
let close: () => Promise<void>;
let base: string;

beforeAll(async () => {
  const started = await startServer({ pendingPolls: 1 });
  app = started.server;
  close = started.close;
  base = await app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => close());

/** Graph call as IntuneWin32App's Invoke-MSGraphOperation makes it (graph-win32.md §0): JSON, bearer, stray ExpiresOn. */
async function graph(token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${base}/Beta/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      ExpiresOn: new Date().toString(),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe("Add-IntuneWin32App, then a device installs from the mock", () => {
  it("replays the admin's calls with a real .intunewin, then enrolls a device that downloads and decrypts the content", async () => {
    const intunewin = await readPackage(fixture);
    const detection = intunewin.detection;
    const encrypted: Buffer[] = [];
    for await (const chunk of intunewin.contentChunks()) encrypted.push(chunk);
    await intunewin.close();
    const encryptedFile = Buffer.concat(encrypted);

    // 0. Client-secret token (New-ClientCredentialsAccessToken).
    const tenant = app.intune.tokens.tenantId;
    const tokenResponse = await fetch(`${base}/${tenant}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: "2f4e8a10-1c3b-4d5e-8f70-9a1b2c3d4e5f",
        client_secret: "s3cret",
        grant_type: "client_credentials",
        scope: "https://graph.microsoft.com/.default",
      }),
    });
    const tokenBody = (await tokenResponse.json()) as { access_token: string; expires_in: number };
    expect(tokenBody.expires_in).toBeGreaterThanOrEqual(3599);
    const token = tokenBody.access_token;

    // 3. Create the app (New-IntuneWin32AppBody, graph-win32.md §1.9).
    const created = await graph(token, "POST", "deviceAppManagement/mobileApps", {
      "@odata.type": "#microsoft.graph.win32LobApp",
      description: "Company Portal tray tool",
      developer: "",
      displayVersion: "2.0",
      owner: "",
      notes: "",
      informationUrl: "",
      privacyInformationUrl: "",
      isFeatured: false,
      displayName: "Company Portal System Tray",
      fileName: "install.intunewin",
      setupFilePath: detection.SetupFile,
      installCommandLine: "install.bat",
      uninstallCommandLine: "deinstall.bat",
      installExperience: {
        runAsAccount: "system",
        deviceRestartBehavior: "suppress",
        maxRunTimeInMinutes: 60,
      },
      minimumSupportedWindowsRelease: "2H20",
      msiInformation: null,
      publisher: "JayRHa",
      runAs32bit: false,
      applicableArchitectures: "x64,x86",
      detectionRules: [
        {
          "@odata.type": "#microsoft.graph.win32LobAppFileSystemDetection",
          operator: "notConfigured",
          detectionValue: null,
          path: "C:\\ProgramData\\IntuneSystemTrayV2",
          fileOrFolderName: "CMTrace.exe",
          check32BitOn64System: false,
          detectionType: "exists",
        },
      ],
      returnCodes: [
        { returnCode: 0, type: "success" },
        { returnCode: 1707, type: "success" },
        { returnCode: 3010, type: "softReboot" },
        { returnCode: 1641, type: "hardReboot" },
        { returnCode: 1618, type: "retry" },
      ],
    });
    expect(created.status).toBe(201);
    const appBody = (await created.json()) as { id: string; "@odata.type": string };
    expect(appBody["@odata.type"].toLowerCase()).toBe("#microsoft.graph.win32lobapp");
    const appPath = `deviceAppManagement/mobileApps/${appBody.id}`;

    // 5–6. Content version and file entry.
    const version = (await (
      await graph(token, "POST", `${appPath}/microsoft.graph.win32LobApp/contentVersions`, {})
    ).json()) as { id: string };
    expect(version.id).toBe("1");
    const filesPath = `${appPath}/microsoft.graph.win32LobApp/contentVersions/${version.id}/files`;
    const fileEntry = (await (
      await graph(token, "POST", filesPath, {
        "@odata.type": "#microsoft.graph.mobileAppContentFile",
        name: "install.intunewin",
        size: detection.UnencryptedContentSize,
        sizeEncrypted: encryptedFile.length,
        manifest: null,
        isDependency: false,
      })
    ).json()) as { id: string };

    // 7. Poll for the SAS URL (Wait-IntuneWin32AppFileProcessing).
    let file = (await (await graph(token, "GET", `${filesPath}/${fileEntry.id}`)).json()) as Record<
      string,
      string | boolean | null
    >;
    const seen = [file.uploadState];
    while (file.uploadState !== "azureStorageUriRequestSuccess") {
      expect(file.uploadState).toBe("azureStorageUriRequestPending");
      file = (await (await graph(token, "GET", `${filesPath}/${fileEntry.id}`)).json()) as typeof file;
      seen.push(file.uploadState);
    }
    expect(seen).toEqual(["azureStorageUriRequestPending", "azureStorageUriRequestSuccess"]);

    // 8. Blocks of 6 MiB as Latin-1 text bodies, block ids base64("0000"…), then the block list.
    const sas = file.azureStorageUri as string;
    const blockIds: string[] = [];
    for (let offset = 0; offset < encryptedFile.length; offset += 6 * 1024 * 1024) {
      const blockId = Buffer.from(String(blockIds.length).padStart(4, "0")).toString("base64");
      blockIds.push(blockId);
      const put = await fetch(`${sas}&comp=block&blockid=${blockId}`, {
        method: "PUT",
        headers: { "content-type": "text/plain; charset=iso-8859-1", "x-ms-blob-type": "BlockBlob" },
        body: new Uint8Array(encryptedFile.subarray(offset, offset + 6 * 1024 * 1024)),
      });
      expect(put.status).toBe(201);
    }
    const finalize = await fetch(`${sas}&comp=blocklist`, {
      method: "PUT",
      headers: { "content-type": "text/plain; charset=UTF-8" },
      body: `<?xml version="1.0" encoding="utf-8"?><BlockList>${blockIds.map((id) => `<Latest>${id}</Latest>`).join("")}</BlockList>`,
    });
    expect(finalize.status).toBe(201);

    // 9–10. Commit with Detection.xml's EncryptionInfo, poll for commitFileSuccess.
    const info = detection.EncryptionInfo;
    const commit = await graph(token, "POST", `${filesPath}/${fileEntry.id}/commit`, {
      fileEncryptionInfo: {
        encryptionKey: info.EncryptionKey,
        macKey: info.MacKey,
        initializationVector: info.InitializationVector,
        mac: info.Mac,
        profileIdentifier: "ProfileVersion1",
        fileDigest: info.FileDigest,
        fileDigestAlgorithm: info.FileDigestAlgorithm,
      },
    });
    expect(commit.status).toBe(204);
    do {
      file = (await (await graph(token, "GET", `${filesPath}/${fileEntry.id}`)).json()) as typeof file;
    } while (file.uploadState === "commitFilePending");
    expect(file).toMatchObject({ uploadState: "commitFileSuccess", isCommitted: true });

    // 11–12. Publish and read back.
    const patch = await graph(token, "PATCH", appPath, {
      "@odata.type": "#microsoft.graph.win32LobApp",
      committedContentVersion: "1",
    });
    expect(patch.status).toBe(204);
    const published = (await (await graph(token, "GET", appPath)).json()) as Record<string, unknown>;
    expect(published).toMatchObject({ publishingState: "published", size: encryptedFile.length });

    // Add-IntuneWin32AppAssignmentAllDevices: read the app, the assignments, then POST one.
    expect((await graph(token, "GET", appPath)).status).toBe(200);
    expect(
      ((await (await graph(token, "GET", `${appPath}/assignments`)).json()) as { "@odata.count": number })[
        "@odata.count"
      ],
    ).toBe(0);
    const assignment = await graph(token, "POST", `${appPath}/assignments`, {
      "@odata.type": "#microsoft.graph.mobileAppAssignment",
      intent: "required",
      source: "direct",
      target: {
        "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
        deviceAndAppManagementAssignmentFilterType: "none",
      },
      settings: {
        "@odata.type": "#microsoft.graph.win32LobAppAssignmentSettings",
        notifications: "showAll",
        restartSettings: null,
        installTimeSettings: null,
        deliveryOptimizationPriority: "notConfigured",
      },
    });
    expect(assignment.status).toBe(201);

    // The device's user exists in the tenant first (contract U), as in Entra.
    const user = await graph(token, "POST", "users", {
      userPrincipalName: "ada@contoso.com",
      displayName: "Ada",
    });
    expect(user.status).toBe(201);

    // The device: enroll, token, discovery, policies.
    const enrolled = (await (
      await fetch(`${base}/enrollment/devices`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          deviceName: "DESKTOP-E2E",
          osVersion: "10.0.22631",
          users: [{ userPrincipalName: "ada@contoso.com" }],
        }),
      })
    ).json()) as Enrolled;
    const deviceTokenResponse = await fetch(enrolled.tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "fc0f3af4-6835-4174-b806-f7db311fd2f3",
        scope: "26a4ae64-5862-427f-a9b0-044e62572a4f/.default",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: await deviceAssertion(enrolled),
      }),
    });
    const deviceToken = ((await deviceTokenResponse.json()) as { access_token: string }).access_token;
    const discovery = await fetch(
      `${base}/RestUserAuthLocationService/RestUserAuthLocationService/Certificate/ServiceAddresses`,
    );
    const sideCar = sideCarGatewayUrl(await discovery.json());
    const call = async (type: string, payload = "[]") => {
      const sessionId = randomUUID();
      const response = await fetch(`${sideCar}/SideCarGatewaySessions('${sessionId}')?api-version=1.5`, {
        method: "PUT",
        headers: {
          authorization: `Bearer ${deviceToken}`,
          "content-type": "application/json",
          prefer: "return-content",
        },
        body: JSON.stringify(
          createSideCarSessionRequest({
            sessionId,
            requestContentType: type,
            requestPayload: payload,
            clientInfo: null,
            checkinReason: "AgentRestart",
          }),
        ),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { ResponsePayload: string; CheckinIntervalMinutes: number };
    };
    const policies = decodePolicyListPayload((await call("RequestApplication")).ResponsePayload);
    const policy = policies.find((candidate) => candidate.Id === appBody.id);
    expect(policy).toMatchObject({
      Name: "Company Portal System Tray",
      Intent: 3,
      TargetType: 2,
      Version: 1,
      SetUpFilePath: detection.SetupFile,
    });

    // GetContentInfo, DecryptInfo opened with the device key.
    const contentInfo = await call("GetContentInfo", contentInfoRequest(appBody.id, enrolled));
    const answer = parseContentInfoPayload(contentInfo.ResponsePayload, "ResponsePayload");
    const location = parseContentInfo(answer.ContentInfo).UploadLocation;
    const keys = parseDecryptInfo(
      await openEnvelope(enrolled, parseDecryptInfoEnvelope(answer.DecryptInfo as string)),
    );
    expect(keys.EncryptionKey).toBe(info.EncryptionKey);

    // Download whole, then again in three ranges, as a resumed download would.
    const whole = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(whole.equals(encryptedFile)).toBe(true);
    const third = Math.floor(whole.length / 3);
    const parts: Buffer[] = [];
    for (const range of [`0-${third - 1}`, `${third}-${2 * third - 1}`, `${2 * third}-`]) {
      const part = await fetch(location, { headers: { range: `bytes=${range}` } });
      expect(part.status).toBe(206);
      parts.push(Buffer.from(await part.arrayBuffer()));
    }
    const ranged = Buffer.concat(parts);
    expect(ranged.equals(encryptedFile)).toBe(true);

    // Decrypt as the IME does: skip the 48-byte header, AES-256-CBC with the sealed key and IV.
    const decipher = createDecipheriv(
      "aes-256-cbc",
      Buffer.from(keys.EncryptionKey, "base64"),
      Buffer.from(keys.IV, "base64"),
    );
    const innerZip = Buffer.concat([decipher.update(ranged.subarray(48)), decipher.final()]);
    expect(innerZip.length).toBe(detection.UnencryptedContentSize);
    expect(createHash("sha256").update(innerZip).digest("base64")).toBe(info.FileDigest);
    expect(innerZip.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
  });
});
