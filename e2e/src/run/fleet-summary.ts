// The portal's per-app view of a fleet (graph-win32.md §4.1 installSummary): how many devices have the
// app installed, failed, pending, not applicable or not installed, and which error codes the failures show.
// The portal lists only devices the app was sent to; a fleet run also says where it never arrived: devices
// that received an app list without it (not targeted) and devices that never received one (not checked in).
import type { ImeEvent } from "@imesim/agent/events";
import { formatHex } from "@imesim/contracts/enums";
import type { AppFinalState, DeviceRun } from "./result.ts";

export type PortalStatus =
  | "installed"
  | "failed"
  | "pending"
  | "notApplicable"
  | "notInstalled"
  | "notTargeted"
  | "notCheckedIn";

export interface AppFleetSummary {
  readonly appName: string;
  readonly counts: Readonly<Record<PortalStatus, number>>;
  /** `0x87D1041C` → number of devices. */
  readonly errorCodes: Readonly<Record<string, number>>;
}

/** An app of the scenario: its service id and its name. */
export interface FleetApp {
  readonly id: string;
  readonly name: string;
}

/** The app ids (lower case) of every app list a device received; undefined when it never received one. */
export function receivedAppIds(events: readonly ImeEvent[]): Set<string> | undefined {
  let ids: Set<string> | undefined;
  for (const event of events) {
    if (event.phase !== "apps.received") continue;
    ids ??= new Set();
    for (const id of listedAppIds(event.details.policiesJson)) ids.add(id);
  }
  return ids;
}

// The last app list read and its ids: a fleet's devices receive the same list text at each check-in, and
// devices alike receive the same text, so each list was parsed again for ids it already gave (issue 18: 899 of a
// shard's 900 lists were the text just read). The ids follow from the text alone.
let lastList: { readonly text: string; readonly ids: readonly string[] } | undefined;

/** The ids (lower case) of the apps one app list's JSON names, in its order. */
function listedAppIds(text: string): readonly string[] {
  if (lastList?.text === text) return lastList.ids;
  const ids: string[] = [];
  const policies: unknown = JSON.parse(text);
  if (Array.isArray(policies)) {
    for (const policy of policies) {
      const id = (policy as { Id?: unknown }).Id;
      if (typeof id === "string") ids.push(id.toLowerCase());
    }
  }
  lastList = { text, ids };
  return ids;
}

/** The portal bucket of one app state, by the EnforcementState bands of ime.md §4.2. */
export function portalStatusOf(state: AppFinalState): PortalStatus {
  const enforcement = state.enforcementState;
  if (state.applicability !== undefined && state.applicability !== 0) return "notApplicable";
  if (enforcement === undefined) return "pending";
  if (enforcement >= 1000 && enforcement < 2000) return "installed";
  if (enforcement >= 2000 && enforcement < 3000) return "pending";
  if (enforcement >= 3000 && enforcement < 4000) return "notApplicable";
  if (enforcement >= 5000 && enforcement < 6000) return "failed";
  return "notInstalled";
}

/**
 * Counts each app's devices per portal status, using the device-context state (or the first user's). An app
 * with no state on a device is pending when the device's app list named it, not targeted when its app lists
 * did not, and not checked in when the device never received one.
 */
export function fleetSummary(apps: readonly FleetApp[], devices: readonly DeviceRun[]): AppFleetSummary[] {
  const received = devices.map((device) =>
    device.receivedApps === undefined
      ? receivedAppIds(device.outcome.events)
      : device.receivedApps === null
        ? undefined
        : new Set(device.receivedApps),
  );
  return apps.map((app) => {
    const counts: Record<PortalStatus, number> = {
      installed: 0,
      failed: 0,
      pending: 0,
      notApplicable: 0,
      notInstalled: 0,
      notTargeted: 0,
      notCheckedIn: 0,
    };
    const errorCodes: Record<string, number> = {};
    devices.forEach((device, index) => {
      const state = device.finalStates.find((candidate) => candidate.appName === app.name);
      const ids = received[index];
      const status =
        state !== undefined
          ? portalStatusOf(state)
          : ids === undefined
            ? "notCheckedIn"
            : ids.has(app.id.toLowerCase())
              ? "pending"
              : "notTargeted";
      counts[status] += 1;
      if (status === "failed" && state?.errorCode !== undefined && state.errorCode !== 0) {
        const code = formatHex(state.errorCode);
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      }
    });
    return { appName: app.name, counts, errorCodes };
  });
}

// The table's columns: the portal's five statuses, then where the app never arrived.
const COLUMNS: ReadonlyArray<readonly [PortalStatus, string]> = [
  ["installed", "installed"],
  ["failed", "failed"],
  ["pending", "pending"],
  ["notApplicable", "not applicable"],
  ["notInstalled", "not installed"],
  ["notTargeted", "not targeted"],
  ["notCheckedIn", "not checked in"],
];

/** The fleet summary as a table. */
export function formatFleetSummary(summaries: readonly AppFleetSummary[], deviceCount: number): string {
  const width = Math.max(4, ...summaries.map((summary) => summary.appName.length));
  const header = `${"app".padEnd(width)}  ${COLUMNS.map(([, title]) => title).join("  ")}`;
  const rows = summaries.map((summary) => {
    const codes = Object.entries(summary.errorCodes)
      .sort((a, b) => b[1] - a[1])
      .map(([code, count]) => `${code} ×${count}`)
      .join(", ");
    const cells = COLUMNS.map(([status, title]) => String(summary.counts[status]).padStart(title.length));
    return `${summary.appName.padEnd(width)}  ${cells.join("  ")}${codes === "" ? "" : `   errors: ${codes}`}`;
  });
  return [`Fleet of ${deviceCount} devices:`, header, ...rows].join("\n");
}
