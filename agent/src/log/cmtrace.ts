// The CMTrace line grammar the IME writes (ime.md §1.2):
// <![LOG[<message>]LOG]!><time="HH:mm:ss.fffffff" date="M-d-yyyy" component="C" context="" type="1" thread="7" file="">

/** CMTrace severity: 1 info, 2 warning, 3 error (ime.md §1.2). */
export type CmtraceType = 1 | 2 | 3;

/** One logical log entry; `message` may span several physical lines. */
export interface CmtraceEntry {
  readonly message: string;
  /** Local wall time of the device, epoch ms already shifted by the device's UTC offset. */
  readonly localTimeMs: number;
  /** 0–9999: the sub-millisecond ticks that make up the last 4 of the 7 fraction digits. */
  readonly subMsTicks?: number;
  readonly component: string;
  readonly type: CmtraceType;
  readonly thread: number;
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

// Lines come in bursts within one second: its `HH:mm:ss` and date are formatted once for all of them.
let cachedSecond = Number.NaN;
let cachedClock = "";
let cachedDate = "";
/** The whole second of a time (Date's truncation of fractional milliseconds included), its parts cached. */
function secondOf(localTimeMs: number): number {
  const second = Math.floor(Math.trunc(localTimeMs) / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedClock = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    cachedDate = `${d.getUTCMonth() + 1}-${d.getUTCDate()}-${d.getUTCFullYear()}`;
    cachedSecond = second;
  }
  return second;
}

/** `HH:mm:ss.fffffff`: 24 h, 7 fraction digits, no timezone bias suffix (ime.md §1.2). */
export function formatCmtraceTime(localTimeMs: number, subMsTicks = 0): string {
  const second = secondOf(localTimeMs);
  const fraction = pad(Math.trunc(localTimeMs) - second * 1000, 3) + pad(subMsTicks % 10_000, 4);
  return `${cachedClock}.${fraction}`;
}

/** `M-d-yyyy` with neither month nor day zero-padded (ime.md §1.2). */
export function formatCmtraceDate(localTimeMs: number): string {
  secondOf(localTimeMs);
  return cachedDate;
}

/** One complete CMTrace record, ending in CRLF as Windows writes it. */
export function formatCmtraceLine(entry: CmtraceEntry): string {
  const message = entry.message.includes("\n") ? entry.message.replace(/\r?\n/g, "\r\n") : entry.message;
  return (
    `<![LOG[${message}]LOG]!><time="${formatCmtraceTime(entry.localTimeMs, entry.subMsTicks)}" ` +
    `date="${formatCmtraceDate(entry.localTimeMs)}" component="${entry.component}" context="" ` +
    `type="${entry.type}" thread="${entry.thread}" file="">\r\n`
  );
}

/** The record regex of ime.md §1.2 (adapted from S7), for readers and tests. */
export const CMTRACE_RECORD =
  /<!\[LOG\[([\s\S]*?)\]LOG\]!><time="([^"]*)" date="([^"]*)" component="([^"]*)" context="([^"]*)" type="(\d)" thread="(\d+)" file="([^"]*)">/g;

/** Parses the records of a CMTrace file body (BOM tolerated). */
export function parseCmtrace(text: string): Array<{
  message: string;
  time: string;
  date: string;
  component: string;
  type: number;
  thread: number;
}> {
  const records = [];
  for (const match of text.matchAll(CMTRACE_RECORD)) {
    records.push({
      message: (match[1] ?? "").replace(/\r\n/g, "\n"),
      time: match[2] ?? "",
      date: match[3] ?? "",
      component: match[4] ?? "",
      type: Number(match[6]),
      thread: Number(match[7]),
    });
  }
  return records;
}
