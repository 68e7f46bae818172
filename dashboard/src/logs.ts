// The CMTrace-style log viewer: the records' real fields in columns, errors red and warnings yellow as CMTrace
// colours them, multi-line messages intact, a filter that hides non-matching rows and highlights the match.
// It displays the files; nothing is derived from them. An event's lines are found by the exact text the
// agent's renderer gave for it (EventLines), the n-th identical line being the n-th event's.
import type { EventLines, LogFileView, LogRecord } from "./api-types.ts";
import { escapeHtml } from "./format.ts";
import { renderProgressively } from "./progressive.ts";

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

/** The HTML of the rows at `indexes` (one string: building rows node by node is several times slower). */
export function rowsHtml(
  records: readonly LogRecord[],
  indexes: readonly number[],
  hits: ReadonlySet<number>,
): string {
  let html = "";
  for (const index of indexes) {
    const record = records[index]!;
    const hit = hits.has(index);
    html += `<tr class="t${record.type}${hit ? " hit" : ""}" data-index="${index}"${hit ? ' tabindex="-1"' : ""}><td class="msg">${escapeHtml(record.message)}</td><td>${escapeHtml(record.component)}</td><td class="nowrap">${escapeHtml(record.date)} ${escapeHtml(record.time)}</td><td>${record.thread}</td><td class="sr-type">${TYPE_NAMES[record.type] ?? record.type}</td></tr>`;
  }
  return html;
}

/** Indexes of the records whose message contains `text` (case-insensitive); all of them for "". */
export function matching(records: readonly LogRecord[], text: string): number[] {
  const needle = text.toLowerCase();
  const indexes: number[] = [];
  for (let index = 0; index < records.length; index += 1)
    if (needle === "" || records[index]!.message.toLowerCase().includes(needle)) indexes.push(index);
  return indexes;
}

/** Rows rendered at once, and per step as the reader scrolls (progressive.ts). */
const CHUNK = 200;

export interface LogViewOptions {
  /** The event whose lines to jump to, with its lines. */
  readonly lines?: EventLines;
  readonly onBack?: (seq: number) => void;
}

/** Renders the viewer for one device's log files into `root`. */
export function renderLogs(
  root: HTMLElement,
  files: readonly LogFileView[],
  options: LogViewOptions = {},
): void {
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
  let records: LogRecord[] = [];
  let hits = new Set<number>();
  let stop = () => {};
  const scroller = root.querySelector<HTMLElement>(".log-scroll")!;
  /** Renders the matching rows: through the last hit now (so it can be focused), the rest as the reader scrolls. */
  const render = () => {
    const indexes = matching(records, filter.value);
    count.textContent = `${indexes.length} of ${records.length} lines`;
    const lastHit = Math.max(-1, ...hits);
    stop();
    stop = renderProgressively(
      scroller,
      tbody,
      indexes.length,
      (from, to) => rowsHtml(records, indexes.slice(from, to), hits),
      { first: Math.max(CHUNK, indexes.findIndex((index) => index >= lastHit) + CHUNK), chunk: CHUNK },
    );
  };
  const show = () => {
    records = recordsOf(files, base);
    hits = new Set(options.lines === undefined ? [] : lineIndexes(records, base, options.lines.lines));
    render();
    const first = tbody.querySelector<HTMLElement>("tr.hit");
    if (first !== null) {
      first.scrollIntoView({ block: "center" });
      first.focus();
    }
  };
  root.querySelector<HTMLSelectElement>(".file")!.addEventListener("change", (event) => {
    base = (event.target as HTMLSelectElement).value;
    show();
  });
  filter.addEventListener("input", render);
  root.querySelector(".back")?.addEventListener("click", () => {
    if (options.lines !== undefined) options.onBack?.(options.lines.seq);
  });
  show();
}
