// Reads what an `imesim agent --out` folder holds back into the DeviceOutcome the expectation checker
// takes: the device's SQLite file (registry, files, IME state), the event lines, the IME logs. So a
// scenario run across containers is judged by the very checks `imesim run` applies in one process.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { createRealClock } from "@imesim/agent";
import type { ImeEvent } from "@imesim/agent/events";
import { createDevice, type Device } from "@imesim/agent/host";
import { createImeStateStore } from "@imesim/agent/ime";
import { ImesimError } from "@imesim/contracts/errors";
import { AGENT_OUTPUT, type AgentFinished } from "../remote/agent-outputs.ts";
import type { DeviceOutcome } from "../scenario/expectations.ts";

/** One finished agent's outputs, opened. */
export interface AgentRecord {
  readonly folder: string;
  readonly finished: AgentFinished;
  readonly device: Device;
  readonly events: readonly ImeEvent[];
}

/** The output folders under `root` whose agent has written its closing record, by folder name. */
export function finishedAgents(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, AGENT_OUTPUT.finished)))
    .map((entry) => join(root, entry.name))
    .sort();
}

/** Opens a finished agent's folder: its closing record, its SQLite device and its events. */
export function openAgentRecord(folder: string): AgentRecord {
  const finished = JSON.parse(readFileSync(join(folder, AGENT_OUTPUT.finished), "utf8")) as AgentFinished;
  if (finished.device === undefined)
    throw new ImesimError(
      "AGENT_OUTPUT_INCOMPLETE",
      `${folder}: the agent kept no device file (--device), so its registry and files cannot be judged`,
    );
  const sqlitePath = isAbsolute(finished.device) ? finished.device : join(folder, finished.device);
  const eventsFile = join(folder, AGENT_OUTPUT.events);
  const events = existsSync(eventsFile)
    ? readFileSync(eventsFile, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as ImeEvent)
    : [];
  // The device file already holds its profile, so opening it seeds nothing and writes nothing.
  const device = createDevice({ backend: { sqlitePath }, clock: createRealClock() });
  return { folder, finished, device, events };
}

/** The outcome the expectation checker reads; `serviceStatus` comes from the service's own records. */
export function outcomeOf(
  record: AgentRecord,
  number: number,
  serviceStatus: DeviceOutcome["serviceStatus"],
): DeviceOutcome {
  return {
    number,
    events: record.events,
    state: createImeStateStore(record.device.registry),
    host: record.device,
    readLog: (file) => {
      const path = join(record.folder, AGENT_OUTPUT.logs, file);
      return existsSync(path) ? readFileSync(path, "utf8") : "";
    },
    serviceStatus,
  };
}
