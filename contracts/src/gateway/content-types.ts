/** `RequestContentType` names the IME sends (ime.md §3.1 item 5); values are the wire strings. */
export const RequestContentType = {
  /** "Requesting required apps": app list, gzip payload. */
  RequestApplication: "RequestApplication",
  /** "Requesting available apps only". */
  GetAvailableApp: "GetAvailableApp",
  /** "Requesting selected apps for ESP": app list, gzip payload. */
  GetSelectedApp: "GetSelectedApp",
  GetContentInfo: "GetContentInfo",
  /** Status upload (ime.md §9). */
  Win32AppResult: "Win32AppResult",
  /** Platform scripts. */
  PolicyRequest: "PolicyRequest",
  PolicyResult: "PolicyResult",
  /** Remediations. */
  GetScript: "GetScript",
  ApplicationInventory: "ApplicationInventory",
  GetFlightingTags: "GetFlightingTags",
  GetSideCarGenericPolicies: "GetSideCarGenericPolicies",
  GetProvisioningContentInfo: "GetProvisioningContentInfo",
  GetDeviceProvisioningScripts: "GetDeviceProvisioningScripts",
  ReportDeviceProvisioningScriptResults: "ReportDeviceProvisioningScriptResults",
  DeviceQueryResult: "DeviceQueryResult",
  GenericPolicyResponse: "GenericPolicyResponse",
  GetAppProvisioning: "GetAppProvisioning",
  GetBrand: "GetBrand",
  GetMockApp: "GetMockApp",
  GetWin10SUnlockTokenAndPolicy: "GetWin10SUnlockTokenAndPolicy",
  GetWin10SUnlockTokenAndPolicyReport: "GetWin10SUnlockTokenAndPolicyReport",
  GetWinUnlockTokenAndPolicy: "GetWinUnlockTokenAndPolicy",
} as const;
export type RequestContentType = (typeof RequestContentType)[keyof typeof RequestContentType];

/** The request types whose `ResponsePayload` is an app list: base64(length ‖ gzip(JSON)) (ime.md §3.1 item 4). */
export const APP_LIST_CONTENT_TYPES: readonly RequestContentType[] = Object.freeze([
  RequestContentType.RequestApplication,
  RequestContentType.GetSelectedApp,
  // The available list is an app list too; S11 names only the two above as gzip-encoded, we treat it alike [I].
  RequestContentType.GetAvailableApp,
]);

/** True when a request type's response payload uses the app-list encoding. */
export function isAppListContentType(type: string): boolean {
  return (APP_LIST_CONTENT_TYPES as readonly string[]).includes(type);
}

/** `ResponseContentType` the service answers with; "PolicyResponse" is the one observed (ime.md §3.1 item 3). */
export const ResponseContentType = {
  PolicyResponse: "PolicyResponse",
} as const;
export type ResponseContentType = (typeof ResponseContentType)[keyof typeof ResponseContentType];
