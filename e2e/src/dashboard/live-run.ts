// `imesim run --ui`: the devices of a run in this process as a dashboard source. Each device's event stream is
// followed as it emits (the same stream its log writer and reports read), and every new event is pushed to the
// open pages; the logs are the agent's in-memory log files, read when a page asks.
import type { Agent } from "@imesim/agent";
import type { ImeEvent } from "@imesim/agent/events";
import type { Device, DeviceChange } from "@imesim/agent/host";
import type { ImeLogFile } from "@imesim/agent/log";
import type { StreamMessage } from "@imesim/dashboard/api";
import type { ClockPacer } from "./clock-pacer.ts";
import { type DeviceControl, inProcessControl } from "./device-control.ts";
import { timelineEventOf } from "./event-view.ts";
import { logFileViewOf } from "./log-files.ts";
import type { DashboardSource } from "./source.ts";

const LOG_FILES: readonly ImeLogFile[] = [
  "IntuneManagementExtension",
  "AppWorkload",
  "AgentExecutor",
  "HealthScripts",
];

interface LiveDevice {
  readonly deviceId: string;
  readonly deviceName: string;
  readonly agent: Agent;
  readonly events: ImeEvent[];
  /** Operations on it (absent when the run did not hand over its virtual device). */
  readonly control: DeviceControl | undefined;
  readonly changes: (() => readonly DeviceChange[]) | undefined;
}

/** A live source plus the hook the run calls for each device it starts. */
export interface LiveRunSource extends DashboardSource {
  addDevice(device: {
    readonly deviceName: string;
    readonly agent: Agent;
    readonly device?: Device;
    readonly changes?: () => readonly DeviceChange[];
  }): void;
}

/** A source for a run in this process, paced by `pacer`. */
export function createLiveRunSource(title: string, pacer: ClockPacer): LiveRunSource {
  const devices = new Map<string, LiveDevice>();
  const listeners = new Set<(message: StreamMessage) => void>();
  const broadcast = (message: StreamMessage) => {
    for (const listener of listeners) listener(message);
  };
  pacer.onChange((clock) => broadcast({ kind: "clock", clock }));
  const summary = (device: LiveDevice) => ({
    deviceId: device.deviceId,
    deviceName: device.deviceName,
    eventCount: device.events.length,
  });
  return {
    mode: "live",
    title,
    clock: pacer.control,
    addDevice({ deviceName, agent, device: host, changes }) {
      const events: ImeEvent[] = [];
      // The same verbs as `imesim agent --ctl`, on this agent; they act once its clock runs (Play or Step).
      const control =
        host === undefined
          ? undefined
          : inProcessControl({ agent, device: host, recentEvents: () => events }, () =>
              pacer.control.state().finished
                ? "The run is over: its virtual clock no longer runs, so an operation would never take effect."
                : undefined,
            );
      let device: LiveDevice | undefined;
      agent.events.subscribe((event) => {
        events.push(event);
        if (device === undefined) {
          device = { deviceId: event.deviceId, deviceName, agent, events, control, changes };
          devices.set(event.deviceId.toLowerCase(), device);
          broadcast({ kind: "device", device: summary(device) });
        }
        broadcast({ kind: "event", deviceId: event.deviceId, event: timelineEventOf(event) });
      });
    },
    devices: () => [...devices.values()].map(summary),
    events: (deviceId) => devices.get(deviceId.toLowerCase())?.events,
    logs(deviceId) {
      const device = devices.get(deviceId.toLowerCase());
      if (device === undefined) return undefined;
      return LOG_FILES.map((file) => logFileViewOf(`${file}.log`, device.agent.logs.read(file))).filter(
        (view) => view.records.length > 0,
      );
    },
    control: (deviceId) => devices.get(deviceId.toLowerCase())?.control,
    changes: (deviceId) => devices.get(deviceId.toLowerCase())?.changes?.(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
