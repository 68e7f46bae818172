// HealthReport.json: what one health evaluation found and did. No public documentation or sample of the real
// file is known (ime.md §8 and §11 `[?]`), so its shape is imesim's own and kept small: one object with the run's
// time, the IME version, an overall state and one entry per HealthCheck.xml check. Its place beside
// HealthCheck.xml in the install dir is our choice too.
import type { HealthCheckType, HealthOverallState, HealthRemediation } from "../events/health-events.ts";
import { IME_INSTALL_DIR } from "../ime/paths.ts";

export const HEALTH_REPORT_PATH = `${IME_INSTALL_DIR}\\HealthReport.json`;

export interface HealthReportCheck {
  readonly ID: string;
  readonly Type: HealthCheckType;
  /** Passed as found; Remediated when a failed check passed after its remediation; Failed otherwise. */
  readonly Result: "Passed" | "Remediated" | "Failed";
  readonly Expected: string;
  readonly Observed: string;
  readonly Remediation: {
    readonly Action: HealthRemediation;
    readonly Succeeded: boolean;
    readonly Message: string;
  } | null;
}

export interface HealthReport {
  /** Says the shape is imesim's, so nobody takes it for the real file's. */
  readonly Schema: "imesim-health-report/1";
  readonly EvaluationTimeUtc: string;
  readonly AgentVersion: string;
  readonly OverallState: HealthOverallState;
  /** Set when HealthCheck.xml could not be read (no check ran). */
  readonly Error?: string;
  readonly Checks: readonly HealthReportCheck[];
}

/** Healthy when every check passed as found, Remediated when the failures were all repaired, else Unhealthy. */
export function overallStateOf(checks: readonly HealthReportCheck[], error?: string): HealthOverallState {
  if (error !== undefined || checks.some((check) => check.Result === "Failed")) return "Unhealthy";
  return checks.some((check) => check.Result === "Remediated") ? "Remediated" : "Healthy";
}

/** The report's file text: indented JSON with CRLF line ends and a final line break. */
export function formatHealthReport(report: HealthReport): string {
  return `${JSON.stringify(report, null, 2).replace(/\n/g, "\r\n")}\r\n`;
}

/** Reads a report back (expectations, tools). */
export function parseHealthReport(text: string): HealthReport {
  return JSON.parse(text.replace(/^\uFEFF/, "")) as HealthReport;
}
