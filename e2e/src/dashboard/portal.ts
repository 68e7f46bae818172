// The portal view built from devices' events: for every app a device's app lists named, the last
// EnforcementState and error code the IME recorded and its last applicability verdict, bucketed as the portal
// buckets them (portalStatusOf, ime.md §4.2 bands). Device-context state wins over a user's, as in the fleet
// summary (fleet-summary.ts).
import { DEVICE_USER_ID, type ImeEvent } from "@imesim/agent/events";
import type { PortalCell, PortalView } from "@imesim/dashboard/api";
import { portalStatusOf } from "../run/fleet-summary.ts";
import { errorHexOf, errorMeaningOf, stateNameOf } from "./error-meaning.ts";
import { appNamesOf } from "./event-view.ts";
import type { DashboardSource } from "./source.ts";

/** One device's input to the portal view. */
export interface PortalDevice {
  readonly deviceId: string;
  readonly deviceName: string;
  readonly events: readonly ImeEvent[];
}

interface AppState {
  userId: string;
  enforcementState: number | undefined;
  errorCode: number | undefined;
  applicability: number | undefined;
}

/** The cell of one app's last recorded state. */
export function portalCellOf(state: Omit<AppState, "userId"> | undefined): PortalCell {
  const status = portalStatusOf({
    appId: "",
    appName: "",
    userId: DEVICE_USER_ID,
    userName: undefined,
    version: 0,
    enforcementState: state?.enforcementState,
    errorCode: state?.errorCode,
    complianceState: undefined,
    applicability: state?.applicability,
  });
  return {
    // The fleet summary's two extra buckets (not targeted / not checked in) never reach a cell: such an app has none.
    status: status === "notTargeted" || status === "notCheckedIn" ? "notInstalled" : status,
    enforcementState: state?.enforcementState,
    stateName: stateNameOf(state?.enforcementState),
    errorHex: errorHexOf(state?.errorCode),
    errorMeaning: errorMeaningOf(state?.errorCode),
  };
}

/** Each app's last state on one device, keyed by lower-case app id. */
function statesOf(events: readonly ImeEvent[]): Map<string, AppState> {
  const states = new Map<string, AppState>();
  for (const event of events) {
    if (event.appId === undefined) continue;
    if (event.phase !== "state.enforcement" && event.phase !== "applicability.completed") continue;
    const key = event.appId.toLowerCase();
    const userId = event.userId ?? DEVICE_USER_ID;
    let state = states.get(key);
    // A user's state never overwrites the device's (the device context is what the portal's device row shows).
    if (state !== undefined && state.userId === DEVICE_USER_ID && userId !== DEVICE_USER_ID) continue;
    if (state === undefined || state.userId !== userId) {
      state = { userId, enforcementState: undefined, errorCode: undefined, applicability: undefined };
      states.set(key, state);
    }
    if (event.phase === "state.enforcement") {
      state.enforcementState = event.details.enforcementState;
      state.errorCode = event.details.errorCode;
    } else state.applicability = event.details.applicability;
  }
  return states;
}

/** Devices × apps with install status, EnforcementState names and error meanings. */
export function portalViewOf(devices: readonly PortalDevice[]): PortalView {
  const apps = new Map<string, string>();
  const rows = devices.map((device) => {
    const names = appNamesOf(device.events);
    for (const [id, name] of Object.entries(names)) apps.set(id, name);
    const states = statesOf(device.events);
    const cells: Record<string, PortalCell> = {};
    for (const id of Object.keys(names)) cells[id] = portalCellOf(states.get(id));
    return { deviceId: device.deviceId, deviceName: device.deviceName, cells };
  });
  return {
    apps: [...apps].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
    rows,
  };
}

/** A source's portal view: its own (the service's state, a saved run's) or built from its devices' events. */
export function portalOfSource(source: DashboardSource): PortalView {
  if (source.portal !== undefined) return source.portal();
  return portalViewOf(
    source.devices().map((device) => ({ ...device, events: source.events(device.deviceId) ?? [] })),
  );
}
