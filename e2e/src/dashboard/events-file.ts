// A device's events as JSON Lines (`events.jsonl`, the name `imesim agent --out` uses too, remote/agent-outputs.ts):
// what `imesim ui <out folder>` reads to show a finished run. One event a line, in emission order.
import { readFileSync, writeFileSync } from "node:fs";
import type { ImeEvent } from "@imesim/agent/events";
import { ImesimError } from "@imesim/contracts/errors";
import { AGENT_OUTPUT } from "../remote/agent-outputs.ts";

export const EVENTS_FILE = AGENT_OUTPUT.events;

/** Writes every event of a device, one JSON object a line. */
export function writeEventsFile(path: string, events: readonly ImeEvent[]): void {
  writeFileSync(path, events.map((event) => `${JSON.stringify(event)}\n`).join(""));
}

/** Reads an events.jsonl; ImesimError DASHBOARD_EVENTS_INVALID naming the file and line when one is not an event. */
export function readEventsFile(path: string): ImeEvent[] {
  const events: ImeEvent[] = [];
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new ImesimError(
        "DASHBOARD_EVENTS_INVALID",
        `${path} line ${index + 1} is not JSON: ${(error as Error).message}`,
      );
    }
    const event = value as Partial<ImeEvent>;
    if (typeof event.seq !== "number" || typeof event.phase !== "string" || typeof event.simTime !== "number")
      throw new ImesimError(
        "DASHBOARD_EVENTS_INVALID",
        `${path} line ${index + 1} is not an agent event (needs seq, phase and simTime)`,
      );
    events.push(value as ImeEvent);
  });
  return events;
}
