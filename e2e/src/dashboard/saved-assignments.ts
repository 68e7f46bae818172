// A saved `imesim run --out` folder keeps its mock service's data in `service/` (run-scenario.ts): the apps'
// assignments there (groups, intents, filters) are what the portal's app pages list. Opened once, on the first
// request, and closed again; a folder without it (an agent's outputs, a fleet split over workers) falls back to
// the policies the devices received (portal-summary.ts).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { PortalAssignment } from "@imesim/dashboard/api";
import { buildServer } from "@imesim/mock-service";
import { storeAssignmentsOf } from "./portal-summary.ts";

/** A loader of the run's stored assignments, or undefined when the folder has no `service/` data. */
export function savedAssignments(dir: string): (() => Promise<Map<string, PortalAssignment[]>>) | undefined {
  const data = join(dir, "service");
  if (!existsSync(data)) return undefined;
  let loaded: Promise<Map<string, PortalAssignment[]>> | undefined;
  return () => {
    loaded ??= (async () => {
      const server = await buildServer({ dataDir: data });
      try {
        return storeAssignmentsOf(server);
      } finally {
        await server.close();
      }
    })();
    return loaded;
  };
}
