// A device's registry and file-system changes as JSON Lines (`device-NNNN/changes.jsonl`): what the dashboard's
// registry and folder views read. Written only when a run records changes (`run --out`, `run --ui`): a new file,
// never new lines in an existing output. One change a line, in the order the changes happened.
import { readFileSync, writeFileSync } from "node:fs";
import type { DeviceChange } from "@imesim/agent/host";
import { ImesimError } from "@imesim/contracts/errors";

export const CHANGES_FILE = "changes.jsonl";

/** Writes a device's changes, one JSON object a line. */
export function writeChangesFile(path: string, changes: readonly DeviceChange[]): void {
  writeFileSync(path, changes.map((change) => `${JSON.stringify(change)}\n`).join(""));
}

const AREAS: ReadonlySet<unknown> = new Set(["registry", "files"]);

/** Reads a changes.jsonl; ImesimError DASHBOARD_CHANGES_INVALID naming the file and line when one is not a change. */
export function readChangesFile(path: string): DeviceChange[] {
  const changes: DeviceChange[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, index) => {
      if (line.trim() === "") return;
      let value: Partial<DeviceChange>;
      try {
        value = JSON.parse(line) as Partial<DeviceChange>;
      } catch (error) {
        throw new ImesimError(
          "DASHBOARD_CHANGES_INVALID",
          `${path} line ${index + 1} is not JSON: ${(error as Error).message}`,
        );
      }
      if (typeof value.seq !== "number" || !AREAS.has(value.area) || typeof value.op !== "string")
        throw new ImesimError(
          "DASHBOARD_CHANGES_INVALID",
          `${path} line ${index + 1} is not a device change (needs seq, area and op)`,
        );
      changes.push(value as DeviceChange);
    });
  return changes;
}
