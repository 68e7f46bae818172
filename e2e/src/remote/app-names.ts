// An agent that runs against a service learns its apps from the policies it receives: the service chose
// their ids, the admin chose their names. The timeline, timed actions and expectations name apps, so the
// agent keeps the names the IME's own policy list carries (Id and Name, ime.md §2).
import type { ImeEvent } from "@imesim/agent/events";
import type { LoadedScenario } from "../scenario/index.ts";

/** App names by id (lower case), as the service's policies gave them. */
export interface AppNames {
  /** Reads the policies of an `apps.received` event; other events are ignored. */
  learn(event: ImeEvent): void;
  /** The name of an app id, or the id when no policy named it yet. */
  nameOf(id: string | undefined): string;
  /** The scenario with each app's id replaced by the id the service gave the app of that name. */
  withServiceIds(scenario: LoadedScenario): LoadedScenario;
}

function policiesOf(json: string): Array<{ id: string; name: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((policy: unknown) => {
    if (typeof policy !== "object" || policy === null) return [];
    const { Id, Name } = policy as { Id?: unknown; Name?: unknown };
    return typeof Id === "string" && typeof Name === "string" ? [{ id: Id, name: Name }] : [];
  });
}

/** An empty name book that fills as policies arrive. */
export function createAppNames(): AppNames {
  const names = new Map<string, string>();
  const ids = new Map<string, string>();
  return {
    learn(event) {
      if (event.phase !== "apps.received") return;
      for (const policy of policiesOf(event.details.policiesJson)) {
        names.set(policy.id.toLowerCase(), policy.name);
        ids.set(policy.name, policy.id);
      }
    },
    nameOf: (id) => (id === undefined ? "" : (names.get(id.toLowerCase()) ?? id)),
    withServiceIds: (scenario) => ({
      ...scenario,
      apps: scenario.apps.map((app) => ({ ...app, id: ids.get(app.name) ?? app.id })),
    }),
  };
}
