// What a reader of real IME logs (and the public analysers of them) checks in a simulated one: the CMTrace
// grammar of every line, time that only moves forward, the order of each install flow's characteristic lines
// (ime.md §11a "Order inside a subgraph", "Delivery Optimization lines") and durations plausible for the work.
import { parseCmtrace } from "@imesim/agent/log";

/** The whole-line grammar of ime.md §1.2: every byte of the file belongs to one record. */
const RECORD =
  /<!\[LOG\[[\s\S]*?\]LOG\]!><time="\d{2}:\d{2}:\d{2}\.\d{7}" date="\d{1,2}-\d{1,2}-\d{4}" component="[A-Za-z]+" context="" type="[123]" thread="\d+" file="">\r\n/g;

/** Text of a log file that is not a well-formed CMTrace record (empty when the file is clean). */
export function grammarViolations(text: string): string {
  return text.replace(/^\uFEFF/, "").replace(RECORD, "");
}

/** A record's local time as a sortable text `yyyy-MM-dd HH:mm:ss.fffffff` (a number would lose the ticks). */
function instantOf(record: { time: string; date: string }): string {
  const [month = "", day = "", year = ""] = record.date.split("-");
  return `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")} ${record.time}`;
}

/** Seconds from one record's time to another's. */
function secondsBetween(from: { time: string; date: string }, to: { time: string; date: string }): number {
  const ms = (record: { time: string; date: string }) => {
    const [month = 0, day = 0, year = 0] = record.date.split("-").map(Number);
    const [hms = "", fraction = "0"] = record.time.split(".");
    const [h = 0, m = 0, s = 0] = hms.split(":").map(Number);
    return Date.UTC(year, month - 1, day, h, m, s) + Number(fraction) / 10_000;
  };
  return (ms(to) - ms(from)) / 1000;
}

/** Records whose time is not after the one before them (empty when time only moves forward). */
export function backwardTimes(text: string): string[] {
  const records = parseCmtrace(text);
  return records.flatMap((record, i) =>
    i > 0 && instantOf(record) <= instantOf(records[i - 1]!)
      ? [`${record.date} ${record.time} ${record.message}`]
      : [],
  );
}

interface Milestone {
  readonly name: string;
  readonly test: (message: string, appId: string) => boolean;
  /** Expected only in flows for which this holds (a failed installer is not detected again). */
  readonly when?: (flow: readonly string[]) => boolean;
}

const about = (prefix: string) => (message: string, appId: string) =>
  message.startsWith(prefix) && message.includes(appId);
const line = (text: string) => (message: string) => message === text || message.startsWith(text);

/**
 * One app's install flow from its download handler on, in the order §11a gives: DO job, progress, hash, decrypt,
 * `DO download and decryption is successfully done`, unzip, the second detection, the install, the third.
 */
const DOWNLOADED_INSTALL: readonly Milestone[] = [
  {
    name: "download handler",
    test: about("[Win32App][DownloadActionHandler] Handler invoked for policy with id:"),
  },
  { name: "Starting job", test: line("Starting job ") },
  { name: "bytes 0/0", test: (m, id) => m.includes(`(id = ${id},`) && m.includes(" via DO, bytes 0/0 ") },
  { name: "Completing job", test: line("Completing job ") },
  { name: "Downloaded file time", test: line("[Win32App] Downloaded file time ") },
  { name: "hash validation", test: line("[Win32App] file hash validation pass") },
  { name: "decryption", test: line("[Win32App] Decryption is done successfully.") },
  { name: "DO done", test: line("[Win32App DO] DO download and decryption is successfully done") },
  { name: "unzip", test: line("[Win32App] Start unzipping.") },
  {
    name: "detection after download",
    test: about("[Win32App][DetectionActionHandler] Detection for policy with id:"),
  },
  {
    name: "execution handler",
    test: about("[Win32App][ExecutionActionHandler] Handler invoked with execution type:"),
  },
  { name: "exit collected", test: (m) => m.startsWith("[Win32App] Installation is ") },
  {
    name: "detection after install",
    test: about("[Win32App][DetectionActionHandler] Detection for policy with id:"),
    when: (flow) => flow.some((m) => /^\[Win32App\] lpExitCode is defined as (Success|SoftReboot)$/.test(m)),
  },
];

/**
 * Every download of an app that got as far as its installer (`flows`), and the milestones that are missing or
 * out of order in them (`problems`, empty when each flow reads as §11a's order).
 */
export function checkFlowOrder(text: string): { flows: number; problems: string[] } {
  let flows = 0;
  const messages = parseCmtrace(text).map((record) => record.message);
  const problems: string[] = [];
  messages.forEach((message, start) => {
    const handler =
      /^\[Win32App\]\[DownloadActionHandler\] Handler invoked for policy with id: (\S+) and/.exec(message);
    if (handler === null) return;
    const appId = handler[1]!;
    // Only flows that ran their installer: a content failure legitimately ends early.
    // A flow ends with its subgraph (or at the next download, whichever comes first).
    const next = messages.findIndex(
      (m, i) =>
        i > start &&
        (m.startsWith("[Win32App][DownloadActionHandler] Handler invoked for policy with id:") ||
          m === "[Win32App][V3Processor] Done processing subgraph."),
    );
    const flow = messages.slice(start, next < 0 ? undefined : next);
    if (!flow.some((m) => about("[Win32App][ExecutionActionHandler] Handler invoked")(m, appId))) return;
    if (flow.some((m) => m.startsWith("[Win32App] CDN mode"))) return;
    flows += 1;
    let at = 0;
    for (const milestone of DOWNLOADED_INSTALL) {
      if (milestone.when !== undefined && !milestone.when(flow)) continue;
      const found = flow.findIndex((m, i) => i >= at && milestone.test(m, appId));
      if (found < 0) {
        problems.push(`${appId}: "${milestone.name}" missing or out of order`);
        return;
      }
      at = found + 1;
    }
  });
  return { flows, problems };
}

/** Download jobs of an app that ended in the second they started, which an analyser of real logs reads as failed. */
export function instantDownloads(text: string): string[] {
  const records = parseCmtrace(text);
  const problems: string[] = [];
  records.forEach((record, i) => {
    if (!record.message.startsWith("Starting job ")) return;
    const end = records.findIndex((r, j) => j > i && r.message.startsWith("Completing job "));
    if (end < 0) return;
    const seconds = secondsBetween(record, records[end]!);
    if (seconds < 1) problems.push(`${record.message} completed after ${seconds.toFixed(3)} s`);
  });
  return problems;
}
