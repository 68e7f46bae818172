export type { DeviceIdentity } from "./device-identity.ts";
export { IME_CLIENT_ID, IME_RESOURCE_ID } from "./device-identity.ts";
export type { Enrollment, EnrollmentRequest } from "./enrollment.ts";
export { enrollDevice } from "./enrollment.ts";
export { holdingClock } from "./held-client.ts";
export type { HttpServiceClientOptions } from "./http-client.ts";
export { createHttpServiceClient } from "./http-client.ts";
export { isPlainPath } from "./plain-url.ts";
export type { TokenProvider } from "./token-provider.ts";
export {
  callService,
  createTokenProvider,
  SERVICE_RETRY_DELAY_MS,
  SERVICE_RETRY_LIMIT,
} from "./token-provider.ts";
export type {
  AccessToken,
  AppListRequest,
  AppListResponse,
  ContentDownloadRequest,
  ContentInfo,
  ContentInfoRequest,
  ImeServiceClient,
  ServiceFailure,
} from "./types.ts";
export { isServiceError, ServiceError } from "./types.ts";
export type { WholeAnswer, WholeAnswerDispatcher, WholeRequest } from "./whole-answer.ts";
