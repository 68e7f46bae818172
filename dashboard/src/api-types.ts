// The JSON the dashboard's server sends its front end (e2e/src/dashboard/routes.ts). Plain data only: the
// front end imports these types and nothing else from the server side.

/** One device the dashboard can show. */
export interface DeviceSummary {
  /** The Entra device id the agent reports under. */
  readonly deviceId: string;
  readonly deviceName: string;
  /** How many events the device has emitted so far. */
  readonly eventCount: number;
}

/** What kind of source the dashboard shows, and its simulated time span. */
export interface RunInfo {
  readonly title: string;
  /** `saved`: a finished run's output folder; `live`: a run in this process; `service`: `imesim serve`'s state. */
  readonly mode: "saved" | "live" | "service";
  /** Simulated epoch ms of the first event (or the scenario's start). */
  readonly startMs: number | undefined;
  readonly devices: readonly DeviceSummary[];
  /** Set in live mode: where the run's virtual clock is. */
  readonly clock?: ClockState;
}

/** One event as the timeline needs it: the agent's event (its envelope and details) plus its explain note. */
export interface TimelineEvent {
  readonly seq: number;
  readonly phase: string;
  readonly simTime: number;
  readonly appId?: string;
  readonly userId?: string;
  readonly thread: number;
  readonly details: Readonly<Record<string, unknown>>;
}

/** A device's events, the app names its policies carried, and the explain notes of the phases present. */
export interface DeviceEvents {
  readonly deviceId: string;
  readonly events: readonly TimelineEvent[];
  /** App id (lower case) → name, from the app lists the device received. */
  readonly appNames: Readonly<Record<string, string>>;
  /** Phase → what the IME does there and why (`imesim explain`'s notes). */
  readonly notes: Readonly<Record<string, { readonly title: string; readonly why: string }>>;
}

/** One CMTrace record of a log file, for display only (never read to learn what happened). */
export interface LogRecord {
  readonly message: string;
  readonly time: string;
  readonly date: string;
  readonly component: string;
  /** 1 info, 2 warning, 3 error. */
  readonly type: number;
  readonly thread: number;
}

/** One log file of a device. */
export interface LogFileView {
  readonly name: string;
  readonly records: readonly LogRecord[];
}

/** What an event wrote: its log lines, as the agent's renderer writes them (to find them in the files), and its registry values. */
export interface EventLines {
  readonly seq: number;
  /** The registry values it wrote, as `imesim explain` lists them. */
  readonly registryWrites: readonly string[];
  /**
   * `occurrence`: how many earlier events of the device rendered the same text into the same file, so the viewer
   * picks the right one of identical lines (banners repeat every check-in).
   */
  readonly lines: readonly { readonly file: string; readonly message: string; readonly occurrence: number }[];
}

/** The portal's install status buckets (graph-win32.md §4.1). */
export type PortalStatus = "installed" | "failed" | "pending" | "notApplicable" | "notInstalled";

/** One device × app cell of the portal view. */
export interface PortalCell {
  readonly status: PortalStatus;
  readonly enforcementState: number | undefined;
  /** The IME's EnforcementState name (ime.md §4.2), e.g. `Error`. */
  readonly stateName: string | undefined;
  /** `0x87D1041C`, or undefined when the app has no error. */
  readonly errorHex: string | undefined;
  /** What the error code means, when it is one the IME documents or a Win32 exit code. */
  readonly errorMeaning: string | undefined;
}

/** The portal view: every device's status for every app. */
export interface PortalView {
  readonly apps: readonly { readonly id: string; readonly name: string }[];
  readonly rows: readonly {
    readonly deviceId: string;
    readonly deviceName: string;
    /** App id (lower case) → cell; an app missing here was never targeted at the device. */
    readonly cells: Readonly<Record<string, PortalCell>>;
  }[];
}

/** Speed of a live run's virtual clock: 1×, 60× real time, or as fast as it goes. */
export type ClockSpeed = 1 | 60 | "max";

/** A live run's clock. */
export interface ClockState {
  readonly paused: boolean;
  readonly speed: ClockSpeed;
  /** Simulated epoch ms now. */
  readonly now: number;
  readonly finished: boolean;
  /**
   * Counts the clock's changes. The stream, a control's reply and a catch-up travel on different connections and
   * can arrive out of order: a state whose revision is below the one shown is stale and is dropped.
   */
  readonly revision: number;
}

/** What the live stream (`/ui/api/stream`, server-sent events) carries. */
export type StreamMessage =
  | { readonly kind: "event"; readonly deviceId: string; readonly event: TimelineEvent }
  | { readonly kind: "device"; readonly device: DeviceSummary }
  | { readonly kind: "clock"; readonly clock: ClockState };

// --- statechart view (#/chart, e2e/src/dashboard/chart-routes.ts) and the log viewer's line → event links ---

/** The charts the statechart view draws, each read from its xstate machine at run time. */
export type ChartName = "enforcement" | "checkin" | "service";

/** One state, laid out (ELK, root coordinates): `id` is xstate's (`enforcement.installing.running`). */
export interface ChartNodeView {
  readonly id: string;
  /** The state's own name (`running`). */
  readonly name: string;
  readonly parent: string | undefined;
  readonly type: "atomic" | "compound" | "parallel" | "final" | "history" | "start";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One transition (parallel ones between the same states merged): its events and route. */
export interface ChartEdgeView {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Each transition's event and guard (`done`, `after retryInterval`, `[retryLeft]`). */
  readonly labels: readonly string[];
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly label: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

/** A chart drawn from its machine. */
export interface ChartGraph {
  readonly chart: ChartName;
  readonly machineId: string;
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly ChartNodeView[];
  readonly edges: readonly ChartEdgeView[];
}

/** A state the device's events show a chart in: the event that shows it. */
export interface ChartStep {
  readonly state: string;
  readonly seq: number;
  readonly phase: string;
  readonly simTime: number;
}

/** The path a device took through each chart, from its typed events (e2e/src/dashboard/chart-path.ts). */
export interface ChartPaths {
  readonly deviceId: string;
  readonly service: readonly ChartStep[];
  readonly checkin: readonly ChartStep[];
  /** App id (lower case) → its enforcements' path, every enforcement of the app in turn. */
  readonly enforcement: Readonly<Record<string, readonly ChartStep[]>>;
  /** States the event → state rules name that the charts no longer have (empty while they follow the charts). */
  readonly unknownStates: readonly string[];
}

/** Log file base (`AppWorkload`) → per record (rotated files oldest first, then the current one) its event's seq or null. */
export type LogLineEvents = Readonly<Record<string, readonly (number | null)[]>>;

// ---- Portal at fleet size and device operations (h-portal: dashboard/src/portal.ts, e2e/src/dashboard/portal-routes.ts)

/** One assignment of an app, as the portal's app page lists it (graph-win32.md §3: target, intent, filter). */
export interface PortalAssignment {
  /** `group`, `allDevices`, `allLicensedUsers`, `exclusionGroup`, or `policy` when read from a device's policy. */
  readonly target: string;
  /** The group's display name (or id when the name is unknown); undefined for the all-devices/all-users targets. */
  readonly group?: string;
  /** `required`, `available`, `uninstall`, … (Graph's intent words; from a policy, its `Intent` name). */
  readonly intent: string;
  /** The assignment filter's name (or id) and whether it includes or excludes the devices it matches. */
  readonly filter?: string;
  readonly filterMode?: string;
  /** From devices' policies: how many devices received the app with this intent. */
  readonly devices?: number;
}

/** How many devices are in each install status for one app (Intune's app install status page). */
export type PortalCounts = Readonly<Record<PortalStatus, number>>;

/** One app's summary line: counts per status and its assignments. */
export interface PortalAppSummary {
  readonly id: string;
  readonly name: string;
  readonly counts: PortalCounts;
  readonly assignments: readonly PortalAssignment[];
}

/** `GET /ui/api/portal/apps`: every app's summary; `assignmentsFrom` says where the assignments were read. */
export interface PortalApps {
  readonly deviceCount: number;
  readonly assignmentsFrom: "service" | "policies";
  readonly apps: readonly PortalAppSummary[];
}

/** One verb the dashboard offers for a device (the agent control surface's verbs, docs/agent-control.md). */
export interface DeviceOperation {
  readonly verb: string;
  readonly summary: string;
  readonly args: string;
}

/** `GET /ui/api/devices/:id/operations`: whether the device can be acted on from here, and how. */
export interface DeviceOperations {
  readonly available: boolean;
  /** Why not, or through what (`in-process agent`, `control surface http://127.0.0.1:…`). */
  readonly via: string;
  readonly verbs: readonly DeviceOperation[];
}

// --- Registry, folders and downloads views (registry.ts, folders.ts, downloads.ts) ---

/** A step (an event) that changed the registry or the folders: where the views' step picker can go. */
export interface ChangeStep {
  readonly seq: number;
  readonly simTime: number;
  /** The event's phase; `baseline` for seq 0 (what was there when recording started), `after the run` past the last event. */
  readonly phase: string;
  readonly appId?: string;
  /** How many changes the step made. */
  readonly changes: number;
}

/** A registry value as JSON holds it: QWORDs as decimal text, binary data as hex. */
export interface RegistryValueView {
  readonly type: string;
  readonly data: string | number | readonly string[];
}

export interface RegistryKeyNode {
  readonly name: string;
  /** The full resolved path (`HKEY_LOCAL_MACHINE\SOFTWARE\...`). */
  readonly path: string;
  readonly values: readonly { readonly name: string; readonly value: RegistryValueView }[];
  readonly children: readonly RegistryKeyNode[];
}

/** One difference a step made: a key or a value added, changed or removed. */
export interface RegistryDiffEntry {
  readonly kind: "added" | "changed" | "removed";
  readonly key: string;
  /** Undefined for a key's own addition or removal. */
  readonly name?: string;
  readonly before?: RegistryValueView;
  readonly after?: RegistryValueView;
}

/** What a device's registry or folders looked like once step `seq`'s changes had landed, and the steps that changed them. */
interface JournalView<Node> {
  readonly deviceId: string;
  readonly seq: number;
  readonly steps: readonly ChangeStep[];
  readonly tree: readonly Node[];
}

export interface RegistryView extends JournalView<RegistryKeyNode> {
  readonly diff: readonly RegistryDiffEntry[];
}

export interface FolderNode {
  readonly name: string;
  readonly path: string;
  readonly kind: "file" | "directory";
  /** A file's size; a folder's is the sum of the files below it. */
  readonly size: number;
  readonly children: readonly FolderNode[];
}

export interface FolderChange {
  readonly kind: "added" | "changed" | "removed";
  readonly path: string;
  readonly entry: "file" | "directory";
  readonly sizeBefore?: number;
  readonly sizeAfter?: number;
}

export interface FoldersView extends JournalView<FolderNode> {
  readonly changes: readonly FolderChange[];
}

/** Bytes received against simulated time for one download, from its typed events. */
export interface DownloadCurve {
  readonly appId: string | undefined;
  readonly name: string;
  readonly fileId: string | undefined;
  readonly outcome: "completed" | "failed" | "running";
  /** The total when completed (download.completed's size), else the bytes known so far. */
  readonly totalBytes: number;
  /** simTime, bytes received by then, and the event that says so. */
  readonly points: readonly {
    readonly simTime: number;
    readonly bytes: number;
    readonly seq: number;
    readonly phase: string;
  }[];
}

export interface DownloadsView {
  readonly deviceId: string;
  readonly downloads: readonly DownloadCurve[];
}
