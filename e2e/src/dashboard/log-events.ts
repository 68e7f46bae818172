// Which event wrote each line of a device's logs, so the log viewer can link a line back to its timeline event.
// The agent's own renderer gives the very text each event wrote (as event-lines.ts does for one event); the
// n-th line of a file with a given text is the n-th event that rendered that text into that file. The log text
// is only matched against the events' rendered text, never read to learn what happened.
import type { ImeEvent } from "@imesim/agent/events";
import { renderEvent } from "@imesim/agent/log";
import type { LogFileView, LogLineEvents } from "@imesim/dashboard/api";

/** `AppWorkload-20260101-101010.log` and `AppWorkload.log` are both the AppWorkload log. */
const baseOf = (fileName: string): string => fileName.replace(/(-\d{8}-\d{6}(-\d+)?)?\.log$/i, "");

/**
 * The files of one log in the order they were written: rotated files (named by their rotation time, so by name)
 * oldest first, then the current `<base>.log` — the order the log viewer shows them in.
 */
function chronological(files: readonly LogFileView[], base: string): LogFileView[] {
  const own = files.filter((file) => baseOf(file.name) === base);
  const isCurrent = (file: LogFileView) => file.name.toLowerCase() === `${base.toLowerCase()}.log`;
  return [
    ...own.filter((file) => !isCurrent(file)).sort((a, b) => a.name.localeCompare(b.name)),
    ...own.filter(isCurrent),
  ];
}

/** Per log (by base name), each record's event seq, or null for a line no event rendered. */
export function logLineEventsOf(events: readonly ImeEvent[], files: readonly LogFileView[]): LogLineEvents {
  // file → text → the seqs of the events that rendered it, in emission order.
  const writers = new Map<string, Map<string, number[]>>();
  for (const event of events)
    for (const line of renderEvent(event)) {
      const texts = writers.get(line.file) ?? new Map<string, number[]>();
      writers.set(line.file, texts);
      const seqs = texts.get(line.message);
      if (seqs === undefined) texts.set(line.message, [event.seq]);
      else seqs.push(event.seq);
    }
  const result: Record<string, (number | null)[]> = {};
  for (const base of new Set(files.map((file) => baseOf(file.name)))) {
    const texts = writers.get(base);
    const seen = new Map<string, number>();
    result[base] = chronological(files, base).flatMap((file) =>
      file.records.map((record) => {
        const nth = seen.get(record.message) ?? 0;
        seen.set(record.message, nth + 1);
        return texts?.get(record.message)?.[nth] ?? null;
      }),
    );
  }
  return result;
}
