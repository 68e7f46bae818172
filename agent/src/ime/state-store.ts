import { createHash } from "node:crypto";
import {
  type AppStatusReport,
  parseAppStatusReport,
  serializeAppStatusReport,
} from "@imesim/contracts/gateway";
import {
  APP_INSTALL_STATUS_REPORT_VALUE,
  type AppInstallStatusReport,
  type ComplianceStateMessage,
  type EnforcementStateMessage,
  parseAppInstallStatusReport,
  parseComplianceStateMessage,
  parseEnforcementStateMessage,
  serializeAppInstallStatusReport,
  serializeComplianceStateMessage,
  serializeEnforcementStateMessage,
} from "@imesim/contracts/ime";
import { frozenParseMemo } from "@imesim/contracts/schema";
import type { Registry, RegistryValue } from "../host/types.ts";
import {
  grsKey,
  OPERATIONAL_STATE_KEY,
  PENDING_HARD_REBOOT_VALUE,
  reportingAppKey,
  SETTINGS_INTERVAL_VALUE,
  SETTINGS_KEY,
  STATUS_SERVICE_REPORTS_KEY,
  WIN32_APPS_KEY,
  win32AppKey,
} from "./paths.ts";
import { formatImeTimestamp, parseImeTimestamp } from "./timestamps.ts";

/** One app revision in one user's (or the device's) context. */
export interface AppStateRef {
  readonly userId: string;
  readonly appId: string;
  readonly version: number;
}

const SUBGRAPH_EVALUATION_VALUE = "SubgraphEvaluationTimeUTC";
/**
 * Where the last re-evaluation check-in time of a session is kept: the IME logs it (ime.md §11a) but where it
 * keeps it is not known; ours is a value on the user's Win32Apps key [I].
 */
const CHECKIN_EVALUATION_VALUE = "ReevaluationCheckinTimeUTC";
/**
 * Set on Reporting\<user>\<app> when a report awaits upload, cleared once the service has it. The real
 * IME's bookkeeping for this is not documented (ime.md §4.5, §9 mention only LastFullReportTimeUtc); ours
 * makes a report survive a crash between enforcement and upload without being sent twice.
 */
const PENDING_UPLOAD_VALUE = "PendingStatusUpload";

/** subgraphHash's results by the text it hashes. */
const subgraphHashes = new Map<string, string>();

/**
 * The GRS key name of a subgraph. The real inputs are unknown (ime.md §4.4, §11); we follow §10.6:
 * base64(SHA-256(sorted `appId_ver` of the subgraph, then the user id)), 44 characters like the real ones.
 */
export function subgraphHash(userId: string, apps: Readonly<Array<{ id: string; version: number }>>): string {
  const revisions = apps.map((app) => `${app.id.toLowerCase()}_${app.version}`).sort();
  const text = `${revisions.join(";")}|${userId.toLowerCase()}`;
  // Every check-in plans the same subgraphs again (issue 18): each text is hashed once.
  let hash = subgraphHashes.get(text);
  if (hash === undefined) {
    hash = createHash("sha256").update(text).digest("base64");
    if (subgraphHashes.size >= MEMO_SIZE) subgraphHashes.clear();
    subgraphHashes.set(text, hash);
  }
  return hash;
}

const sz = (data: string): RegistryValue => ({ type: "REG_SZ", data });
const dword = (data: number): RegistryValue => ({ type: "REG_DWORD", data: data >>> 0 });

const stringOf = (value: RegistryValue | undefined): string | undefined =>
  value !== undefined && (value.type === "REG_SZ" || value.type === "REG_EXPAND_SZ") ? value.data : undefined;

/** The IME's persisted state, read and written exactly where the IME keeps it (ime.md §4). */
export interface ImeStateStore {
  readonly registry: Registry;
  readCompliance(ref: AppStateRef): ComplianceStateMessage | undefined;
  /** `<app>\ComplianceStateMessage` value `ComplianceStateMessage` plus the app key's Intent/LastUpdatedTimeUtc. */
  writeCompliance(ref: AppStateRef, message: ComplianceStateMessage, intent: number, at: number): string;
  readEnforcement(ref: AppStateRef): EnforcementStateMessage | undefined;
  /** `<app>\EnforcementStateMessage`; `exitCode` lands in the app key's ExitCode value when known. */
  writeEnforcement(ref: AppStateRef, message: EnforcementStateMessage, at: number, exitCode?: number): string;
  /** The app revision keys the user has state for, as `{appId, version}`. */
  listAppStates(userId: string): Array<{ appId: string; version: number }>;
  readGrs(userId: string, hash: string, appId: string): number | undefined;
  recordGrs(userId: string, hash: string, appId: string, at: number): void;
  /** Removes an app's GRS value; true when there was one. */
  clearGrs(userId: string, hash: string, appId: string): boolean;
  readSubgraphEvaluation(userId: string, hash: string): number | undefined;
  recordSubgraphEvaluation(userId: string, hash: string, at: number): void;
  /** When the user's (or the device's) session last checked in (ime.md §11a re-evaluation check-in time). */
  readCheckinEvaluation(userId: string): number | undefined;
  recordCheckinEvaluation(userId: string, at: number): void;
  /**
   * Reporting\<user>\<app> ReportingState/LastUpdatedTime, ReportCache LastHashValue, and the StatusService's
   * AppInstallStatusReport under SideCarPolicies\StatusServiceReports\<user>\<app> (ime.md §4.5), in one write.
   */
  writeReporting(
    userId: string,
    appId: string,
    report: AppStatusReport,
    statusReport: AppInstallStatusReport,
    hash: string,
    at: number,
  ): void;
  readReportingState(userId: string, appId: string): AppStatusReport | undefined;
  /** The AppInstallStatusReport the ESP page and the Company Portal read (ime.md §4.5). */
  readStatusServiceReport(userId: string, appId: string): AppInstallStatusReport | undefined;
  /** App ids whose latest report has not reached the service yet (survives a crash). */
  pendingReports(userId: string): string[];
  /** Every app id with a Reporting key for the user (what a full report covers). */
  reportedApps(userId: string): string[];
  /** `Reporting\<user>` LastFullReportTimeUtc (ime.md §4.5); deleting it forces a full report. */
  lastFullReport(userId: string): number | undefined;
  recordFullReport(userId: string, at: number): void;
  /** Marks reports as delivered. */
  clearPendingReports(userId: string, appIds: readonly string[]): void;
  /** `Settings\Interval` in seconds, when set to a positive number (ime.md §4.5 [?]). */
  checkinIntervalSeconds(): number | undefined;
  pendingHardReboot(): boolean;
  setPendingHardReboot(pending: boolean): void;
}

/** The most texts a memo keeps (an app's state text changes only when it is written). */
const MEMO_SIZE = 2048;

/**
 * The state texts parsed, one memo for every device in the process behind each device's own: a fleet's devices
 * write the same few texts (the same apps, the same virtual times), so 300 devices parsed 3,300 texts where 11
 * were distinct (issue 18). Each result is deep-frozen, so sharing it across devices is as safe as sharing it
 * across one device's reads. A device's own memo stays in front, so devices that write texts of their own (a
 * fleet started at different times) still find theirs however many others do.
 */
const parseComplianceShared = frozenParseMemo(parseComplianceStateMessage, MEMO_SIZE);
const parseEnforcementShared = frozenParseMemo(parseEnforcementStateMessage, MEMO_SIZE);
const parseReportShared = frozenParseMemo(parseAppStatusReport, MEMO_SIZE);

/**
 * `build`, remembered per parts: the registry finds a key by its text, and a text built again at every read must be
 * flattened and hashed again (issue 18: about a third of the registry's time in a simulated month). The parts
 * (user ids, app ids, hashes) are the same strings read after read, which V8 hashes once. One level of maps per
 * part, and no array of the parts per call (a read of one GRS value made one).
 */
function spelled1(build: (a: string) => string): (a: string) => string {
  let texts = new Map<string, string>();
  return (a) => {
    let text = texts.get(a);
    if (text === undefined) {
      if (texts.size >= MEMO_SIZE) texts = new Map();
      text = build(a);
      texts.set(a, text);
    }
    return text;
  };
}

/** The map under `key` in `outer`, made when missing. */
function inner(outer: Map<unknown, unknown>, key: unknown): Map<unknown, unknown> {
  let map = outer.get(key) as Map<unknown, unknown> | undefined;
  if (map === undefined) {
    map = new Map();
    outer.set(key, map);
  }
  return map;
}

/** The nested maps of a memo of texts by several parts; it starts over past MEMO_SIZE texts. */
class Texts {
  #root = new Map<unknown, unknown>();
  #size = 0;
  /** The map below the first part. */
  under(first: unknown): Map<unknown, unknown> {
    if (this.#size >= MEMO_SIZE) {
      this.#root = new Map();
      this.#size = 0;
    }
    return inner(this.#root, first);
  }
  /** The text under the last part in `map`, built when missing. */
  text(map: Map<unknown, unknown>, last: unknown, build: () => string): string {
    let text = map.get(last) as string | undefined;
    if (text === undefined) {
      text = build();
      map.set(last, text);
      this.#size += 1;
    }
    return text;
  }
}

function spelled2(build: (a: string, b: string) => string): (a: string, b: string) => string {
  const texts = new Texts();
  return (a, b) => {
    const map = texts.under(a);
    const hit = map.get(b) as string | undefined;
    return hit ?? texts.text(map, b, () => build(a, b));
  };
}

function spelled3(
  build: (a: string, b: string, c: number) => string,
): (a: string, b: string, c: number) => string {
  const texts = new Texts();
  return (a, b, c) => {
    const map = inner(texts.under(a), b);
    const hit = map.get(c) as string | undefined;
    return hit ?? texts.text(map, c, () => build(a, b, c));
  };
}

/*
 * The state keys' texts, one memo for every device in the process: a text is a function of its parts alone, and a
 * fleet's devices name the same users and apps. Kept per device, each device's copies of the maps and texts lived
 * its whole run (issue 18).
 */
const appKey = spelled3(win32AppKey);
const complianceKey = spelled3(
  (userId: string, appId: string, version: number) =>
    `${appKey(userId, appId, version)}\\ComplianceStateMessage`,
);
const enforcementKey = spelled3(
  (userId: string, appId: string, version: number) =>
    `${appKey(userId, appId, version)}\\EnforcementStateMessage`,
);
const grs = spelled2(grsKey);
const reportingKey = spelled2(reportingAppKey);
const reportCacheKey = spelled2(
  (userId: string, appId: string) => `${reportingKey(userId, appId)}\\ReportCache\\${userId}`,
);
const statusReportKey = spelled2(
  (userId: string, appId: string) => `${STATUS_SERVICE_REPORTS_KEY}\\${userId}\\${appId}`,
);
const userKey = spelled1((userId: string) => `${WIN32_APPS_KEY}\\${userId}`);
const reportingUserKey = spelled1((userId: string) => `${WIN32_APPS_KEY}\\Reporting\\${userId}`);

/** Binds the IME's state layout to a device registry. */
export function createImeStateStore(registry: Registry): ImeStateStore {
  // A device re-reads every app's unchanged state messages at each check-in (the re-evaluation gate, the status
  // upload): its own memo answers those, however many texts other devices fill the shared one with.
  const parseCompliance = frozenParseMemo(parseComplianceShared, MEMO_SIZE);
  const parseEnforcement = frozenParseMemo(parseEnforcementShared, MEMO_SIZE);
  const parseReport = frozenParseMemo(parseReportShared, MEMO_SIZE);
  const stamp = (key: string, at: number): void =>
    registry.setValue(key, "LastUpdatedTimeUtc", sz(formatImeTimestamp(at)));
  return {
    registry,
    readCompliance(ref) {
      const key = complianceKey(ref.userId, ref.appId, ref.version);
      const text = stringOf(registry.getValue(key, "ComplianceStateMessage"));
      return text === undefined ? undefined : parseCompliance(text);
    },
    writeCompliance(ref, message, intent, at) {
      const app = appKey(ref.userId, ref.appId, ref.version);
      const key = complianceKey(ref.userId, ref.appId, ref.version);
      registry.transaction(() => {
        registry.setValue(app, "Intent", dword(intent));
        stamp(app, at);
        registry.setValue(key, "ComplianceStateMessage", sz(serializeComplianceStateMessage(message)));
      });
      return key;
    },
    readEnforcement(ref) {
      const key = enforcementKey(ref.userId, ref.appId, ref.version);
      const text = stringOf(registry.getValue(key, "EnforcementStateMessage"));
      return text === undefined ? undefined : parseEnforcement(text);
    },
    writeEnforcement(ref, message, at, exitCode) {
      const app = appKey(ref.userId, ref.appId, ref.version);
      const key = enforcementKey(ref.userId, ref.appId, ref.version);
      registry.transaction(() => {
        if (exitCode !== undefined) registry.setValue(app, "ExitCode", dword(exitCode));
        stamp(app, at);
        registry.setValue(key, "EnforcementStateMessage", sz(serializeEnforcementStateMessage(message)));
      });
      return key;
    },
    listAppStates(userId) {
      const states: Array<{ appId: string; version: number }> = [];
      for (const name of registry.listSubkeys(userKey(userId))) {
        // Non-GUID siblings (GRS, OperationalState, …) are skipped, as the IME's parsers do (ime.md §4.1).
        const match = /^([0-9a-f-]{36})_(\d+)$/i.exec(name);
        if (match !== null) states.push({ appId: match[1]!, version: Number(match[2]) });
      }
      return states;
    },
    readGrs(userId, hash, appId) {
      const text = stringOf(registry.getValue(grs(userId, hash), appId));
      return text === undefined ? undefined : parseImeTimestamp(text, `${grs(userId, hash)}\\${appId}`);
    },
    recordGrs(userId, hash, appId, at) {
      registry.setValue(grs(userId, hash), appId, sz(formatImeTimestamp(at)));
    },
    clearGrs(userId, hash, appId) {
      return registry.deleteValue(grs(userId, hash), appId);
    },
    readSubgraphEvaluation(userId, hash) {
      const text = stringOf(registry.getValue(grs(userId, hash), SUBGRAPH_EVALUATION_VALUE));
      return text === undefined
        ? undefined
        : parseImeTimestamp(text, `${grs(userId, hash)}\\${SUBGRAPH_EVALUATION_VALUE}`);
    },
    recordSubgraphEvaluation(userId, hash, at) {
      registry.setValue(grs(userId, hash), SUBGRAPH_EVALUATION_VALUE, sz(formatImeTimestamp(at)));
    },
    readCheckinEvaluation(userId) {
      const key = userKey(userId);
      const text = stringOf(registry.getValue(key, CHECKIN_EVALUATION_VALUE));
      return text === undefined ? undefined : parseImeTimestamp(text, `${key}\\${CHECKIN_EVALUATION_VALUE}`);
    },
    recordCheckinEvaluation(userId, at) {
      registry.setValue(userKey(userId), CHECKIN_EVALUATION_VALUE, sz(formatImeTimestamp(at)));
    },
    writeReporting(userId, appId, report, statusReport, hash, at) {
      const key = reportingKey(userId, appId);
      const when = sz(formatImeTimestamp(at));
      registry.transaction(() => {
        const serialized = serializeAppStatusReport(report);
        // Only a changed report is a delta to upload (ime.md §9: deltas, plus a periodic full report).
        const changed = stringOf(registry.getValue(key, "ReportingState")) !== serialized;
        registry.setValue(key, "ReportingState", sz(serialized));
        registry.setValue(key, "LastUpdatedTime", when);
        registry.setValue(key, "StatusServiceReportTime", when);
        registry.setValue(reportCacheKey(userId, appId), "LastHashValue", sz(hash));
        registry.setValue(
          statusReportKey(userId, appId),
          APP_INSTALL_STATUS_REPORT_VALUE,
          sz(serializeAppInstallStatusReport(statusReport)),
        );
        if (changed) registry.setValue(key, PENDING_UPLOAD_VALUE, dword(1));
      });
    },
    readReportingState(userId, appId) {
      const text = stringOf(registry.getValue(reportingKey(userId, appId), "ReportingState"));
      return text === undefined ? undefined : parseReport(text);
    },
    readStatusServiceReport(userId, appId) {
      const text = stringOf(
        registry.getValue(statusReportKey(userId, appId), APP_INSTALL_STATUS_REPORT_VALUE),
      );
      return text === undefined ? undefined : parseAppInstallStatusReport(text);
    },
    pendingReports(userId) {
      return registry
        .listSubkeys(reportingUserKey(userId))
        .filter((appId) => registry.getValue(reportingKey(userId, appId), PENDING_UPLOAD_VALUE)?.data === 1);
    },
    reportedApps(userId) {
      return registry.listSubkeys(reportingUserKey(userId));
    },
    lastFullReport(userId) {
      const key = reportingUserKey(userId);
      const text = stringOf(registry.getValue(key, "LastFullReportTimeUtc"));
      return text === undefined ? undefined : parseImeTimestamp(text, `${key}\\LastFullReportTimeUtc`);
    },
    recordFullReport(userId, at) {
      registry.setValue(reportingUserKey(userId), "LastFullReportTimeUtc", sz(formatImeTimestamp(at)));
    },
    clearPendingReports(userId, appIds) {
      registry.transaction(() => {
        for (const appId of appIds) registry.deleteValue(reportingKey(userId, appId), PENDING_UPLOAD_VALUE);
      });
    },
    checkinIntervalSeconds() {
      const value = registry.getValue(SETTINGS_KEY, SETTINGS_INTERVAL_VALUE);
      if (value === undefined) return undefined;
      const seconds =
        value.type === "REG_DWORD"
          ? value.data
          : value.type === "REG_SZ"
            ? Number.parseInt(value.data, 10)
            : Number.NaN;
      return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
    },
    pendingHardReboot() {
      const value = registry.getValue(OPERATIONAL_STATE_KEY, PENDING_HARD_REBOOT_VALUE);
      return value?.type === "REG_DWORD" && value.data !== 0;
    },
    setPendingHardReboot(pending) {
      if (pending) registry.setValue(OPERATIONAL_STATE_KEY, PENDING_HARD_REBOOT_VALUE, dword(1));
      else registry.deleteValue(OPERATIONAL_STATE_KEY, PENDING_HARD_REBOOT_VALUE);
    },
  };
}
