// The portal's per-app summary (Intune's app install status page): how many devices are installed / failed /
// pending / not installed / not applicable for each app, and the app's assignments. Assignments come from the
// service's store when the source has one (`imesim serve`: the admin's groups, intents and filters,
// graph-win32.md §3.1), otherwise from the policies the devices received (their Intent and TargetType, ime.md
// §2.2, and the filter verdict the service sent with them, ime.md §7.6).
import type { ImeEvent } from "@imesim/agent/events";
import { Intent, nameOf, TargetType } from "@imesim/contracts/enums";
import type {
  PortalAppSummary,
  PortalApps,
  PortalAssignment,
  PortalCounts,
  PortalStatus,
  PortalView,
} from "@imesim/dashboard/api";
import type { MockIntuneServer } from "@imesim/mock-service";

const NO_COUNTS: PortalCounts = { installed: 0, failed: 0, pending: 0, notInstalled: 0, notApplicable: 0 };

/** Per app (lower-case id): devices per status. A device the app was never targeted at is in no bucket. */
export function portalCountsOf(view: PortalView): Map<string, PortalCounts> {
  const counts = new Map<string, Record<PortalStatus, number>>(
    view.apps.map((app) => [app.id, { ...NO_COUNTS }]),
  );
  for (const row of view.rows)
    for (const [appId, cell] of Object.entries(row.cells)) {
      const app = counts.get(appId);
      if (app !== undefined) app[cell.status] += 1;
    }
  return counts;
}

/** Every app's counts and assignments. */
export function portalAppsOf(
  view: PortalView,
  assignments: { from: PortalApps["assignmentsFrom"]; byApp: ReadonlyMap<string, PortalAssignment[]> },
): PortalApps {
  const counts = portalCountsOf(view);
  const apps: PortalAppSummary[] = view.apps.map((app) => ({
    id: app.id,
    name: app.name,
    counts: counts.get(app.id) ?? NO_COUNTS,
    assignments: assignments.byApp.get(app.id) ?? [],
  }));
  return { deviceCount: view.rows.length, assignmentsFrom: assignments.from, apps };
}

/** Graph's target `@odata.type` → the word the page shows. */
function targetWord(type: unknown): string {
  switch (type) {
    case "#microsoft.graph.allDevicesAssignmentTarget":
      return "all devices";
    case "#microsoft.graph.allLicensedUsersAssignmentTarget":
      return "all users";
    case "#microsoft.graph.exclusionGroupAssignmentTarget":
      return "excluded group";
    default:
      return "group";
  }
}

/** The service's assignments per app (lower-case id), groups and filters by name (graph-win32.md §3.1). */
export function storeAssignmentsOf(server: MockIntuneServer): Map<string, PortalAssignment[]> {
  const store = server.intune.store;
  const groups = new Map(store.listGroups().map((group) => [group.id.toLowerCase(), group.displayName]));
  const filters = new Map(
    store
      .listAssignmentFilters()
      .map((filter) => [filter.id.toLowerCase(), String(filter.body.displayName ?? filter.id)]),
  );
  const byApp = new Map<string, PortalAssignment[]>();
  for (const assignment of store.listAllAssignments()) {
    const target = (assignment.body.target ?? {}) as Record<string, unknown>;
    const groupId = typeof target.groupId === "string" ? target.groupId : undefined;
    const filterId = target.deviceAndAppManagementAssignmentFilterId;
    const filterMode = String(target.deviceAndAppManagementAssignmentFilterType ?? "none");
    const entry: PortalAssignment = {
      target: targetWord(target["@odata.type"]),
      ...(groupId === undefined ? {} : { group: groups.get(groupId.toLowerCase()) ?? groupId }),
      intent: String(assignment.body.intent ?? "?"),
      ...(typeof filterId === "string" && filterMode !== "none"
        ? { filter: filters.get(filterId.toLowerCase()) ?? filterId, filterMode }
        : {}),
    };
    const key = assignment.appId.toLowerCase();
    byApp.set(key, [...(byApp.get(key) ?? []), entry]);
  }
  return byApp;
}

/**
 * Assignments as the devices saw them, when no service store is at hand: each app's policy Intent and
 * TargetType, whether the service's filter verdict left the device out (1010), and how many devices got it so.
 */
export function policyAssignmentsOf(
  devices: readonly { readonly events: readonly ImeEvent[] }[],
): Map<string, PortalAssignment[]> {
  const tally = new Map<string, Map<string, { entry: Omit<PortalAssignment, "devices">; devices: number }>>();
  for (const device of devices) {
    // The last app list a device received is what it is assigned now.
    const last = device.events.findLast((event) => event.phase === "apps.received");
    if (last?.phase !== "apps.received") continue;
    const policies: unknown = JSON.parse(last.details.policiesJson);
    if (!Array.isArray(policies)) continue;
    for (const policy of policies as Record<string, unknown>[]) {
      if (typeof policy.Id !== "string") continue;
      const intent = nameOf(Intent, Number(policy.Intent)) ?? `Intent ${String(policy.Intent)}`;
      const targetType =
        nameOf(TargetType, Number(policy.TargetType)) ?? `TargetType ${String(policy.TargetType)}`;
      const filtered = policy.AppApplicabilityStateDueToAssginmentFilters === 1010;
      const filterIds = Array.isArray(policy.AssignmentFilterIds)
        ? (policy.AssignmentFilterIds as string[])
        : [];
      const entry: Omit<PortalAssignment, "devices"> = {
        target: `policy, ${targetType} targeted`,
        intent,
        ...(filterIds.length > 0 || filtered
          ? {
              filter: filterIds.join(", ") || "assignment filter",
              filterMode: filtered ? "left out (1010)" : "matched",
            }
          : {}),
      };
      const key = JSON.stringify(entry);
      const app = tally.get(policy.Id.toLowerCase()) ?? new Map();
      tally.set(policy.Id.toLowerCase(), app);
      const seen = app.get(key) ?? { entry, devices: 0 };
      seen.devices += 1;
      app.set(key, seen);
    }
  }
  return new Map(
    [...tally].map(([appId, entries]) => [
      appId,
      [...entries.values()].map(({ entry, devices }) => ({ ...entry, devices })),
    ]),
  );
}
