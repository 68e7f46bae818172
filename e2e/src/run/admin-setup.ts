// What an admin does to publish a scenario's apps: create each app, upload its package, commit, assign
// (importApp), then the apps' relationships and any pasted policy. It talks to the service through an
// AdminChannel, so `imesim run` (in-process) and the compose runner (over HTTP) publish the same way.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImesimError } from "@imesim/contracts/errors";
import { type DecodedImePolicy, encodePolicy } from "@imesim/contracts/ime";
import {
  createDeflatePool,
  type DeflatePool,
  type PackedFiles,
  packFiles,
  packFolder,
} from "@imesim/contracts/intunewin";
import {
  type AdminChannel,
  type ImportAppRequest,
  importApp,
  inProcessChannel,
  type MockIntuneServer,
} from "@imesim/mock-service";
import { analyzeCommand } from "../lint/index.ts";
import { graphAssignmentOf } from "../scenario/app-policy.ts";
import type { LoadedApp, LoadedScenario } from "../scenario/index.ts";
import { policyToGraphApp } from "../scenario/policy-to-graph.ts";
import { shortAppToGraph } from "../scenario/short-app.ts";

/** The Graph body the admin would POST for a scenario app, whatever form the scenario used. */
export function graphBodyOf(app: LoadedApp): Record<string, unknown> {
  const { definition } = app;
  if (definition.graph !== undefined) return { ...definition.graph };
  if (definition.short !== undefined) {
    const setup = app.package?.kind === "files" ? app.package.setupFile : undefined;
    const { id: _id, ...body } = shortAppToGraph(app.name, app.id, definition.short, setup);
    return body;
  }
  if (app.pastedPolicy === undefined)
    throw new ImesimError("SCENARIO_APP_UNRESOLVED", `app ${app.name} has no definition`);
  const { id: _id, ...body } = policyToGraphApp(app.pastedPolicy, app.id);
  return body;
}

/** The setup file of a folder package: the Graph setupFilePath, else the first package file the install command names. */
function setupFileOf(body: Record<string, unknown>): string {
  if (typeof body.setupFilePath === "string" && body.setupFilePath !== "") return body.setupFilePath;
  const command = typeof body.installCommandLine === "string" ? body.installCommandLine : "";
  return analyzeCommand(command).packageFiles[0] ?? "install.cmd";
}

/**
 * An inline package (or a one-file stand-in for an app without a package) packed in memory, as packing the folder
 * its files would be written to packs it: a few KiB, so nothing is written, read back or removed.
 */
function packInline(app: LoadedApp, setupFile: string): Promise<PackedFiles> {
  const files =
    app.package?.kind === "files"
      ? app.package.files
      : { [setupFile]: `stand-in for ${setupFile} (the scenario declared no package)` };
  return packFiles({ files, setupFile });
}

/** Packs `folder` into `outputFolder` on a shared deflate pool; returns the .intunewin's path. */
async function packOnPool(
  folder: string,
  setupFile: string,
  outputFolder: string,
  pool: DeflatePool,
): Promise<string> {
  mkdirSync(outputFolder, { recursive: true });
  return (await packFolder({ sourceFolder: folder, setupFile, outputFolder, pool })).outputPath;
}

/**
 * Dependencies and supersedence as an admin sets them: one `updateRelationships` per app with its whole
 * set (graph-win32.md §1.8); the service carries them into the policies' FlatDependencies (ime.md §2.8).
 */
export async function relateApps(
  channel: AdminChannel,
  scenario: LoadedScenario,
  appIds: ReadonlyMap<string, string>,
): Promise<void> {
  const token = await channel.graphToken();
  for (const app of scenario.apps) {
    const { dependencies = [], supersedes = [] } = app.definition;
    if (dependencies.length === 0 && supersedes.length === 0) continue;
    const relationships = [
      ...dependencies.map((dependency) => ({
        "@odata.type": "#microsoft.graph.mobileAppDependency",
        dependencyType: dependency.autoInstall === false ? "detect" : "autoInstall",
        targetId: appIds.get(dependency.app),
      })),
      ...supersedes.map((superseded) => ({
        "@odata.type": "#microsoft.graph.mobileAppSupersedence",
        supersedenceType: superseded.type,
        targetId: appIds.get(superseded.app),
      })),
    ];
    const response = await channel.send({
      method: "POST",
      url: `/beta/deviceAppManagement/mobileApps/${appIds.get(app.name)}/updateRelationships`,
      headers: { authorization: `Bearer ${token}` },
      payload: { relationships },
    });
    if (response.statusCode !== 204)
      throw new ImesimError(
        "SCENARIO_RELATIONSHIPS_REFUSED",
        `the service refused ${app.name}'s relationships: ${response.body.slice(0, 300)}`,
      );
  }
}

/**
 * A pasted policy reaches the device as pasted: Graph cannot carry all of it (MaxRetries, a null
 * RequiredOSArchitecture, an exact MinimumWindows10BuildNumer), so the app's Graph record only holds its
 * content, and the mock's per-app policy override serves the policy itself (the assignment still decides who
 * gets it and with which intent).
 */
async function overridePolicy(
  channel: AdminChannel,
  adminToken: string | undefined,
  name: string,
  appId: string,
  policy: DecodedImePolicy,
): Promise<void> {
  const response = await channel.send({
    method: "PUT",
    url: `/admin/apps/${appId}/imePolicy`,
    payload: encodePolicy(policy),
    ...(adminToken === undefined ? {} : { headers: { authorization: `Bearer ${adminToken}` } }),
  });
  if (response.statusCode !== 204)
    throw new ImesimError(
      "SCENARIO_POLICY_REFUSED",
      `the service refused ${name}'s pasted policy: ${response.body.slice(0, 300)}`,
    );
}

/**
 * Publishes every app of the scenario to `target` and returns the ids the service gave them by app name;
 * `adminToken` goes with the mock's own admin calls (a pasted policy's override). A service in this process
 * keeps the scenario's app ids (reproducible registry keys and paths); over HTTP, Graph's create chooses them.
 */
export async function publishApps(
  target: MockIntuneServer | AdminChannel,
  scenario: LoadedScenario,
  adminToken?: string,
): Promise<Map<string, string>> {
  const inProcess = "intune" in target;
  const channel = inProcess ? inProcessChannel(target) : target;
  const appIds = new Map<string, string>();
  // A folder package is packed to disk (a scratch folder) on one deflate pool shared by every such app: starting
  // its worker costs far more than packing a small folder.
  let scratch: string | undefined;
  let pool: DeflatePool | undefined;
  try {
    for (const app of scenario.apps) {
      const body = graphBodyOf(app);
      const setupFile = setupFileOf(body);
      // Each assignment goes to its real target: the service keys assignments by app and id.
      const assignments = app.assignments.map((assignment) => graphAssignmentOf(assignment));
      // What importApp would do with the folder (IntuneWinAppUtil's pack).
      let packed: string | undefined;
      let intunewin: Pick<ImportAppRequest, "intunewin" | "intunewinPath">;
      if (app.package?.kind === "intunewin") intunewin = { intunewinPath: app.package.path };
      else if (app.package?.kind === "folder") {
        scratch ??= mkdtempSync(join(tmpdir(), "imesim-packages-"));
        pool ??= createDeflatePool();
        packed = join(scratch, `${app.id}.packed`);
        intunewin = { intunewinPath: await packOnPool(app.package.path, setupFile, packed, pool) };
      } else intunewin = { intunewin: await packInline(app, setupFile) };
      const imported = await importApp(target, {
        graphApp: body,
        ...intunewin,
        assignments,
        ...(inProcess ? { appId: app.id } : {}),
      });
      if (packed !== undefined) rmSync(packed, { recursive: true, force: true });
      appIds.set(app.name, imported.appId);
      if (app.pastedPolicy !== undefined)
        await overridePolicy(channel, adminToken, app.name, imported.appId, app.pastedPolicy);
    }
    return appIds;
  } finally {
    await pool?.close();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}
