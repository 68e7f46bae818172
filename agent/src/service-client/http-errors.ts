// How HTTP outcomes become the agent's failure kinds (what it retries, resumes, or gives up on).
import { ServiceError, type ServiceFailure } from "./types.ts";

/** How an HTTP status maps onto the agent's failure kinds. */
export function failureOf(status: number): ServiceFailure {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 429) return "throttled";
  if (status === 404) return "notFound";
  if (status === 408 || status === 504) return "timeout";
  if (status >= 500) return "unavailable";
  return "badResponse";
}

/** A network-level error (no HTTP status) as a ServiceError. */
export function networkFailure(error: unknown, what: string, midBody: boolean): ServiceError {
  const code = (error as { code?: string }).code ?? "";
  const message = error instanceof Error ? error.message : String(error);
  const failure: ServiceFailure =
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "UND_ERR_CONNECT_TIMEOUT"
      ? "timeout"
      : midBody
        ? "connectionDropped"
        : "unavailable";
  return new ServiceError(failure, `${what}: ${message}`);
}

/** Seconds or an HTTP date in Retry-After, as ms. */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
