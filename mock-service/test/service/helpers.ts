import { createCipheriv, createHash, createHmac, randomBytes, randomUUID, webcrypto } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createSideCarSessionRequest,
  decodePolicyListPayload,
  encodeContentInfoPayload,
  type Win32AppResult,
} from "@imesim/contracts/gateway";
import type { DecodedImePolicy } from "@imesim/contracts/ime";
import { importPKCS8, SignJWT } from "jose";
import * as pkijs from "pkijs";
import { buildServer, type MockIntuneServer, type ServerOptions } from "../../src/index.ts";

/** A server on a fresh data folder; `close()` also removes the folder. */
export async function startServer(options: Partial<ServerOptions> = {}): Promise<{
  server: MockIntuneServer;
  dataDir: string;
  close: () => Promise<void>;
}> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "imesim-mock-"));
  const server = await buildServer({ ...options, dataDir });
  return {
    server,
    dataDir,
    close: async () => {
      await server.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The admin plane's Authorization header (contract A): the token the service made at start. */
export function adminHeaders(server: MockIntuneServer): { authorization: string } {
  return { authorization: `Bearer ${server.intune.options.adminToken}` };
}

/** An app-only Graph token from the client-credentials grant. */
export async function adminToken(server: MockIntuneServer): Promise<string> {
  const response = await server.inject({
    method: "POST",
    url: `/${server.intune.tokens.tenantId}/oauth2/v2.0/token`,
    payload: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "11111111-2222-3333-4444-555555555555",
      client_secret: "secret",
      scope: "https://graph.microsoft.com/.default",
    }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  if (response.statusCode !== 200) throw new Error(`token failed: ${response.body}`);
  return (response.json() as { access_token: string }).access_token;
}

/** What enrollment returns (the members the tests use). */
export interface Enrolled {
  deviceId: string;
  tenantId: string;
  certificate: string;
  privateKey: string;
  users: { id: string; userPrincipalName: string; displayName: string }[];
  tokenEndpoint: string;
}

/** Creates a tenant user through Graph (contract U) and returns its id. */
export async function createUser(
  server: MockIntuneServer,
  userPrincipalName: string,
  id?: string,
): Promise<string> {
  const response = await server.inject({
    method: "POST",
    url: "/beta/users",
    headers: { authorization: `Bearer ${await adminToken(server)}` },
    payload: { userPrincipalName, ...(id === undefined ? {} : { id }) },
  });
  if (response.statusCode !== 201) throw new Error(`create user failed: ${response.body}`);
  return (response.json() as { id: string }).id;
}

/** Enrolls a device with one user (made a tenant user first), the service making the key. */
export async function enroll(server: MockIntuneServer, name = "PC01"): Promise<Enrolled> {
  const userPrincipalName = `user-${name.toLowerCase()}@contoso.com`;
  if (server.intune.store.getUserByPrincipalName(userPrincipalName) === undefined)
    await createUser(server, userPrincipalName);
  const response = await server.inject({
    method: "POST",
    url: "/enrollment/devices",
    payload: { deviceName: name, users: [{ userPrincipalName }] },
  });
  if (response.statusCode !== 201) throw new Error(`enroll failed: ${response.body}`);
  return response.json() as Enrolled;
}

/** The RFC 7523 client assertion of the device grant, signed with the device key. */
export async function deviceAssertion(
  device: Enrolled,
  options: { userId?: string; audience?: string } = {},
): Promise<string> {
  const key = await importPKCS8(device.privateKey, "RS256");
  const der = Buffer.from(device.certificate.replace(/-----[^-]+-----|\s/g, ""), "base64");
  const thumbprint = Buffer.from(await webcrypto.subtle.digest("SHA-1", der)).toString("base64url");
  return new SignJWT(options.userId === undefined ? {} : { oid: options.userId })
    .setProtectedHeader({ alg: "RS256", x5t: thumbprint })
    .setIssuer(device.deviceId)
    .setSubject(device.deviceId)
    .setAudience(options.audience ?? device.tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(key);
}

/** A gateway token for the device (system context) or one of its users. */
export async function deviceToken(
  server: MockIntuneServer,
  device: Enrolled,
  userId?: string,
): Promise<string> {
  const response = await server.inject({
    method: "POST",
    url: `/${device.tenantId}/oauth2/v2.0/token`,
    payload: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "fc0f3af4-6835-4174-b806-f7db311fd2f3",
      scope: "26a4ae64-5862-427f-a9b0-044e62572a4f/.default",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: await deviceAssertion(device, userId === undefined ? {} : { userId }),
    }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  if (response.statusCode !== 200) throw new Error(`device token failed: ${response.body}`);
  return (response.json() as { access_token: string }).access_token;
}

/** Opens a DecryptInfo CMS envelope with the device's private key, as the IME does. */
export async function openEnvelope(device: Enrolled, base64: string): Promise<string> {
  pkijs.setEngine("test", new pkijs.CryptoEngine({ name: "test", crypto: webcrypto as unknown as Crypto }));
  const content = pkijs.ContentInfo.fromBER(new Uint8Array(Buffer.from(base64, "base64")));
  const enveloped = new pkijs.EnvelopedData({ schema: content.content });
  const certificate = pkijs.Certificate.fromBER(
    new Uint8Array(Buffer.from(device.certificate.replace(/-----[^-]+-----|\s/g, ""), "base64")),
  );
  const pkcs8 = Buffer.from(device.privateKey.replace(/-----[^-]+-----|\s/g, ""), "base64");
  const plain = await enveloped.decrypt(0, {
    recipientCertificate: certificate,
    recipientPrivateKey: new Uint8Array(pkcs8),
  });
  return Buffer.from(plain).toString("utf8");
}

/** Minimal win32LobApp create body, as IntuneWin32App sends it (graph-win32.md §1.9). */
export function sampleApp(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.win32LobApp",
    displayName: "7-Zip",
    description: "7-Zip",
    publisher: "Igor Pavlov",
    fileName: "7z2301-x64.intunewin",
    setupFilePath: "install.cmd",
    installCommandLine: "install.cmd",
    uninstallCommandLine: "uninstall.cmd",
    installExperience: { runAsAccount: "system", deviceRestartBehavior: "suppress", maxRunTimeInMinutes: 60 },
    minimumSupportedWindowsRelease: "2H20",
    applicableArchitectures: "x64,x86",
    runAs32bit: false,
    detectionRules: [
      {
        "@odata.type": "#microsoft.graph.win32LobAppFileSystemDetection",
        operator: "notConfigured",
        detectionValue: null,
        path: "C:\\Program Files\\7-Zip",
        fileOrFolderName: "7z.exe",
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
    ...overrides,
  };
}

/** Test content in the `.intunewin` inner-file layout (HMAC ‖ IV ‖ AES-256-CBC), with its Graph fileEncryptionInfo. */
export function encryptedContent(plain: Buffer): { bin: Buffer; info: Record<string, string> } {
  const key = randomBytes(32);
  const macKey = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const body = Buffer.concat([iv, cipher.update(plain), cipher.final()]);
  const mac = createHmac("sha256", macKey).update(body).digest();
  return {
    bin: Buffer.concat([mac, body]),
    info: {
      encryptionKey: key.toString("base64"),
      macKey: macKey.toString("base64"),
      initializationVector: iv.toString("base64"),
      mac: mac.toString("base64"),
      profileIdentifier: "ProfileVersion1",
      fileDigest: createHash("sha256").update(plain).digest("base64"),
      fileDigestAlgorithm: "SHA256",
    },
  };
}

/** Runs the upload flow of graph-win32.md §2.1 for one file; returns the file entity after commit. */
export async function uploadContent(
  app: MockIntuneServer,
  headers: { authorization: string },
  appId: string,
  content: { bin: Buffer; info: Record<string, string>; size: number },
  options: { blockSize?: number; publish?: boolean } = {},
): Promise<{ version: string; file: Record<string, unknown> }> {
  const base = `/beta/deviceAppManagement/mobileApps/${appId}/microsoft.graph.win32LobApp/contentVersions`;
  const version = (await app.inject({ method: "POST", url: base, payload: {}, headers })).json().id as string;
  const created = await app.inject({
    method: "POST",
    url: `${base}/${version}/files`,
    payload: {
      "@odata.type": "#microsoft.graph.mobileAppContentFile",
      name: "app.intunewin",
      size: content.size,
      sizeEncrypted: content.bin.length,
      manifest: null,
      isDependency: false,
    },
    headers,
  });
  const fileId = created.json().id as string;
  const fileUrl = `${base}/${version}/files/${fileId}`;
  let file = (await app.inject({ url: fileUrl, headers })).json();
  while (file.uploadState !== "azureStorageUriRequestSuccess")
    file = (await app.inject({ url: fileUrl, headers })).json();
  const sas = new URL(file.azureStorageUri as string);
  const blockSize = options.blockSize ?? 6 * 1024 * 1024;
  const ids: string[] = [];
  for (let offset = 0, index = 0; offset < content.bin.length; offset += blockSize, index += 1) {
    const id = Buffer.from(String(index).padStart(4, "0")).toString("base64");
    ids.push(id);
    const put = await app.inject({
      method: "PUT",
      url: `${sas.pathname}${sas.search}&comp=block&blockid=${id}`,
      payload: content.bin.subarray(offset, offset + blockSize),
      headers: { "content-type": "text/plain; charset=iso-8859-1", "x-ms-blob-type": "BlockBlob" },
    });
    if (put.statusCode !== 201) throw new Error(`block ${index}: ${put.statusCode} ${put.body}`);
  }
  const list = `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((id) => `<Latest>${id}</Latest>`).join("")}</BlockList>`;
  const finalized = await app.inject({
    method: "PUT",
    url: `${sas.pathname}${sas.search}&comp=blocklist`,
    payload: list,
    headers: { "content-type": "text/plain; charset=UTF-8" },
  });
  if (finalized.statusCode !== 201) throw new Error(`blocklist: ${finalized.statusCode} ${finalized.body}`);
  const commit = await app.inject({
    method: "POST",
    url: `${fileUrl}/commit`,
    payload: { fileEncryptionInfo: content.info },
    headers,
  });
  if (commit.statusCode !== 204) throw new Error(`commit: ${commit.statusCode} ${commit.body}`);
  file = (await app.inject({ url: fileUrl, headers })).json();
  while (file.uploadState === "commitFilePending")
    file = (await app.inject({ url: fileUrl, headers })).json();
  if (options.publish !== false && file.uploadState === "commitFileSuccess") {
    const patch = await app.inject({
      method: "PATCH",
      url: `/beta/deviceAppManagement/mobileApps/${appId}`,
      payload: { "@odata.type": "#microsoft.graph.win32LobApp", committedContentVersion: version },
      headers,
    });
    if (patch.statusCode !== 204) throw new Error(`publish: ${patch.statusCode} ${patch.body}`);
  }
  return { version, file };
}

/** A GetContentInfo RequestPayload for version 1 of an app, as the IME sends it for a required device app (ime.md §3.2). */
export function contentInfoRequest(appId: string, device?: { certificate: string }): string {
  return encodeContentInfoPayload({
    ApplicationId: appId,
    ApplicationVersion: 1,
    Intent: 3,
    CertificateBlob: device === undefined ? null : device.certificate.replace(/-----[^-]+-----|\s/g, ""),
    ContentInfo: null,
    SecondaryContentInfo: null,
    DecryptInfo: null,
    UploadLocation: null,
    TargetingMethod: 0,
    ErrorCode: null,
    TargetType: 2,
    InstallContext: 2,
    EspPhase: 2,
    ApplicationName: "app",
    AssignmentFilterIds: null,
    ManagedInstallerStatus: 1,
    ApplicationEnforcement: 0,
  });
}

/**
 * A published app: created through Graph, `content` (from encryptedContent, with its plain size) uploaded,
 * assigned as required to all devices. Returns the app's id.
 */
export async function publishRequiredApp(
  app: MockIntuneServer,
  headers: { authorization: string },
  content: { bin: Buffer; info: Record<string, string>; size: number },
  options: { displayName?: string; blockSize?: number } = {},
): Promise<string> {
  const created = await app.inject({
    method: "POST",
    url: "/beta/deviceAppManagement/mobileApps",
    payload: sampleApp(options.displayName === undefined ? {} : { displayName: options.displayName }),
    headers,
  });
  const appId = created.json().id as string;
  await uploadContent(
    app,
    headers,
    appId,
    content,
    options.blockSize === undefined ? {} : { blockSize: options.blockSize },
  );
  const assigned = await app.inject({
    method: "POST",
    url: `/beta/deviceAppManagement/mobileApps/${appId}/assign`,
    payload: {
      mobileAppAssignments: [
        { intent: "required", target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } },
      ],
    },
    headers,
  });
  if (assigned.statusCode !== 204) throw new Error(`assign failed: ${assigned.body}`);
  return appId;
}

/** A RequestApplication session as the IME sends it at check-in (ime.md §3.1), under `token`. */
export function requestApplications(server: MockIntuneServer, token: string) {
  const sessionId = randomUUID();
  return server.inject({
    method: "PUT",
    url: `/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.5`,
    payload: createSideCarSessionRequest({
      sessionId,
      requestContentType: "RequestApplication",
      requestPayload: "[]",
      clientInfo: null,
      checkinReason: "AgentRestart",
    }),
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  });
}

/** A new app with one new content version: the Graph URL of that version's files collection. */
export async function newContentVersion(
  server: MockIntuneServer,
  headers: { authorization: string },
): Promise<string> {
  const created = await server.inject({
    method: "POST",
    url: "/beta/deviceAppManagement/mobileApps",
    headers,
    payload: sampleApp(),
  });
  const versions = `/beta/deviceAppManagement/mobileApps/${created.json().id}/microsoft.graph.win32LobApp/contentVersions`;
  const version = (await server.inject({ method: "POST", url: versions, headers, payload: {} })).json()
    .id as string;
  return `${versions}/${version}/files`;
}

/** The `ResponsePayload` of the device's required app list (`RequestApplication`), as its check-in receives it. */
export async function requiredAppListPayload(app: MockIntuneServer, device: Enrolled): Promise<string> {
  const response = await requestApplications(app, await deviceToken(app, device));
  if (response.statusCode !== 200)
    throw new Error(`RequestApplication: ${response.statusCode} ${response.body}`);
  return response.json().ResponsePayload as string;
}

/** The device's required app list, decoded. */
export async function requiredAppList(app: MockIntuneServer, device: Enrolled): Promise<DecodedImePolicy[]> {
  return decodePolicyListPayload(await requiredAppListPayload(app, device));
}

/** A Win32AppResult for `appId` reporting it installed (EnforcementState 1000) in the system context; override what a test varies. */
export function installedResult(appId: string, overrides: Partial<Win32AppResult> = {}): Win32AppResult {
  return {
    ApplicationId: appId,
    ResultantAppState: 1,
    ReportingImpact: { DesiredState: 3, Classification: 2, ConflictReason: 0, ImpactingApps: [] },
    WriteableToStorage: true,
    CanGenerateComplianceState: true,
    CanGenerateEnforcementState: true,
    IsAppReportable: true,
    IsAppAggregatable: true,
    AvailableAppEnforcementFlag: 0,
    DesiredState: 2,
    DetectionState: 1,
    DetectionErrorOccurred: false,
    DetectionErrorCode: null,
    ApplicabilityState: 0,
    ApplicabilityErrorOccurred: false,
    ApplicabilityErrorCode: null,
    EnforcementState: 1000,
    EnforcementErrorCode: null,
    TargetingMethod: 0,
    TargetingType: 2,
    InstallContext: 2,
    Intent: 3,
    InternalVersion: 1,
    DetectedIdentityVersion: null,
    RemovalReason: null,
    UserId: "00000000-0000-0000-0000-000000000000",
    ComplianceStateMessage: null,
    EnforcementStateMessage: null,
    ...overrides,
  };
}
