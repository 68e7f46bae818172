import type { Win32AppResult } from "@imesim/contracts/gateway";
import type { DeviceStatusRecord, JsonObject } from "../store/records.ts";

// Graph resultantAppState names by number (graph-win32.md §4.1; ime.md §9 uses the same numbers).
const installStates: Record<number, string> = {
  1: "installed",
  2: "failed",
  3: "notInstalled",
  4: "uninstallFailed",
  5: "pendingInstall",
  99: "unknown",
  [-1]: "notApplicable",
};

/**
 * The per-device status Graph shows (deviceStatuses) for one Win32AppResult entry: the
 * resultant state by name, a detail pointing at the error code when there is one, and the
 * error as a signed Int32 HRESULT (graph-win32.md §4.1).
 */
export function statusFromResult(deviceId: string, result: Win32AppResult, at: string): DeviceStatusRecord {
  const installState = installStates[result.ResultantAppState] ?? "unknown";
  const errorCode =
    result.EnforcementErrorCode ?? result.DetectionErrorCode ?? result.ApplicabilityErrorCode ?? 0;
  const detail =
    installState === "failed"
      ? "seeInstallErrorCode"
      : installState === "uninstallFailed"
        ? "seeUninstallErrorCode"
        : "noAdditionalDetails";
  return {
    appId: result.ApplicationId.toLowerCase(),
    deviceId,
    userId: result.UserId.toLowerCase(),
    installState,
    installStateDetail: detail,
    errorCode: errorCode | 0,
    report: JSON.parse(JSON.stringify(result)) as JsonObject,
    updatedAt: at,
  };
}
