// The CMTrace-style log viewer: the records' real fields in columns, errors red and warnings yellow as CMTrace
// colours them, multi-line messages intact, a filter that hides non-matching rows and highlights the match.
// It displays the files; nothing is derived from them. An event's lines are found by the exact text the
// agent's renderer gave for it (EventLines), the n-th identical line being the n-th event's.
import type { EventLines, LogFileView, LogRecord } from "./api-types.ts";
import { escapeHtml } from "./format.ts";
import { rowAttributes, virtualRows } from "./progressive.ts";

/** `AppWorkload-20260101-101010.log` and `AppWorkload.log` are both the AppWorkload log. */
export function baseOf(fileName: string): string {
  return fileName.replace(/(-\d{8}-\d{6}(-\d+)?)?\.log$/i, "");
}

/** The records of one log, rotated files first (oldest to newest) then the current file. */
export function recordsOf(files: readonly LogFileView[], base: string): LogRecord[] {
  const own = files.filter((file) => baseOf(file.name) === base);
  const current = own.filter((file) => file.name.toLowerCase() === `${base.toLowerCase()}.log`);
  const rotated = own.filter((file) => !current.includes(file)).sort((a, b) => a.name.localeCompare(b.name));
  return [...rotated, ...current].flatMap((file) => file.records);
}

/** Indexes (into `records`) of the lines an event wrote to `base`. */
export function lineIndexes(
  records: readonly LogRecord[],
  base: string,
  lines: EventLines["lines"],
): number[] {
  const found: number[] = [];
  for (const line of lines) {
    if (line.file !== base) continue;
    let seen = 0;
    for (let index = 0; index < records.length; index += 1) {
      if (records[index]!.message !== line.message) continue;
      if (seen === line.occurrence) {
        found.push(index);
        break;
      }
      seen += 1;
    }
  }
  return found;
}

const TYPE_NAMES: Readonly<Record<number, string>> = { 1: "info", 2: "warning", 3: "error" };

/** `text` escaped, with every case-insensitive occurrence of `needle` marked (the filter's highlight). */
export function markedHtml(text: string, needle: string): string {
  if (needle === "") return escapeHtml(text);
  const lower = text.toLowerCase();
  let html = "";
  let at = 0;
  for (let found = lower.indexOf(needle, at); found !== -1; found = lower.indexOf(needle, at)) {
    html += `${escapeHtml(text.slice(at, found))}<mark>${escapeHtml(text.slice(found, found + needle.length))}</mark>`;
    at = found + needle.length;
  }
  return html + escapeHtml(text.slice(at));
}

/**
 * The HTML of the rows at `indexes` (one string: building rows node by node is several times slower). `first` is
 * the position of `indexes[0]` among the shown rows (virtual scrolling draws a window), `needle` the lower-case
 * text to mark.
 */
export function rowsHtml(
  records: readonly LogRecord[],
  indexes: readonly number[],
  hits: ReadonlySet<number>,
  first = 0,
  needle = "",
): string {
  let html = "";
  indexes.forEach((index, k) => {
    const record = records[index]!;
    const hit = hits.has(index);
    html += `<tr class="t${record.type}${hit ? " hit" : ""}" data-index="${index}" ${rowAttributes(first + k)}${hit ? ' tabindex="-1"' : ""}><td class="msg">${markedHtml(record.message, needle)}</td><td>${escapeHtml(record.component)}</td><td class="nowrap">${escapeHtml(record.date)} ${escapeHtml(record.time)}</td><td>${record.thread}</td><td class="sr-type">${TYPE_NAMES[record.type] ?? record.type}</td></tr>`;
  });
  return html;
}

/** Indexes of the records whose message contains `text` (case-insensitive); all of them for "". */
export function matching(records: readonly LogRecord[], text: string, lowered?: readonly string[]): number[] {
  const needle = text.toLowerCase();
  const indexes: number[] = [];
  for (let index = 0; index < records.length; index += 1)
    if (needle === "" || (lowered?.[index] ?? records[index]!.message.toLowerCase()).includes(needle))
      indexes.push(index);
  return indexes;
}

/** A one-line record's height in px before it is measured (the virtual table's estimate). */
const ROW_ESTIMATE = 18;

export interface LogViewOptions {
  /** The event whose lines to jump to, with its lines. */
  readonly lines?: EventLines;
  readonly onBack?: (seq: number) => void;
}

/** What a log view lets its caller do after rendering (e.g. a click elsewhere bringing a line into view). */
export interface LogView {
  /** Scrolls to the record at `index` of the file shown and focuses it; false when the filter hides it. */
  focusRecord(index: number): boolean;
}

/** Renders the viewer for one device's log files into `root`. */
export function renderLogs(
  root: HTMLElement,
  files: readonly LogFileView[],
  options: LogViewOptions = {},
): LogView {
  const bases = [...new Set(files.map((file) => baseOf(file.name)))].sort();
  // Open the file the event wrote to, else AppWorkload (where the Win32 app steps are), else the first.
  const wanted = options.lines?.lines[0]?.file;
  let base =
    wanted !== undefined && bases.includes(wanted)
      ? wanted
      : bases.includes("AppWorkload")
        ? "AppWorkload"
        : (bases[0] ?? "");
  root.innerHTML = `
    <section class="logs" aria-labelledby="logs-title">
      <h2 id="logs-title">Logs</h2>
      <div class="toolbar">
        <label>Log file <select class="file">${bases.map((name) => `<option${name === base ? " selected" : ""}>${escapeHtml(name)}</option>`).join("")}</select></label>
        <label>Filter <input class="filter" type="search" placeholder="text in the message"></label>
        <label><input class="highlight" type="checkbox"> Highlight instead of hiding</label>
        <span class="count" aria-live="polite"></span>
        ${options.lines === undefined ? "" : `<button type="button" class="back">Back to the event on the timeline</button>`}
      </div>
      <div class="log-scroll" tabindex="0" aria-label="Log records">
        <table class="cmtrace">
          <caption class="sr-only">CMTrace records; errors have a red background, warnings yellow</caption>
          <colgroup><col class="c-msg"><col class="c-comp"><col class="c-time"><col class="c-thread"><col class="c-type"></colgroup>
          <thead><tr><th scope="col">Log Text</th><th scope="col">Component</th><th scope="col">Date/Time</th><th scope="col">Thread</th><th scope="col" class="sr-type">Type</th></tr></thead>
          <tbody></tbody>
        </table>
      </div>
    </section>`;
  const tbody = root.querySelector("tbody")!;
  const count = root.querySelector<HTMLElement>(".count")!;
  const filter = root.querySelector<HTMLInputElement>(".filter")!;
  const highlight = root.querySelector<HTMLInputElement>(".highlight")!;
  const scroller = root.querySelector<HTMLElement>(".log-scroll")!;
  const rows = virtualRows(scroller, tbody, { estimate: ROW_ESTIMATE, columns: 5 });
  let records: LogRecord[] = [];
  /** Lower-case messages, made once per file: a keystroke in the filter then costs one pass of `includes`. */
  let lowered: string[] = [];
  let hits = new Set<number>();
  /** Indexes (into `records`) of the rows shown, in order. */
  let shown: number[] = [];
  /** Shows the matching rows (or, highlighting, every row with the matches marked) through the virtual table. */
  const render = () => {
    const needle = filter.value.toLowerCase();
    const matches = matching(records, filter.value, lowered);
    shown = highlight.checked ? records.map((_, index) => index) : matches;
    count.textContent = `${matches.length} of ${records.length} lines${highlight.checked && needle !== "" ? " match" : ""}`;
    rows.reset(shown.length, (from, to) => rowsHtml(records, shown.slice(from, to), hits, from, needle));
  };
  /** Scrolls to the record at `index` (when shown) and focuses its row; false when it is filtered out. */
  const focusRecord = (index: number): boolean => {
    const at = shown.indexOf(index);
    const row = at === -1 ? undefined : rows.scrollToRow(at);
    row?.setAttribute("tabindex", "-1");
    row?.focus();
    return row !== undefined;
  };
  const show = () => {
    records = recordsOf(files, base);
    lowered = records.map((record) => record.message.toLowerCase());
    hits = new Set(options.lines === undefined ? [] : lineIndexes(records, base, options.lines.lines));
    render();
    const first = Math.min(...hits);
    if (Number.isFinite(first)) focusRecord(first);
  };
  root.querySelector<HTMLSelectElement>(".file")!.addEventListener("change", (event) => {
    base = (event.target as HTMLSelectElement).value;
    show();
  });
  filter.addEventListener("input", render);
  highlight.addEventListener("change", render);
  root.querySelector(".back")?.addEventListener("click", () => {
    if (options.lines !== undefined) options.onBack?.(options.lines.seq);
  });
  show();
  return { focusRecord };
}
