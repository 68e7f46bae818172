// What the agent needs from the Intune service, device-facing only. The HTTP implementation speaks the
// SideCar gateway wire format (ime.md §3.1); tests use an in-memory double of the same interface.
import type { InstallContext, Intent, TargetType } from "@imesim/contracts/enums";
import { ImesimError } from "@imesim/contracts/errors";
import type { DecryptInfo, Win32AppResult } from "@imesim/contracts/gateway";
import type { AppListKind, CheckinReasonName } from "../events/types.ts";

/** An Entra access token for the IME resource, as far as the agent cares. */
export interface AccessToken {
  readonly value: string;
  /** Epoch ms (on the agent's clock) after which the token must be renewed. */
  readonly expiresAt: number;
}

/** One app-list request (`RequestApplication` / `GetAvailableApp` / `GetSelectedApp`, ime.md §3.1). */
export interface AppListRequest {
  readonly token: string;
  readonly kind: AppListKind;
  /** Entra object id of the session's user, or the all-zero id for the device session. */
  readonly userId: string;
  readonly reason: CheckinReasonName;
}

/** The decoded app list: the exact "Get policies" JSON text plus the service's check-in hint. */
export interface AppListResponse {
  readonly policiesJson: string;
  readonly checkinIntervalMinutes?: number;
}

/** `GetContentInfo` request (ime.md §3.2). */
export interface ContentInfoRequest {
  readonly token: string;
  readonly appId: string;
  readonly appName: string;
  readonly version: number;
  readonly intent: Intent;
  readonly userId: string;
  readonly targetType: TargetType;
  readonly installContext: InstallContext;
}

/** `GetContentInfo` answer with DecryptInfo already unwrapped with the device key. */
export interface ContentInfo {
  /** `UploadLocation`: the `.intunewin.bin` URL (ime.md §3.2). */
  readonly url: string;
  /** Encrypted size in bytes when the service says it. */
  readonly size?: number;
  /** DecryptInfo, opened with the device key (ime.md §3.2). */
  readonly encryption: DecryptInfo;
}

/** A request for the encrypted content, optionally resumed at `fromByte` with an HTTP Range (ime.md §3.4). */
export interface ContentDownloadRequest {
  readonly token: string;
  readonly url: string;
  readonly fromByte: number;
}

/** A script-workload call: which request type, for whose session, with what payload. */
export interface ScriptSessionRequest {
  readonly token: string;
  readonly userId: string;
  readonly contentType:
    | "PolicyRequest"
    | "GetScript"
    | "PolicyResult"
    | "GetComplianceScript"
    | "ComplianceScriptResult"
    | "ApplicationInventory";
  readonly payload: string;
  readonly reason: CheckinReasonName;
}

/** The device-facing service routes the IME uses. */
export interface ImeServiceClient {
  acquireToken(): Promise<AccessToken>;
  requestApps(request: AppListRequest): Promise<AppListResponse>;
  getContentInfo(request: ContentInfoRequest): Promise<ContentInfo>;
  /** Streams the encrypted content from `fromByte`; throws ServiceError `CONNECTION_DROPPED` mid-way when the link drops. */
  downloadContent(request: ContentDownloadRequest): AsyncIterable<Uint8Array>;
  /** The `Win32AppResult` upload (ime.md §9; shape: contracts/gateway). */
  sendResults(request: { token: string; userId: string; results: readonly Win32AppResult[] }): Promise<void>;
  /**
   * One script-workload gateway call (`PolicyRequest`, `GetScript`, `PolicyResult`; ime.md §3.1): the
   * answer's ResponsePayload text. Optional: a client without it has no script workloads (issue 16).
   */
  scriptSession?(request: ScriptSessionRequest): Promise<string | null>;
  /** Releases connections the client opened itself (the HTTP client's TLS dispatchers); optional for fakes. */
  close?(): Promise<void>;
}

/** Why a service call failed, as the agent must react to it. */
export type ServiceFailure =
  | "unauthorized"
  | "throttled"
  | "unavailable"
  | "notFound"
  | "connectionDropped"
  | "timeout"
  | "badResponse";

const CODES: Record<ServiceFailure, string> = {
  unauthorized: "SERVICE_UNAUTHORIZED",
  throttled: "SERVICE_THROTTLED",
  unavailable: "SERVICE_UNAVAILABLE",
  notFound: "SERVICE_NOT_FOUND",
  connectionDropped: "CONNECTION_DROPPED",
  timeout: "SERVICE_TIMEOUT",
  badResponse: "SERVICE_BAD_RESPONSE",
};

/** A failed service call: `failure` drives retries; `status` and `retryAfterMs` come from the response. */
export class ServiceError extends ImesimError {
  readonly failure: ServiceFailure;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    failure: ServiceFailure,
    message: string,
    options: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(CODES[failure], message);
    this.name = "ServiceError";
    this.failure = failure;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True when `error` is a ServiceError, optionally of one failure kind. */
export function isServiceError(error: unknown, failure?: ServiceFailure): error is ServiceError {
  return error instanceof ServiceError && (failure === undefined || error.failure === failure);
}
