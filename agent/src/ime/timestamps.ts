import { ImesimError } from "@imesim/contracts/errors";

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** `MM/dd/yyyy HH:mm:ss` in UTC, the GRS and Reporting value format (ime.md §4.4: "most likely UTC" [I]). */
export function formatImeTimestamp(epochMs: number): string {
  // One step writes the same instant to several values (the app key, its state message, the GRS): made once.
  if (epochMs === lastFormatted) return lastText;
  lastText = formatUncached(epochMs);
  lastFormatted = epochMs;
  return lastText;
}

let lastFormatted = Number.NaN;
let lastText = "";

function formatUncached(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())}/${d.getUTCFullYear()} ${pad2(d.getUTCHours())}:${pad2(
    d.getUTCMinutes(),
  )}:${pad2(d.getUTCSeconds())}`;
}

/** Texts already read (the same GRS and re-evaluation values are read at every check-in); starts over when full. */
const parsed = new Map<string, number>();
const PARSED_SIZE = 4096;

/** Reads a `MM/dd/yyyy HH:mm:ss` (UTC) value back to epoch ms. */
export function parseImeTimestamp(text: string, where: string): number {
  const hit = parsed.get(text);
  if (hit !== undefined) return hit;
  const epochMs = parseUncached(text, where);
  if (parsed.size >= PARSED_SIZE) parsed.clear();
  parsed.set(text, epochMs);
  return epochMs;
}

function parseUncached(text: string, where: string): number {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (match === null) {
    throw new ImesimError(
      "IME_TIMESTAMP_INVALID",
      `${where}: "${text}" is not a MM/dd/yyyy HH:mm:ss timestamp`,
      {
        path: where,
      },
    );
  }
  const [, month, day, year, hours, minutes, seconds] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(year, month - 1, day, hours, minutes, seconds);
}
