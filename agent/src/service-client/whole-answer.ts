// A service in this process (imesim run's mock) answers a request without a connection: such a dispatcher can
// hand back the whole answer at once, so the client skips undici's per-request machinery (request handler,
// body stream, abort listeners) for the small requests it reads whole. The content download, which streams,
// still goes through undici.
import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";

/** One request as the dispatcher receives it. */
export interface WholeRequest {
  /** Scheme, host and port, as undici's `origin`. */
  readonly origin: string;
  /** Path and query. */
  readonly path: string;
  readonly method: "GET" | "POST" | "PUT";
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Ends the request (the agent's time-out): the promise rejects. */
  readonly signal: AbortSource;
}

/** What ends a whole request: an AbortSignal, or a lighter object with the members a request uses of one. */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once: true }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** The whole answer: status, header values as text, the body decoded as UTF-8 (as `Buffer#toString` decodes it). */
export interface WholeAnswer {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/**
 * A dispatcher that can also answer whole. A rejection carries `midBody: true` when the answer broke off after
 * its headers (a reset connection), as a failing body stream would.
 */
export interface WholeAnswerDispatcher extends Dispatcher {
  requestWhole(request: WholeRequest): Promise<WholeAnswer>;
}

/** True when `dispatcher` can answer whole (an in-process service). */
export function answersWhole(dispatcher: Dispatcher | undefined): dispatcher is WholeAnswerDispatcher {
  return typeof (dispatcher as Partial<WholeAnswerDispatcher> | undefined)?.requestWhole === "function";
}
