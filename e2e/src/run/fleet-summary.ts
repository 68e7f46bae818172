// The portal's per-app view of a fleet (graph-win32.md §4.1 installSummary): how many devices have the
// app installed, failed, pending, not applicable or not installed, and which error codes the failures show.
import { formatHex } from "@imesim/contracts/enums";
import type { AppFinalState, DeviceRun } from "./result.ts";

export type PortalStatus = "installed" | "failed" | "pending" | "notApplicable" | "notInstalled";

export interface AppFleetSummary {
  readonly appName: string;
  readonly counts: Readonly<Record<PortalStatus, number>>;
  /** `0x87D1041C` → number of devices. */
  readonly errorCodes: Readonly<Record<string, number>>;
}

/** The portal bucket of one app state, by the EnforcementState bands of ime.md §4.2. */
export function portalStatusOf(state: AppFinalState | undefined): PortalStatus {
  const enforcement = state?.enforcementState;
  if (state?.applicability !== undefined && state.applicability !== 0) return "notApplicable";
  if (enforcement === undefined) return "pending";
  if (enforcement >= 1000 && enforcement < 2000) return "installed";
  if (enforcement >= 2000 && enforcement < 3000) return "pending";
  if (enforcement >= 3000 && enforcement < 4000) return "notApplicable";
  if (enforcement >= 5000 && enforcement < 6000) return "failed";
  return "notInstalled";
}

/** Counts each app's devices per portal status, using the device-context state (or the first user's). */
export function fleetSummary(appNames: readonly string[], devices: readonly DeviceRun[]): AppFleetSummary[] {
  return appNames.map((appName) => {
    const counts: Record<PortalStatus, number> = {
      installed: 0,
      failed: 0,
      pending: 0,
      notApplicable: 0,
      notInstalled: 0,
    };
    const errorCodes: Record<string, number> = {};
    for (const device of devices) {
      const state = device.finalStates.find((candidate) => candidate.appName === appName);
      const status = portalStatusOf(state);
      counts[status] += 1;
      if (status === "failed" && state?.errorCode !== undefined && state.errorCode !== 0) {
        const code = formatHex(state.errorCode);
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      }
    }
    return { appName, counts, errorCodes };
  });
}

/** The fleet summary as a table. */
export function formatFleetSummary(summaries: readonly AppFleetSummary[], deviceCount: number): string {
  const width = Math.max(4, ...summaries.map((summary) => summary.appName.length));
  const header = `${"app".padEnd(width)}  installed  failed  pending  not applicable  not installed`;
  const rows = summaries.map((summary) => {
    const c = summary.counts;
    const codes = Object.entries(summary.errorCodes)
      .sort((a, b) => b[1] - a[1])
      .map(([code, count]) => `${code} ×${count}`)
      .join(", ");
    return (
      `${summary.appName.padEnd(width)}  ${String(c.installed).padStart(9)}  ${String(c.failed).padStart(6)}  ` +
      `${String(c.pending).padStart(7)}  ${String(c.notApplicable).padStart(14)}  ${String(c.notInstalled).padStart(13)}` +
      (codes === "" ? "" : `   errors: ${codes}`)
    );
  });
  return [`Fleet of ${deviceCount} devices:`, header, ...rows].join("\n");
}
