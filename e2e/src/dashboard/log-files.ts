// A device's IME log files as CMTrace records, for the log viewer only: the dashboard shows these files, it
// never reads them to learn what happened (that comes from the events).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCmtrace } from "@imesim/agent/log";
import type { LogFileView } from "@imesim/dashboard/api";

/** Parses one log file's text (BOM tolerated) into its records. */
export function logFileViewOf(name: string, text: string): LogFileView {
  return { name, records: parseCmtrace(text) };
}

/** Every `.log` file of a folder (current and rotated), by name. */
export function readLogFolder(dir: string): LogFileView[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.toLowerCase().endsWith(".log"))
    .sort()
    .map((name) => logFileViewOf(name, readFileSync(join(dir, name), "utf8")));
}
