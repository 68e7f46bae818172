// Which log lines an event wrote: the agent's own renderer gives the very text the log writer wrote for it
// (agent/src/log/lines.ts), and counting the same text among earlier events tells the viewer which of several
// identical lines (a banner every check-in) is this event's. Nothing here reads a log to learn what happened.
import type { ImeEvent } from "@imesim/agent/events";
import { renderEvent } from "@imesim/agent/log";
import type { EventLines } from "@imesim/dashboard/api";

/** The lines `event` wrote, each with the number of identical lines earlier events wrote to the same file. */
export function eventLinesOf(events: readonly ImeEvent[], event: ImeEvent): EventLines["lines"] {
  const lines = renderEvent(event);
  if (lines.length === 0) return [];
  const wanted = new Map(lines.map((line) => [`${line.file}\u0000${line.message}`, 0]));
  for (const earlier of events) {
    if (earlier.seq >= event.seq) break;
    for (const line of renderEvent(earlier)) {
      const key = `${line.file}\u0000${line.message}`;
      const count = wanted.get(key);
      if (count !== undefined) wanted.set(key, count + 1);
    }
  }
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const key = `${line.file}\u0000${line.message}`;
    const within = seen.get(key) ?? 0;
    seen.set(key, within + 1);
    return { file: line.file, message: line.message, occurrence: (wanted.get(key) ?? 0) + within };
  });
}
