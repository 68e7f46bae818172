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

/** The messages of a log, in order. */
const messagesOf = (text: string): string[] => parseCmtrace(text).map((record) => record.message);

const SUBGRAPH_START = "[Win32App][V3Processor] Processing subgraph with app ids: ";
const SUBGRAPH_DONE = "[Win32App][V3Processor] Done processing subgraph.";
const DETECTION = /^\[Win32App\]\[DetectionActionHandler\] Detection for policy with id: (\S+) resulted/;
const EXECUTION =
  /^\[Win32App\]\[ExecutionActionHandler\] Handler invoked with execution type: (\w+) for policy with id: (\S+) /;

interface Relation {
  readonly AppId: string;
  readonly ChildId: string;
  readonly Type: number;
  readonly Action: number;
}

/** The relations of every app the log's `Get policies` lines name, by parent id (lower case). */
function relationsOf(messages: readonly string[]): Map<string, Relation[]> {
  const relations = new Map<string, Relation[]>();
  for (const message of messages) {
    if (!message.startsWith("Get policies = ")) continue;
    const policies = JSON.parse(message.slice("Get policies = ".length)) as Array<{
      Id: string;
      FlatDependencies: Relation[] | null;
    }>;
    for (const policy of policies)
      if (policy.FlatDependencies !== null && policy.FlatDependencies.length > 0)
        relations.set(policy.Id.toLowerCase(), policy.FlatDependencies);
  }
  return relations;
}

/** Each subgraph's lines, from its `Processing subgraph` line to its `Done processing subgraph.` (or the log's end). */
function subgraphsOf(messages: readonly string[]): { ids: string[]; lines: string[] }[] {
  const out: { ids: string[]; lines: string[] }[] = [];
  messages.forEach((message, start) => {
    if (!message.startsWith(SUBGRAPH_START)) return;
    const end = messages.findIndex(
      (m, i) => i > start && (m === SUBGRAPH_DONE || m.startsWith(SUBGRAPH_START)),
    );
    out.push({
      ids: message
        .slice(SUBGRAPH_START.length)
        .split(", ")
        .map((id) => id.toLowerCase()),
      lines: messages.slice(start + 1, end < 0 ? undefined : end),
    });
  });
  return out;
}

/** True when `wanted` appears in `seq` in order (other entries may come between). */
function inOrder(seq: readonly string[], wanted: readonly string[]): boolean {
  let at = 0;
  for (const item of seq) if (item === wanted[at]) at += 1;
  return at === wanted.length;
}

/**
 * Dependency and supersedence order inside each processed subgraph (ime.md §11a "Order inside a subgraph"):
 * an auto-install dependency's root is detected first and, the first time, reported `Undetectable`; a
 * detect-only dependency is detected before its parent; a replace runs old, new, old, uninstall, new, old,
 * install, new, old. Returns how many subgraphs were checked and what was out of order.
 */
export function checkRelationOrder(text: string): { checked: number; problems: string[] } {
  const messages = messagesOf(text);
  const relations = relationsOf(messages);
  const problems: string[] = [];
  let checked = 0;
  for (const { ids, lines } of subgraphsOf(messages)) {
    const root = ids.find((id) => relations.has(id));
    const edges = root === undefined ? [] : (relations.get(root) ?? []);
    const detections = lines.flatMap((m) => {
      const match = DETECTION.exec(m);
      return match === null ? [] : [match[1]!.toLowerCase()];
    });
    if (root === undefined || detections.length === 0) continue;
    checked += 1;
    const child = (action: number) => edges.find((e) => e.Action === action)?.ChildId.toLowerCase();
    const auto = child(10);
    const detectOnly = child(0);
    const replaced = child(110);
    if (auto !== undefined) {
      if (detections[0] !== root) problems.push(`${root}: the dependency root is not detected first`);
      const fresh = lines.some((m) =>
        m.includes(`App with id: ${root} and prior AppAuthority: V3 could not be loaded`),
      );
      const firstDelta = lines.find((m) =>
        m.includes(`Detection state for app with id: ${root} has been updated.`),
      );
      if (fresh && !firstDelta?.includes('{"DetectionState":{"OldValue":null,"NewValue":"Undetectable"}}'))
        problems.push(`${root}: the dependency root's first Detection delta is not Undetectable`);
    } else if (detectOnly !== undefined && !inOrder(detections, [detectOnly, root])) {
      problems.push(`${root}: the detect-only dependency is not detected before its parent`);
    }
    const executions = lines.flatMap((m) => {
      const match = EXECUTION.exec(m);
      return match === null ? [] : [`${match[1]} ${match[2]!.toLowerCase()}`];
    });
    if (
      replaced !== undefined &&
      executions.includes(`Uninstall ${replaced}`) &&
      executions.includes(`Install ${root}`)
    ) {
      const steps = lines.flatMap((m) => {
        const detection = DETECTION.exec(m);
        if (detection !== null) return [detection[1]!.toLowerCase() === root ? "new" : "old"];
        const execution = EXECUTION.exec(m);
        return execution === null ? [] : [execution[1] === "Uninstall" ? "uninstall" : "install"];
      });
      const replace = ["old", "new", "old", "uninstall", "new", "old", "install", "new", "old"];
      if (!inOrder(steps, replace)) problems.push(`${root}: the replace does not run ${replace.join(", ")}`);
    }
  }
  return { checked, problems };
}

/**
 * The session lines of ime.md §11a Sessions: a user's session starts impersonated with the co-management
 * workload status; the userless one skips the user token. Returns the sessions checked and the problems.
 */
export function checkSessionLines(text: string): { sessions: number; problems: string[] } {
  const messages = messagesOf(text);
  const problems: string[] = [];
  let sessions = 0;
  messages.forEach((message, i) => {
    const banner = /Processing user session (\d+), userId: (\S+),/.exec(message);
    if (banner === null) return;
    sessions += 1;
    const next = messages.slice(i + 1, i + 5);
    const userless = banner[2] === "00000000-0000-0000-0000-000000000000";
    const wanted = userless
      ? ["Userless session, skip UserToken for device check-in"]
      : ["After impersonation: AzureAD\\", "Comgt app workload status False"];
    for (const line of wanted)
      if (!next.some((m) => m.startsWith(line))) problems.push(`session ${banner[1]}: no "${line}"`);
  });
  return { sessions, problems };
}

/**
 * Reboots (ime.md §11a Time, GRS wording): the device is down for minutes between the shutdown signal and the
 * next start, and a session stopped for a restart ends with the IME's reboot line.
 */
export function checkReboots(imeLog: string, appWorkload: string): { reboots: number; problems: string[] } {
  const records = parseCmtrace(imeLog);
  const problems: string[] = [];
  let reboots = 0;
  records.forEach((record, i) => {
    if (record.message !== "EMS Agent received shutdown signal") return;
    reboots += 1;
    const start = records.findIndex((r, j) => j > i && r.message === "EMS Agent Started");
    if (start >= 0 && secondsBetween(record, records[start]!) < 60)
      problems.push(
        `restart at ${record.time}: the device was down ${secondsBetween(record, records[start]!)} s`,
      );
  });
  const messages = messagesOf(appWorkload);
  messages.forEach((message, i) => {
    if (
      message !==
      "[Win32App][V3Processor] A restart is required to continue processing apps. Stop processing."
    )
      return;
    const stop = messages.findIndex((m, j) => j > i && m.includes("application poller stopped."));
    const rest = messages.slice(i, stop < 0 ? undefined : stop);
    if (!rest.some((m) => m.endsWith("is required to complete to complete the check in process.")))
      problems.push("a session stopped for a restart does not end with the reboot line");
  });
  return { reboots, problems };
}

/** Content errors are the Download state's delta, never an Execution delta (ime.md §11a Reporting). */
export function misplacedDownloadDeltas(text: string): string[] {
  return messagesOf(text).filter(
    (m) =>
      m.includes("Execution state for app with id:") && m.includes('"NewValue":"ErrorDownloadingContent"'),
  );
}
