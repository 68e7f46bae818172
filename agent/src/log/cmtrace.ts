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
/** `" date="<date>" component="`, the text between a line's time fraction and its component, for cachedSecond. */
let cachedDateField = "";
/** The whole second of a time (Date's truncation of fractional milliseconds included), its parts cached. */
function secondOf(localTimeMs: number): number {
  const second = Math.floor(Math.trunc(localTimeMs) / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedClock = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    cachedDate = `${d.getUTCMonth() + 1}-${d.getUTCDate()}-${d.getUTCFullYear()}`;
    cachedDateField = `" date="${cachedDate}" component="`;
    cachedSecond = second;
  }
  return second;
}

/** The 7 fraction digits: milliseconds within the second, then the sub-millisecond ticks. */
function fractionOf(localTimeMs: number, second: number, subMsTicks: number): string {
  const ms = Math.trunc(localTimeMs) - second * 1000;
  const ticks = subMsTicks % 10_000;
  // One number, one padding: (ms * 10^4 + ticks) has at most 7 digits. Odd ticks keep their old two fields.
  return Number.isInteger(ticks) && ticks >= 0 ? pad(ms * 10_000 + ticks, 7) : pad(ms, 3) + pad(ticks, 4);
}

/** `HH:mm:ss.fffffff`: 24 h, 7 fraction digits, no timezone bias suffix (ime.md §1.2). */
export function formatCmtraceTime(localTimeMs: number, subMsTicks = 0): string {
  const second = secondOf(localTimeMs);
  return `${cachedClock}.${fractionOf(localTimeMs, second, subMsTicks)}`;
}

/** `M-d-yyyy` with neither month nor day zero-padded (ime.md §1.2). */
export function formatCmtraceDate(localTimeMs: number): string {
  secondOf(localTimeMs);
  return cachedDate;
}

/** The record's end after the component, by type and thread: a device uses a handful of each. */
const tails = new Map<number, string>();
function tailOf(type: CmtraceType, thread: number): string {
  // Threads are small managed ids; anything unusual is simply formatted each time.
  const cacheable =
    Number.isSafeInteger(thread) &&
    thread >= 0 &&
    thread < 1_000_000 &&
    (type === 1 || type === 2 || type === 3);
  const key = thread * 4 + type;
  let tail = cacheable ? tails.get(key) : undefined;
  if (tail === undefined) {
    tail = `" context="" type="${type}" thread="${thread}" file="">\r\n`;
    if (cacheable) tails.set(key, tail);
  }
  return tail;
}

/** One complete CMTrace record, ending in CRLF as Windows writes it. */
export function formatCmtraceLine(entry: CmtraceEntry): string {
  return cmtraceLine(
    entry.message,
    entry.localTimeMs,
    entry.subMsTicks ?? 0,
    entry.component,
    entry.type,
    entry.thread,
  );
}

/**
 * formatCmtraceLine with the entry's fields as arguments: the log writer calls it for every line, and the
 * entry object and the per-line time, date and tail texts were garbage the moment the line was made (issue 18).
 */
export function cmtraceLine(
  message: string,
  localTimeMs: number,
  subMsTicks: number,
  component: string,
  type: CmtraceType,
  thread: number,
): string {
  const text = message.includes("\n") ? message.replace(/\r?\n/g, "\r\n") : message;
  const second = secondOf(localTimeMs);
  return `<![LOG[${text}]LOG]!><time="${cachedClock}.${fractionOf(localTimeMs, second, subMsTicks)}${cachedDateField}${component}${tailOf(type, thread)}`;
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
