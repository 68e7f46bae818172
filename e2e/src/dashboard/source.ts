// What the dashboard reads: devices, their typed events, their log files (for display) and, in live mode, a
// stream of new events and the run's clock. Three sources implement it: a saved output folder (saved-run.ts),
// a run in this process (live-run.ts) and the mock service's own state (service-source.ts).
import type { ImeEvent } from "@imesim/agent/events";
import type { DeviceChange } from "@imesim/agent/host";
import type {
  ClockState,
  DeviceSummary,
  LogFileView,
  PortalAssignment,
  PortalView,
  StreamMessage,
} from "@imesim/dashboard/api";
import type { DeviceControl } from "./device-control.ts";

/** Pause / step / speed for a live run's virtual clock (clock-pacer.ts). */
export interface ClockControl {
  state(): ClockState;
  pause(): void;
  resume(): void;
  /** Runs to the next timer (the next batch of events), then pauses. */
  step(): void;
  setSpeed(speed: ClockState["speed"]): void;
}

/** One source of dashboard data. */
export interface DashboardSource {
  readonly mode: "saved" | "live" | "service";
  readonly title: string;
  devices(): DeviceSummary[];
  /** The device's events in emission order; undefined for a device the source does not know. */
  events(deviceId: string): readonly ImeEvent[] | undefined;
  /** The device's IME log files as CMTrace records. */
  logs(deviceId: string): LogFileView[] | undefined;
  /** The portal view; sources with no events of their own (the service) build it from their state. */
  portal?(): PortalView;
  /** Live sources: new events and clock changes as they happen. */
  subscribe?(listener: (message: StreamMessage) => void): () => void;
  readonly clock?: ClockControl;
  /** Each app's assignments (lower-case app id) from a service store; without it they come from the policies. */
  assignments?(): ReadonlyMap<string, PortalAssignment[]> | Promise<ReadonlyMap<string, PortalAssignment[]>>;
  /** How the device is acted on (device-control.ts); undefined when it cannot be from this source. */
  control?(deviceId: string): DeviceControl | undefined;
  /** The device's registry and file changes (changes.jsonl), when its run recorded them (registry view). */
  changes?(deviceId: string): readonly DeviceChange[] | undefined;
}
