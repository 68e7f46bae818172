// What `imesim agent --out <dir>` leaves for whoever judges the run from outside the process (the compose
// runner): the IME logs, every event as one JSON line, the IME registry as a regedit export, and a
// closing record saying the agent finished. The file names are the runner's contract with the agent.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ImeEvent } from "@imesim/agent/events";
import { exportRegFile, type Registry } from "@imesim/agent/host";
import { IME_REGISTRY_ROOT } from "@imesim/agent/ime";

/** The files of one agent's output folder. */
export const AGENT_OUTPUT = {
  logs: "Logs",
  events: "events.jsonl",
  reg: "IntuneManagementExtension.reg",
  finished: "agent.json",
} as const;

/** The closing record: written once the agent's run is over, so a reader knows the outputs are complete. */
export interface AgentFinished {
  readonly deviceId: string;
  readonly deviceName: string;
  /** The device's SQLite file, when it has one (relative to the output folder when inside it). */
  readonly device: string | undefined;
  /** Agent-clock epoch ms the run started and ended at. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Why the agent's charts stopped early, if they did. */
  readonly failure: string | undefined;
}

/** The output folder's writers. */
export interface AgentOutputs {
  readonly logsDir: string;
  /** Appends one event (JSON Lines: a crash loses at most the line being written). */
  record(event: ImeEvent): void;
  /** Writes the .reg export and the closing record. */
  finish(registry: Registry, finished: AgentFinished): void;
}

/** Prepares `dir` (made if missing) for an agent's outputs. */
export function createAgentOutputs(dir: string): AgentOutputs {
  const logsDir = join(dir, AGENT_OUTPUT.logs);
  mkdirSync(logsDir, { recursive: true });
  const eventsFile = join(dir, AGENT_OUTPUT.events);
  return {
    logsDir,
    record(event) {
      appendFileSync(eventsFile, `${JSON.stringify(event)}\n`);
    },
    finish(registry, finished) {
      // regedit's own format: UTF-16LE with the ff fe BOM (windows-formats.md §3.1).
      if (registry.keyExists(IME_REGISTRY_ROOT))
        writeFileSync(join(dir, AGENT_OUTPUT.reg), exportRegFile(registry, IME_REGISTRY_ROOT));
      writeFileSync(join(dir, AGENT_OUTPUT.finished), `${JSON.stringify(finished, null, 2)}\n`);
    },
  };
}
