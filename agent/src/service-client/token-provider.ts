import type { Clock } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import { type AccessToken, type ImeServiceClient, isServiceError } from "./types.ts";

/** Renew this long before expiry, so a token never dies mid-check-in. */
const RENEW_MARGIN_MS = 5 * 60_000;

/** The IME's token cache: one token reused until it nears expiry or the service answers 401. */
export interface TokenProvider {
  get(): Promise<string>;
  /** Forgets the cached token (after a 401). */
  invalidate(): void;
}

/** A token cache over `service.acquireToken`, emitting token.acquired / token.failed. */
export function createTokenProvider(
  service: ImeServiceClient,
  clock: Clock,
  events: ImeEventStream,
): TokenProvider {
  let cached: AccessToken | undefined;
  return {
    async get() {
      if (cached !== undefined && clock.now() < cached.expiresAt - RENEW_MARGIN_MS) {
        return cached.value;
      }
      try {
        cached = await service.acquireToken();
      } catch (error) {
        cached = undefined;
        events.emit({
          phase: "token.failed",
          details: {
            errorCode: isServiceError(error) ? (error.status ?? 0) : 0,
            message: error instanceof Error ? error.message : String(error),
          },
        });
        throw error;
      }
      events.emit({ phase: "token.acquired", details: { expiresAt: cached.expiresAt } });
      return cached.value;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/** How many times a throttled or unavailable call is tried again before the step fails. */
export const SERVICE_RETRY_LIMIT = 3;
/** Wait before retrying an unavailable service or a 429 without Retry-After. */
export const SERVICE_RETRY_DELAY_MS = 60_000;

/**
 * Runs a service call with the IME's reactions: a 401 renews the token once; 429 waits Retry-After;
 * 5xx and time-outs wait and retry, up to SERVICE_RETRY_LIMIT; anything else fails the step.
 */
export async function callService<T>(
  tokens: TokenProvider,
  clock: Clock,
  call: (token: string) => Promise<T>,
): Promise<T> {
  let renewed = false;
  for (let attempt = 0; ; attempt++) {
    const token = await tokens.get();
    try {
      return await call(token);
    } catch (error) {
      if (isServiceError(error, "unauthorized") && !renewed) {
        renewed = true;
        tokens.invalidate();
        continue;
      }
      const transient =
        isServiceError(error, "throttled") ||
        isServiceError(error, "unavailable") ||
        isServiceError(error, "timeout");
      if (!transient || attempt + 1 >= SERVICE_RETRY_LIMIT) throw error;
      await clock.sleep(error.retryAfterMs ?? SERVICE_RETRY_DELAY_MS);
    }
  }
}
