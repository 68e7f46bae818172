// `imesim serve`'s /ui: the mock service's own state as a dashboard source. It has no agent events, only what
// the devices reported (the Win32AppResult of each app, stored as Graph's deviceStatuses, graph-win32.md §4.1)
// and the apps their admins published, so it offers the portal view; timeline and logs need the agent's outputs.
import type { PortalCell, PortalView } from "@imesim/dashboard/api";
import type { MockIntuneServer } from "@imesim/mock-service";
import { errorHexOf, errorMeaningOf, stateNameOf } from "./error-meaning.ts";
import { storeAssignmentsOf } from "./portal-summary.ts";
import type { DashboardSource } from "./source.ts";

/** Graph's installState word → the portal bucket (graph-win32.md §4.1). */
const BUCKETS: Readonly<Record<string, PortalCell["status"]>> = {
  installed: "installed",
  failed: "failed",
  uninstallFailed: "failed",
  pendingInstall: "pending",
  notApplicable: "notApplicable",
  notInstalled: "notInstalled",
  unknown: "pending",
};

/** The portal cell of one stored device status. */
export function serviceCellOf(status: {
  readonly installState: string;
  readonly errorCode: number;
  readonly report: Readonly<Record<string, unknown>>;
}): PortalCell {
  const state = status.report.EnforcementState;
  const enforcementState = typeof state === "number" ? state : undefined;
  return {
    status: BUCKETS[status.installState] ?? "pending",
    enforcementState,
    stateName: stateNameOf(enforcementState),
    errorHex: errorHexOf(status.errorCode),
    errorMeaning: errorMeaningOf(status.errorCode),
  };
}

/** The service's portal: every device that enrolled × every app, the last status each device reported. */
export function servicePortalOf(server: MockIntuneServer): PortalView {
  const store = server.intune.store;
  const apps = store.listApps().map((app) => ({
    id: app.id.toLowerCase(),
    name: String((app.body as { displayName?: unknown }).displayName ?? app.id),
  }));
  const rows = new Map(
    store
      .listDevices()
      .map((device) => [
        device.id.toLowerCase(),
        { deviceId: device.id, deviceName: device.name, cells: {} as Record<string, PortalCell> },
      ]),
  );
  for (const app of apps) {
    for (const status of store.listStatuses(app.id)) {
      const row = rows.get(status.deviceId.toLowerCase());
      // listStatuses is oldest first: the last one a device reported wins.
      if (row !== undefined) row.cells[app.id] = serviceCellOf(status);
    }
  }
  return { apps: apps.sort((a, b) => a.name.localeCompare(b.name)), rows: [...rows.values()] };
}

/** The mock service's state as a dashboard source (portal only). */
export function createServiceSource(server: MockIntuneServer): DashboardSource {
  return {
    mode: "service",
    title: "mock Intune service",
    devices: () =>
      server.intune.store
        .listDevices()
        .map((device) => ({ deviceId: device.id, deviceName: device.name, eventCount: 0 })),
    // The service holds no agent events and no device logs: those views need `imesim ui` or `run --ui`.
    events: () => undefined,
    logs: () => undefined,
    portal: () => servicePortalOf(server),
    assignments: () => storeAssignmentsOf(server),
  };
}
