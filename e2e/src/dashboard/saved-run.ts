// `imesim ui <out folder>`: a finished run's outputs as a dashboard source. Two layouts: `imesim run --out`
// (device-NNNN/ folders with events.jsonl and Logs/, report.json naming the devices) and `imesim agent --out`
// (events.jsonl and Logs/ in the folder itself).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { ImeEvent } from "@imesim/agent/events";
import type { DeviceChange } from "@imesim/agent/host";
import { ImesimError } from "@imesim/contracts/errors";
import { CTL_FILE_NAME } from "../control/ctl-file.ts";
import { AGENT_OUTPUT } from "../remote/agent-outputs.ts";
import { CHANGES_FILE, readChangesFile } from "./changes-file.ts";
import { controlFileControl } from "./device-control.ts";
import { EVENTS_FILE, readEventsFile } from "./events-file.ts";
import { readLogFolder } from "./log-files.ts";
import { portalViewOf } from "./portal.ts";
import { savedAssignments } from "./saved-assignments.ts";
import type { DashboardSource } from "./source.ts";

interface SavedDevice {
  readonly deviceId: string;
  readonly deviceName: string;
  readonly folder: string;
  events: ImeEvent[];
  /** Size of events.jsonl when read: a running `imesim agent --out` appends to it, so it is read again when it grew. */
  size: number;
}

/** The device's events, read again when its events.jsonl changed size since (an agent still running). */
function currentEvents(device: SavedDevice): ImeEvent[] {
  const path = join(device.folder, EVENTS_FILE);
  const size = statSync(path, { throwIfNoEntry: false })?.size ?? device.size;
  if (size !== device.size) {
    device.events = readEventsFile(path);
    device.size = size;
  }
  return device.events;
}

/** Device names by id from report.json (run) or agent.json (agent), when present. */
function namesOf(dir: string): Map<string, string> {
  const names = new Map<string, string>();
  const report = join(dir, "report.json");
  if (existsSync(report)) {
    const parsed = JSON.parse(readFileSync(report, "utf8")) as {
      devices?: { deviceId?: string; deviceName?: string }[];
    };
    for (const device of parsed.devices ?? [])
      if (device.deviceId !== undefined && device.deviceName !== undefined)
        names.set(device.deviceId.toLowerCase(), device.deviceName);
  }
  const agent = join(dir, AGENT_OUTPUT.finished);
  if (existsSync(agent)) {
    const parsed = JSON.parse(readFileSync(agent, "utf8")) as { deviceId?: string; deviceName?: string };
    if (parsed.deviceId !== undefined && parsed.deviceName !== undefined)
      names.set(parsed.deviceId.toLowerCase(), parsed.deviceName);
  }
  return names;
}

/** The device folders of an output folder: itself (agent layout) or its device-NNNN children (run layout). */
function deviceFolders(dir: string): string[] {
  if (existsSync(join(dir, EVENTS_FILE))) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^device-\d{4,}$/.test(entry.name))
    .map((entry) => join(dir, entry.name))
    .filter((folder) => existsSync(join(folder, EVENTS_FILE)))
    .sort();
}

/**
 * Loads a finished run's outputs; ImesimError DASHBOARD_NO_EVENTS when the folder holds no events.jsonl (a run
 * made before the dashboard existed, or not an output folder at all).
 */
export function loadSavedRun(dir: string): DashboardSource {
  if (!existsSync(dir)) throw new ImesimError("DASHBOARD_NO_EVENTS", `${dir} does not exist`);
  const folders = deviceFolders(dir);
  if (folders.length === 0)
    throw new ImesimError(
      "DASHBOARD_NO_EVENTS",
      `${dir} holds no ${EVENTS_FILE} (neither in it nor in device-NNNN/ folders): make it with \`imesim run <scenario> --out ${dir}\``,
    );
  const names = namesOf(dir);
  const devices: SavedDevice[] = folders.map((folder) => {
    const size = statSync(join(folder, EVENTS_FILE)).size;
    const events = readEventsFile(join(folder, EVENTS_FILE));
    const deviceId = events[0]?.deviceId ?? basename(folder);
    return {
      deviceId,
      deviceName: names.get(deviceId.toLowerCase()) ?? basename(folder),
      folder,
      events,
      size,
    };
  });
  const byId = new Map(devices.map((device) => [device.deviceId.toLowerCase(), device]));
  const assignments = savedAssignments(dir);
  const changesRead = new Map<string, DeviceChange[] | undefined>();
  return {
    mode: "saved",
    title: basename(dir),
    devices: () =>
      devices.map((device) => ({
        deviceId: device.deviceId,
        deviceName: device.deviceName,
        eventCount: device.events.length,
      })),
    events(deviceId) {
      const device = byId.get(deviceId.toLowerCase());
      return device === undefined ? undefined : currentEvents(device);
    },
    logs(deviceId) {
      const device = byId.get(deviceId.toLowerCase());
      return device === undefined ? undefined : readLogFolder(join(device.folder, AGENT_OUTPUT.logs));
    },
    portal: () => portalViewOf(devices.map((device) => ({ ...device, events: currentEvents(device) }))),
    ...(assignments === undefined ? {} : { assignments }),
    // An `imesim agent --out <dir> --ctl` folder: its agent is acted on through its control surface while it runs.
    ...(folders.length === 1 && folders[0] === dir
      ? { control: () => controlFileControl(join(dir, CTL_FILE_NAME)) }
      : {}),
    changes(deviceId) {
      // Read once, when a page first asks (a run of many devices need not read them all).
      const device = byId.get(deviceId.toLowerCase());
      if (device === undefined) return undefined;
      if (!changesRead.has(device.folder)) {
        const file = join(device.folder, CHANGES_FILE);
        changesRead.set(device.folder, existsSync(file) ? readChangesFile(file) : undefined);
      }
      return changesRead.get(device.folder);
    },
  };
}
