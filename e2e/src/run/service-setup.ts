// The service side of a scenario run: a mock Intune service in this process holding the scenario's
// users, groups, apps (with their packages) and assignments, set up the way an admin would — through
// importApp, which drives the service's own Graph and upload routes.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer, inProcessChannel, type MockIntuneServer } from "@imesim/mock-service";
import { userGroupId } from "../scenario/app-policy.ts";
import type { LoadedScenario } from "../scenario/index.ts";
import { publishApps, relateApps } from "./admin-setup.ts";
import { createTenantUsers } from "./tenant-users.ts";

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

/**
 * Starts a mock service for the scenario and imports every app; `dataDir` defaults to a fresh temp folder,
 * which the run removes at its end: the service is then told it is ephemeral (database in memory), since
 * nothing of it is read later.
 */
export async function startScenarioService(
  scenario: LoadedScenario,
  dataDir?: string,
): Promise<ScenarioService> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "imesim-run-"));
  // No faults while the admin side is set up, not even a plan an earlier run left in `dataDir`;
  // runScenario arms the scenario's own once the apps have their service ids.
  // The run is this service's only client: no enrollment limits, whatever the fleet's size (--devices).
  const server = await buildServer({
    dataDir: dir,
    ephemeral: dataDir === undefined,
    logger: false,
    faults: { rules: [] },
    enrollmentsPerMinute: 0,
    maxDevices: 0,
  });
  try {
    await createTenantUsers(server, scenario);
    createUserGroups(server, scenario);
    const appIds = await publishApps(server, scenario, server.intune.options.adminToken);
    // A loopback listener gives the service a real base URL for the URLs it writes; the run's devices reach
    // it through the agent's own HTTP client, dispatched into `inject` (inject-dispatcher.ts).
    const baseUrl = await server.listen({ port: 0, host: "127.0.0.1" });
    await relateApps(inProcessChannel(server), scenario, appIds);
    return { server, dataDir: dir, appIds, baseUrl };
  } catch (error) {
    await server.close();
    throw error;
  }
}
