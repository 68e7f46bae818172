import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImesimError } from "@imesim/contracts/errors";
import { packFolder, readPackage } from "@imesim/contracts/intunewin";
import type { InjectOptions } from "fastify";
import { appFromCreateBody } from "./graph/app-model.ts";
import type { MockIntuneServer } from "./server.ts";

/** What to import: the Graph app, its package (a `.intunewin`, or a folder to pack), and its assignments. */
export interface ImportAppRequest {
  /** The win32LobApp as an admin would POST it; `fileName` and `setupFilePath` default from the package. */
  readonly graphApp: Record<string, unknown>;
  /** A `.intunewin` file made by IntuneWinAppUtil or the contracts codec. */
  readonly intunewinPath?: string;
  /** Or a `.intunewin` in memory (the contracts' packFiles) with the name its file would have. */
  readonly intunewin?: { readonly bytes: Uint8Array; readonly fileName: string };
  /** Or a source folder, packed with the contracts codec (`setupFile` relative to it). */
  readonly folder?: { readonly path: string; readonly setupFile: string };
  /** mobileAppAssignment bodies (Graph JSON), e.g. `{intent:"required", target:{"@odata.type":"#microsoft.graph.allDevicesAssignmentTarget"}}`. */
  readonly assignments?: readonly Record<string, unknown>[];
  /**
   * The app's id, for a caller that must reproduce one (a scenario naming its app's registry keys). Graph's
   * create ignores client ids, so the app record is then written to the store as the create route would.
   */
  readonly appId?: string;
}

/** One answer of an AdminChannel: what importApp reads of a response. */
export interface ChannelResponse {
  readonly statusCode: number;
  readonly body: string;
  json(): Record<string, unknown>;
}

/**
 * A service importApp can drive: this process's server (through `inject`), or a running one over HTTP, as
 * the compose runner does — the same requests either way, so both get every validation the routes make.
 */
export interface AdminChannel {
  /** Sends one request, described as Fastify's `inject` takes it (method, url, headers, payload). */
  send(options: InjectOptions): Promise<ChannelResponse>;
  /** A Graph bearer token with the app-management roles. */
  graphToken(): Promise<string>;
}

/** The channel to a server in this process. */
export function inProcessChannel(server: MockIntuneServer): AdminChannel {
  return {
    send: (options) => server.inject(options),
    graphToken: () => server.intune.tokens.issueAdminToken("imesim-import", "https://graph.microsoft.com"),
  };
}

/** The imported app's ids. */
export interface ImportedApp {
  readonly appId: string;
  readonly contentVersion: string;
  readonly fileId: string;
}

type Call = (step: string, options: InjectOptions, expected: number) => Promise<{ json(): unknown }>;

/** Creates the app through Graph's POST, which chooses its id. */
async function createApp(call: Call, body: Record<string, unknown>, headers: Record<string, string>) {
  const created = await call(
    "create app",
    { method: "POST", url: "/beta/deviceAppManagement/mobileApps", payload: body, headers },
    201,
  );
  return (created.json() as { id: string }).id;
}

/** Block size of the upload, as IntuneWin32App sends it (graph-win32.md §2.4). */
const blockBytes = 6 * 1024 * 1024;

/**
 * One call that does what an admin's upload script does, through the service's own Graph and
 * blob routes (so every validation applies): create the app, upload the package's encrypted
 * content in 6 MiB blocks, commit it with Detection.xml's keys, publish, and assign. Throws
 * ImesimError `IMPORT_FAILED` naming the step that the service refused.
 */
export async function importApp(
  target: MockIntuneServer | AdminChannel,
  request: ImportAppRequest,
): Promise<ImportedApp> {
  const channel = "intune" in target ? inProcessChannel(target) : target;
  const server = "intune" in target ? target : undefined;
  let packedFolder: string | undefined;
  let source: string | { readonly bytes: Uint8Array; readonly fileName: string } | undefined =
    request.intunewinPath ?? request.intunewin;
  if (source === undefined) {
    if (request.folder === undefined) {
      throw new ImesimError("IMPORT_NO_PACKAGE", "importApp needs intunewinPath, intunewin or folder.", {
        path: "intunewinPath",
      });
    }
    packedFolder = await mkdtemp(join(tmpdir(), "imesim-import-"));
    source = (
      await packFolder({
        sourceFolder: request.folder.path,
        setupFile: request.folder.setupFile,
        outputFolder: packedFolder,
      })
    ).outputPath;
  }
  const intunewin =
    typeof source === "string" ? await readPackage(source) : await readPackage(source.bytes, source.fileName);
  try {
    const detection = intunewin.detection;
    const token = await channel.graphToken();
    const headers = { authorization: `Bearer ${token}` };
    const call = async (step: string, options: InjectOptions, expected: number) => {
      const response = await channel.send(options);
      if (response.statusCode !== expected) {
        throw new ImesimError(
          "IMPORT_FAILED",
          `importApp: ${step} was refused (${response.statusCode}): ${response.body}`,
          {
            path: step,
          },
        );
      }
      return response;
    };

    const body = {
      fileName: intunewin.name.split(/[\\/]/).pop() ?? "package.intunewin",
      setupFilePath: detection.SetupFile,
      ...request.graphApp,
    };
    if (request.appId !== undefined && server === undefined)
      throw new ImesimError(
        "IMPORT_APP_ID_NEEDS_SERVER",
        `importApp: app id ${request.appId} can be kept only in this process's service; Graph's create over HTTP chooses its own.`,
        { path: "appId" },
      );
    const appId = request.appId ?? (await createApp(call, body, headers));
    if (request.appId !== undefined && server !== undefined) {
      const now = new Date().toISOString();
      server.intune.store.insertApp({
        id: appId,
        body: appFromCreateBody(body),
        createdAt: now,
        modifiedAt: now,
      });
    }
    const versions = `/beta/deviceAppManagement/mobileApps/${appId}/microsoft.graph.win32LobApp/contentVersions`;
    const contentVersion = (
      await call("content version", { method: "POST", url: versions, payload: {}, headers }, 201)
    ).json().id as string;
    const fileUrl = `${versions}/${contentVersion}/files`;
    const file = await call(
      "file",
      {
        method: "POST",
        url: fileUrl,
        payload: {
          "@odata.type": "#microsoft.graph.mobileAppContentFile",
          name: body.fileName,
          size: detection.UnencryptedContentSize,
          sizeEncrypted: intunewin.contentEntry.uncompressedSize,
          manifest: null,
          isDependency: false,
        },
        headers,
      },
      201,
    );
    const fileId = file.json().id as string;
    let state = file.json() as { azureStorageUri: string | null };
    while (state.azureStorageUri === null) {
      state = (await call("poll upload URL", { url: `${fileUrl}/${fileId}`, headers }, 200)).json() as {
        azureStorageUri: string | null;
      };
    }
    const sas = new URL(state.azureStorageUri);
    const target = `${sas.pathname}${sas.search}`;
    const blockIds: string[] = [];
    for await (const block of inBlocks(intunewin.contentChunks(), blockBytes)) {
      const id = Buffer.from(String(blockIds.length).padStart(4, "0")).toString("base64");
      blockIds.push(id);
      await call(
        "put block",
        {
          method: "PUT",
          url: `${target}&comp=block&blockid=${id}`,
          payload: block,
          headers: { "content-type": "application/octet-stream" },
        },
        201,
      );
    }
    const list = `<?xml version="1.0" encoding="utf-8"?><BlockList>${blockIds.map((id) => `<Latest>${id}</Latest>`).join("")}</BlockList>`;
    await call(
      "put block list",
      {
        method: "PUT",
        url: `${target}&comp=blocklist`,
        payload: list,
        headers: { "content-type": "text/plain" },
      },
      201,
    );
    const info = detection.EncryptionInfo;
    await call(
      "commit",
      {
        method: "POST",
        url: `${fileUrl}/${fileId}/commit`,
        payload: {
          fileEncryptionInfo: {
            encryptionKey: info.EncryptionKey,
            macKey: info.MacKey,
            initializationVector: info.InitializationVector,
            mac: info.Mac,
            profileIdentifier: info.ProfileIdentifier,
            fileDigest: info.FileDigest,
            fileDigestAlgorithm: info.FileDigestAlgorithm,
          },
        },
        headers,
      },
      204,
    );
    let committed = (await call("poll commit", { url: `${fileUrl}/${fileId}`, headers }, 200)).json();
    while (committed.uploadState === "commitFilePending") {
      committed = (await call("poll commit", { url: `${fileUrl}/${fileId}`, headers }, 200)).json();
    }
    if (committed.uploadState !== "commitFileSuccess") {
      throw new ImesimError(
        "IMPORT_FAILED",
        `importApp: the commit failed: ${committed["@imesim.failureReason"] ?? committed.uploadState}`,
        {
          path: "commit",
        },
      );
    }
    await call(
      "publish",
      {
        method: "PATCH",
        url: `/beta/deviceAppManagement/mobileApps/${appId}`,
        payload: { "@odata.type": "#microsoft.graph.win32LobApp", committedContentVersion: contentVersion },
        headers,
      },
      204,
    );
    if (request.assignments !== undefined && request.assignments.length > 0) {
      await call(
        "assign",
        {
          method: "POST",
          url: `/beta/deviceAppManagement/mobileApps/${appId}/assign`,
          payload: { mobileAppAssignments: request.assignments },
          headers,
        },
        204,
      );
    }
    return { appId, contentVersion, fileId };
  } finally {
    await intunewin.close();
    if (packedFolder !== undefined) await rm(packedFolder, { recursive: true, force: true });
  }
}

/** Regroups a byte stream into blocks of exactly `size` bytes (the last one shorter). */
async function* inBlocks(chunks: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    let rest = chunk;
    while (pendingBytes + rest.length >= size) {
      const take = size - pendingBytes;
      pending.push(rest.subarray(0, take));
      yield Buffer.concat(pending);
      rest = rest.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (rest.length > 0) {
      pending.push(rest);
      pendingBytes += rest.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}
