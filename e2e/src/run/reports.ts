// The three `imesim run --report` forms: a readable timeline (text), the whole result (json) and one
// test case per expectation (junit, for CI dashboards).
import type { ImeEvent } from "@imesim/agent/events";
import { EnforcementState, formatHex, nameOf } from "@imesim/contracts/enums";
import { formatDuration } from "../scenario/duration.ts";
import type { TimedAction } from "../scenario/index.ts";
import { fleetSummary, formatFleetSummary } from "./fleet-summary.ts";
import type { RunResult } from "./result.ts";

export type ReportFormat = "text" | "json" | "junit";

/** `+1d02:03:04` relative to the scenario start. */
export function formatOffset(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(totalSeconds / 86_400);
  const rest = totalSeconds % 86_400;
  const hh = String(Math.floor(rest / 3600)).padStart(2, "0");
  const mm = String(Math.floor((rest % 3600) / 60)).padStart(2, "0");
  const ss = String(rest % 60).padStart(2, "0");
  return `+${days > 0 ? `${days}d` : ""}${hh}:${mm}:${ss}`;
}

function stateName(code: number): string {
  return `${code} ${nameOf(EnforcementState, code) ?? ""}`.trim();
}

/** One readable line for the events worth a timeline entry; undefined for the rest. */
export function timelineEntry(
  event: ImeEvent,
  appName: (id: string | undefined) => string,
): string | undefined {
  const app = appName(event.appId);
  switch (event.phase) {
    case "checkin.started":
      return `check-in (${event.details.reason})`;
    case "detection.completed":
      return `${app}: ${event.details.afterExecution ? "re-detection" : "detection"} → ${event.details.detected ? "detected" : "not detected"}`;
    case "applicability.completed":
      return event.details.applicability === 0
        ? undefined
        : `${app}: not applicable (${event.details.applicabilityName})`;
    case "grs.blocked":
      return `${app}: in GRS, not enforced`;
    case "grs.reset":
      return `${app}: GRS reset`;
    case "download.completed":
      return `${app}: content downloaded (${event.details.size} bytes)`;
    case "download.failed":
      return `${app}: download failed ${formatHex(event.details.errorCode)}`;
    case "content.failed":
      return `${app}: content ${event.details.stage} failed${event.details.errorCode === 0 ? "" : ` ${formatHex(event.details.errorCode)}`}`;
    case "install.started":
      return `${app}: ${event.details.intent} run ${event.details.retry + 1}: ${event.details.commandLine}`;
    case "install.finished":
      return event.details.timedOut
        ? `${app}: timed out ${formatHex(event.details.errorCode)}`
        : `${app}: exit code ${event.details.exitCode} → ${event.details.mapping ?? "unmapped"}`;
    case "install.retryScheduled":
      return `${app}: retry in ${formatDuration(event.details.delayMs)}`;
    case "reboot.required":
      return `${app}: ${event.details.kind} reboot required`;
    case "subgraph.skipped":
      return event.details.reason === "reevaluationNotExpired"
        ? undefined
        : `subgraph skipped (${event.details.reason})`;
    case "enforcement.completed":
      return `${app}: ${stateName(event.details.enforcementState)}${event.details.errorCode === 0 ? "" : ` ${formatHex(event.details.errorCode)}`}`;
    case "service.started":
      return `IME service started (${event.details.reason})`;
    // Only when a scenario turns the health task on (issue 16, ime.md §8).
    case "health.completed":
      return `health evaluation: ${event.details.overallState}${event.details.remediated === 0 ? "" : `, ${event.details.remediated} check(s) remediated`}${event.details.failed === 0 ? "" : `, ${event.details.failed} failed`}`;
    default:
      return undefined;
  }
}

/** What a scenario action does, in the timeline's words. */
export function actionEntry(action: TimedAction): string {
  switch (action.do) {
    case "resetApp":
      return `admin: reset ${action.app} (delete its Win32Apps, GRS and Reporting keys${action.restartService === false ? "" : ", restart the service"})`;
    case "requestInstall":
      return `${action.user ?? "user"}: install ${action.app} from the Company Portal`;
    case "logon":
    case "logoff":
      return `${action.user}: ${action.do}`;
    case "syncapp":
      return "intunemanagementextension://syncapp";
    case "companyPortalSync":
      return "user: Company Portal → Settings → Sync (MDM and IME check-in)";
    case "setLogLevel":
      return `admin: switchValue=${action.level} in the IME's .exe.config${action.restartService === false ? "" : ", restart the service"}`;
    case "imeService": {
      const changes = [
        action.state === undefined ? undefined : action.state === "stopped" ? "stop" : "start",
        action.startType === undefined ? undefined : `start-up type ${action.startType}`,
        action.workingSetMb === undefined ? undefined : `working set ${action.workingSetMb} MB`,
      ].filter((part) => part !== undefined);
      return `IME service: ${changes.join(", ")}`;
    }
    default:
      return `action: ${action.do}`;
  }
}

/** The timeline of one device's events, with the scenario's timed actions in between. */
export function formatTimeline(
  events: readonly ImeEvent[],
  startMs: number,
  appName: (id: string | undefined) => string,
  actions: readonly TimedAction[] = [],
): string[] {
  const entries: Array<{ at: number; text: string }> = actions.map((action) => ({
    at: action.atMs,
    text: actionEntry(action),
  }));
  for (const event of events) {
    const entry = timelineEntry(event, appName);
    if (entry !== undefined) entries.push({ at: event.simTime - startMs, text: entry });
  }
  // Stable sort: an action comes before the events it causes at the same instant.
  entries.sort((a, b) => a.at - b.at);
  return entries.map((entry) => `  ${formatOffset(entry.at).padEnd(12)} ${entry.text}`);
}

/** What the text report shows. */
export interface TextReportOptions {
  /** A fleet's report lists every expectation, not only the broken ones. */
  readonly verbose?: boolean;
}

/**
 * The expectation lines: every one for a single device; for a fleet (one check per device, so hundreds) a count
 * and only the broken ones, unless verbose.
 */
function expectationLines(result: RunResult, verbose: boolean): string[] {
  const fleet = result.devices.length > 1;
  const line = (check: RunResult["expectations"][number]) =>
    `  ${check.passed ? "✓" : "✗"} expect[${check.index}] ${check.subject}${fleet ? ` [device ${check.device}]` : ""}: ${check.detail}`;
  if (!fleet || verbose) return ["Expectations:", ...result.expectations.map(line)];
  const broken = result.expectations.filter((check) => !check.passed);
  const held = result.expectations.length - broken.length;
  const counts = `${held} held${broken.length > 0 ? `, ${broken.length} broken` : ""} (--verbose lists every one)`;
  return [`Expectations: ${counts}${broken.length > 0 ? ":" : ""}`, ...broken.map(line)];
}

/** The text report: timeline of device 1 (or the fleet summary), expectations, verdict, where the logs are. */
export function formatTextReport(result: RunResult, options: TextReportOptions = {}): string {
  const { scenario } = result;
  const appName = (id: string | undefined) =>
    id === undefined
      ? ""
      : (scenario.apps.find((app) => app.id.toLowerCase() === id.toLowerCase())?.name ?? id);
  const lines = [
    `Scenario: ${scenario.name} (${result.devices.length} device${result.devices.length === 1 ? "" : "s"}, ${formatDuration(result.simulatedMs)} simulated in ${(result.wallMs / 1000).toFixed(2)} s)`,
  ];
  const first = result.devices[0];
  if (result.devices.length === 1 && first !== undefined) {
    lines.push(
      "",
      "Timeline:",
      ...formatTimeline(first.outcome.events, scenario.startMs, appName, scenario.actions),
    );
    lines.push("", "Final state:");
    for (const state of first.finalStates) {
      const who = state.userName === undefined ? "device" : state.userName;
      const enforcement =
        state.enforcementState === undefined ? "no enforcement state" : stateName(state.enforcementState);
      const error =
        state.errorCode === undefined || state.errorCode === 0 ? "" : ` ${formatHex(state.errorCode)}`;
      lines.push(`  ${state.appName} (${who}): ${enforcement}${error}`);
    }
  } else {
    lines.push("", formatFleetSummary(fleetSummary(scenario.apps, result.devices), result.devices.length));
  }
  if (result.expectations.length > 0) lines.push("", ...expectationLines(result, options.verbose === true));
  for (const error of result.errors) lines.push(`  ✗ ${error}`);
  const failed = result.expectations.filter((check) => !check.passed).length;
  lines.push(
    "",
    result.passed
      ? `PASS: ${result.expectations.length} expectation(s) held`
      : `FAIL: ${failed} of ${result.expectations.length} expectation(s) broken${result.errors.length > 0 ? `, ${result.errors.length} error(s)` : ""}`,
  );
  if (result.outDir !== undefined) lines.push(`Logs, registry exports and reports: ${result.outDir}`);
  return `${lines.join("\n")}\n`;
}

/** The whole result as JSON (events omitted for fleets: they are in --out). */
export function formatJsonReport(result: RunResult): string {
  return `${JSON.stringify(
    {
      scenario: result.scenario.name,
      passed: result.passed,
      wallMs: result.wallMs,
      simulatedMs: result.simulatedMs,
      errors: result.errors,
      expectations: result.expectations,
      devices: result.devices.map((device) => ({
        number: device.outcome.number,
        deviceId: device.deviceId,
        deviceName: device.deviceName,
        apps: device.finalStates,
      })),
      fleet: result.devices.length > 1 ? fleetSummary(result.scenario.apps, result.devices) : undefined,
      outDir: result.outDir,
    },
    null,
    2,
  )}\n`;
}

function xml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** JUnit XML: one test case per checked expectation (per device), errors as a failing case of their own. */
export function formatJunitReport(result: RunResult): string {
  const cases = result.expectations.map((check) => {
    const name = xml(
      `expect[${check.index}] ${check.subject}${result.devices.length > 1 ? ` [device ${check.device}]` : ""}`,
    );
    return check.passed
      ? `    <testcase classname="${xml(result.scenario.name)}" name="${name}"/>`
      : `    <testcase classname="${xml(result.scenario.name)}" name="${name}">\n      <failure message="${xml(check.detail)}"/>\n    </testcase>`;
  });
  const errorCases = result.errors.map(
    (error) =>
      `    <testcase classname="${xml(result.scenario.name)}" name="run">\n      <error message="${xml(error)}"/>\n    </testcase>`,
  );
  const failures = result.expectations.filter((check) => !check.passed).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<testsuites>",
    `  <testsuite name="${xml(result.scenario.name)}" tests="${cases.length + errorCases.length}" failures="${failures}" errors="${errorCases.length}" time="${(result.wallMs / 1000).toFixed(3)}">`,
    ...cases,
    ...errorCases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

/** The report in the asked-for format. */
export function formatRunReport(
  result: RunResult,
  format: ReportFormat,
  options: TextReportOptions = {},
): string {
  if (format === "json") return formatJsonReport(result);
  if (format === "junit") return formatJunitReport(result);
  return formatTextReport(result, options);
}
