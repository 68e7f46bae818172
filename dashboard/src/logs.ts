// The CMTrace-style log viewer: the records' real fields in columns, errors red and warnings yellow as CMTrace
// colours them, multi-line messages intact, a filter that hides non-matching rows and highlights the match.
// It displays the files; nothing is derived from them. An event's lines are found by the exact text the
// agent's renderer gave for it (EventLines), the n-th identical line being the n-th event's.
import type { EventLines, LogFileView, LogRecord } from "./api-types.ts";
import { escapeHtml } from "./format.ts";

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

/** The table rows' HTML (one string: building 10,000 rows node by node is several times slower). */
export function rowsHtml(records: readonly LogRecord[], hits: ReadonlySet<number>): string {
  let html = "";
  for (let index = 0; index < records.length; index += 1) {
    const record = records[index]!;
    html += `<tr class="t${record.type}${hits.has(index) ? " hit" : ""}" data-index="${index}"${hits.has(index) ? ' tabindex="-1"' : ""}><td class="msg">${escapeHtml(record.message)}</td><td>${escapeHtml(record.component)}</td><td class="nowrap">${escapeHtml(record.date)} ${escapeHtml(record.time)}</td><td>${record.thread}</td><td class="sr-type">${TYPE_NAMES[record.type] ?? record.type}</td></tr>`;
  }
  return html;
}

/** Shows only rows whose message contains `text` (case-insensitive); returns how many are shown. */
export function applyFilter(
  tbody: HTMLTableSectionElement,
  records: readonly LogRecord[],
  text: string,
): number {
  const needle = text.toLowerCase();
  const rows = Array.from(tbody.rows);
  let shown = 0;
  for (let index = 0; index < rows.length; index += 1) {
    const match = needle === "" || records[index]!.message.toLowerCase().includes(needle);
    const row = rows[index]!;
    if (row.hidden === match) row.hidden = !match;
    if (match) shown += 1;
  }
  return shown;
}

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
  const show = () => {
    records = recordsOf(files, base);
    const hits = new Set(options.lines === undefined ? [] : lineIndexes(records, base, options.lines.lines));
    tbody.innerHTML = rowsHtml(records, hits);
    count.textContent = `${applyFilter(tbody, records, filter.value)} of ${records.length} lines`;
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
  filter.addEventListener("input", () => {
    count.textContent = `${applyFilter(tbody, records, filter.value)} of ${records.length} lines`;
  });
  root.querySelector(".back")?.addEventListener("click", () => {
    if (options.lines !== undefined) options.onBack?.(options.lines.seq);
  });
  show();
}
