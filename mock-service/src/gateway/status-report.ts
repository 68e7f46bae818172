import { graphInstallStateOf } from "@imesim/contracts/enums";
import type { Win32AppResult } from "@imesim/contracts/gateway";
import type { DeviceStatusRecord, JsonObject } from "../store/records.ts";

/**
 * The per-device status Graph shows (deviceStatuses) for one Win32AppResult entry: the
 * resultant state by name, a detail pointing at the error code when there is one, and the
 * error as a signed Int32 HRESULT (graph-win32.md §4.1).
 */
export function statusFromResult(deviceId: string, result: Win32AppResult, at: string): DeviceStatusRecord {
  // Graph's words are the ResultantAppState names (graph-win32.md §4.1; ime.md §9 uses the same numbers).
  const installState = graphInstallStateOf(result.ResultantAppState);
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
    // The entry as parsed from the request's JSON (parseWin32AppResultPayload): plain JSON already, and only written
    // out by the store, so it is taken as it is rather than copied through JSON text first (issue 18).
    report: result as unknown as JsonObject,
    updatedAt: at,
  };
}
