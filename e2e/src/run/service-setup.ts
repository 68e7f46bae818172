// The service side of a scenario run: a mock Intune service in this process holding the scenario's
// users, groups, apps (with their packages) and assignments, set up the way an admin would — through
// importApp, which drives the service's own Graph and upload routes.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ImesimError } from "@imesim/contracts/errors";
import { type DecodedImePolicy, encodePolicy } from "@imesim/contracts/ime";
import { buildServer, importApp, type MockIntuneServer } from "@imesim/mock-service";
import { analyzeCommand } from "../lint/index.ts";
import { graphAssignmentOf, userGroupId } from "../scenario/app-policy.ts";
import type { LoadedApp, LoadedScenario } from "../scenario/index.ts";
import { policyToGraphApp } from "../scenario/policy-to-graph.ts";
import { shortAppToGraph } from "../scenario/short-app.ts";

/** The running service and the ids it gave the scenario's apps. */
export interface ScenarioService {
  readonly server: MockIntuneServer;
  readonly dataDir: string;
  /** Scenario app name → the app id the service assigned. */
  readonly appIds: ReadonlyMap<string, string>;
  /** The service's base URL (a loopback listener): the URLs it hands out (token endpoint, content) carry it. */
  readonly baseUrl: string;
}

/**
 * The groups `user:<name>` targets assign to (`userGroupId`), one per scenario user holding that user,
 * created as an admin would before assigning. `allDevices` and `allUsers` need none: they are the
 * service's built-in targets.
 */
function createUserGroups(server: MockIntuneServer, scenario: LoadedScenario): void {
  const createdAt = new Date().toISOString();
  for (const user of scenario.users) {
    const groupId = userGroupId(user.name);
    server.intune.store.insertGroup(groupId, `imesim user ${user.name}`, createdAt);
    server.intune.store.addMember(groupId, user.objectId);
  }
}

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

/** Writes inline package files (or a one-file stand-in for an app without a package) to a folder to pack. */
function materialize(app: LoadedApp, setupFile: string, scratch: string): string {
  const folder = join(scratch, app.id);
  const files =
    app.package?.kind === "files"
      ? app.package.files
      : { [setupFile]: `stand-in for ${setupFile} (the scenario declared no package)` };
  for (const [name, content] of Object.entries(files)) {
    const path = join(folder, ...name.split(/[\\/]/));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return folder;
}

/**
 * Dependencies and supersedence as an admin sets them: one `updateRelationships` per app with its whole
 * set (graph-win32.md §1.8); the service carries them into the policies' FlatDependencies (ime.md §2.8).
 */
async function relateApps(
  server: MockIntuneServer,
  scenario: LoadedScenario,
  appIds: ReadonlyMap<string, string>,
): Promise<void> {
  const token = await server.intune.tokens.issueAdminToken("imesim-run", "https://graph.microsoft.com");
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
    const response = await server.inject({
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
  server: MockIntuneServer,
  name: string,
  appId: string,
  policy: DecodedImePolicy,
): Promise<void> {
  const response = await server.inject({
    method: "PUT",
    url: `/admin/apps/${appId}/imePolicy`,
    payload: encodePolicy(policy),
  });
  if (response.statusCode !== 204)
    throw new ImesimError(
      "SCENARIO_POLICY_REFUSED",
      `the service refused ${name}'s pasted policy: ${response.body.slice(0, 300)}`,
    );
}

/** Starts a mock service for the scenario and imports every app; `dataDir` defaults to a fresh temp folder. */
export async function startScenarioService(
  scenario: LoadedScenario,
  dataDir?: string,
): Promise<ScenarioService> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "imesim-run-"));
  // No faults while the admin side is set up, not even a plan an earlier run left in `dataDir`;
  // runScenario arms the scenario's own once the apps have their service ids.
  const server = await buildServer({ dataDir: dir, logger: false, faults: { rules: [] } });
  try {
    createUserGroups(server, scenario);
    const scratch = mkdtempSync(join(tmpdir(), "imesim-packages-"));
    const appIds = new Map<string, string>();
    for (const app of scenario.apps) {
      const body = graphBodyOf(app);
      const setupFile = setupFileOf(body);
      // Each assignment goes to its real target: the service keys assignments by app and id.
      const assignments = app.assignments.map((assignment) => graphAssignmentOf(assignment));
      const source =
        app.package?.kind === "intunewin"
          ? { intunewinPath: app.package.path }
          : {
              folder: {
                path:
                  app.package?.kind === "folder" ? app.package.path : materialize(app, setupFile, scratch),
                setupFile,
              },
            };
      const imported = await importApp(server, { graphApp: body, ...source, assignments, appId: app.id });
      appIds.set(app.name, imported.appId);
      if (app.pastedPolicy !== undefined)
        await overridePolicy(server, app.name, imported.appId, app.pastedPolicy);
    }
    // A loopback listener gives the service a real base URL for the URLs it writes; the run's devices reach
    // it through the agent's own HTTP client, dispatched into `inject` (inject-dispatcher.ts).
    const baseUrl = await server.listen({ port: 0, host: "127.0.0.1" });
    await relateApps(server, scenario, appIds);
    return { server, dataDir: dir, appIds, baseUrl };
  } catch (error) {
    await server.close();
    throw error;
  }
}
