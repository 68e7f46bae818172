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
