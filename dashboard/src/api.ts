// Fetches from the dashboard's JSON API (e2e/src/dashboard/routes.ts), relative to the page so /ui/ can move.
import type {
  ClockState,
  DeviceEvents,
  DeviceOperations,
  DownloadsView,
  EventLines,
  FoldersView,
  LogFileView,
  PortalApps,
  PortalView,
  RegistryView,
  RunInfo,
} from "./api-types.ts";

export async function get<T>(path: string): Promise<T> {
  const response = await fetch(`api/${path}`);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `${path}: HTTP ${response.status}`);
  }
  return (await response.json()) as T;
}

const device = (id: string) => `devices/${encodeURIComponent(id)}`;

export const api = {
  run: () => get<RunInfo>("run"),
  events: (deviceId: string) => get<DeviceEvents>(`${device(deviceId)}/events`),
  logs: (deviceId: string) => get<LogFileView[]>(`${device(deviceId)}/logs`),
  lines: (deviceId: string, seq: number) => get<EventLines>(`${device(deviceId)}/events/${seq}/lines`),
  portal: () => get<PortalView>("portal"),
  portalApps: () => get<PortalApps>("portal/apps"),
  operations: (deviceId: string) => get<DeviceOperations>(`${device(deviceId)}/operations`),
  /** Runs one control-surface verb on the device; rejects with the surface's message and code. */
  async operate(deviceId: string, verb: string, args: Record<string, string> = {}): Promise<unknown> {
    const response = await fetch(`api/${device(deviceId)}/operations/${encodeURIComponent(verb)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(args),
    });
    const body = (await response.json()) as { result?: unknown; code?: string; message?: string };
    if (!response.ok) throw new Error(`${body.message ?? `HTTP ${response.status}`} [${body.code ?? "?"}]`);
    return body.result;
  },
  registry: (deviceId: string, seq?: number) =>
    get<RegistryView>(`${device(deviceId)}/registry${seq === undefined ? "" : `?seq=${seq}`}`),
  folders: (deviceId: string, seq?: number) =>
    get<FoldersView>(`${device(deviceId)}/folders${seq === undefined ? "" : `?seq=${seq}`}`),
  downloads: (deviceId: string) => get<DownloadsView>(`${device(deviceId)}/downloads`),
  async clock(action: string, speed?: ClockState["speed"]): Promise<ClockState> {
    const response = await fetch("api/clock", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action, speed }),
    });
    const body = (await response.json()) as ClockState | { message: string };
    if (!response.ok)
      throw new Error("message" in body ? body.message : `clock ${action}: ${response.status}`);
    return body as ClockState;
  },
};
