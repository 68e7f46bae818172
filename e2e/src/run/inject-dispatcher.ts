// An undici Dispatcher that hands each request to the in-process mock's router (in-process-http.ts): the
// agent's own HTTP client, its requests and every route, hook, validation and fault of the service stay the
// same, without a socket and an HTTP parser on each side. `imesim run` uses it for its devices.
import type { IncomingHttpHeaders } from "node:http";
import type { WholeAnswer, WholeAnswerDispatcher, WholeRequest } from "@imesim/agent/service-client";
import type { MockIntuneServer } from "@imesim/mock-service";
import { Dispatcher } from "undici";
import { exchangeInProcess, type InProcessExchange } from "./in-process-http.ts";

/** undici's header forms (object, flat [name, value, …] list, or iterable of pairs) as one object. */
function headersOf(headers: Dispatcher.DispatchOptions["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2)
      out[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
    return out;
  }
  const entries =
    Symbol.iterator in headers ? [...(headers as Iterable<[string, string]>)] : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value !== undefined)
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

/**
 * The answer's chunks decoded as UTF-8, as `Buffer.concat(bytes).toString("utf8")` would decode them. Text chunks
 * (Fastify's serialized answers) are not encoded and decoded again: a well-formed string comes back as it is, and
 * `toWellFormed` turns a lone surrogate into U+FFFD as the encode and decode do, chunk by chunk.
 */
function textOf(chunks: ReadonlyArray<Buffer | string>): string {
  if (chunks.every((chunk) => typeof chunk === "string"))
    return chunks.length === 1
      ? (chunks[0] as string).toWellFormed()
      : chunks.map((c) => c.toWellFormed()).join("");
  return Buffer.concat(
    chunks.map((chunk) => (typeof chunk === "string" ? Buffer.from(chunk) : chunk)),
  ).toString("utf8");
}

/**
 * One exchange's state as undici's handler sees it: pause holds the mock's writes back (undici pauses when its
 * reader falls behind, so a large body waits in the mock rather than piling up here); abort ends the exchange
 * and settles the handler once.
 */
class Exchange implements Dispatcher.DispatchController {
  reason: Error | null = null;
  paused = false;
  settled = false;
  running: InProcessExchange | undefined;
  readonly #handler: Dispatcher.DispatchHandler;

  constructor(handler: Dispatcher.DispatchHandler) {
    this.#handler = handler;
  }

  get aborted(): boolean {
    return this.reason !== null;
  }

  abort(error: Error): void {
    if (this.reason !== null) return;
    this.reason = error;
    // Settled first: ending the mock's side reports a reset connection, which the client must not see instead.
    this.fail(error);
    this.running?.abort();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.running?.resume();
  }

  /** Settles the handler with an error, once. */
  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.#handler.onResponseError?.(this, error);
  }
}

/** Routes every request of a dispatcher-aware client (undici `request(url, { dispatcher })`) into the in-process mock. */
export class InjectDispatcher extends Dispatcher implements WholeAnswerDispatcher {
  readonly #server: MockIntuneServer;

  constructor(server: MockIntuneServer) {
    super();
    this.#server = server;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const exchange = new Exchange(handler);
    const body = options.body;
    if (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array)) {
      exchange.fail(new Error("InjectDispatcher sends string or byte bodies only"));
      return true;
    }
    handler.onRequestStart?.(exchange, {});
    // A GET's answer may be a package's whole .bin: it goes to the client chunk by chunk, as the mock writes
    // it. Other answers are small and arrive whole, at their end.
    const streamed = options.method === "GET";
    let held: Buffer[] = [];
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    exchangeInProcess(
      this.#server,
      { method: options.method, path: options.path, headers: headersOf(options.headers), body },
      {
        head: (code, values) => {
          if (exchange.settled) return;
          status = code;
          headers = values;
          if (streamed) handler.onResponseStart?.(exchange, status, headers, "");
        },
        data: (given) => {
          if (exchange.settled) return false;
          const chunk = typeof given === "string" ? Buffer.from(given) : given;
          if (!streamed) {
            held.push(chunk);
            return true;
          }
          handler.onResponseData?.(exchange, chunk);
          return !exchange.paused;
        },
        end: () => {
          if (exchange.settled) return;
          exchange.settled = true;
          if (!streamed) {
            handler.onResponseStart?.(exchange, status, headers, "");
            if (exchange.aborted) return;
            const whole = held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held);
            held = [];
            if (whole.length > 0) handler.onResponseData?.(exchange, whole);
          }
          handler.onResponseEnd?.(exchange, {});
        },
        // A body cut short (the mock's "drop" fault) errors the answer, as a reset connection would.
        error: (error) => exchange.fail(error),
      },
    ).then(
      (running) => {
        exchange.running = running;
        // The client gave up while the server was still starting.
        if (exchange.aborted) running.abort();
      },
      (error: unknown) => exchange.fail(error instanceof Error ? error : new Error(String(error))),
    );
    return true;
  }

  /**
   * The answer whole, without undici's request handler and body stream: the agent's client reads its small
   * answers (tokens, discovery, SideCar sessions) this way (agent/src/service-client/whole-answer.ts).
   */
  requestWhole(request: WholeRequest): Promise<WholeAnswer> {
    return new Promise((resolve, reject) => {
      const { signal } = request;
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const chunks: Array<Buffer | string> = [];
      let status = 0;
      let headers: IncomingHttpHeaders = {};
      let headed = false;
      let settled = false;
      let running: InProcessExchange | undefined;
      let abandoned = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        signal.removeEventListener("abort", onAbort);
        return true;
      };
      const fail = (error: Error, midBody: boolean) => {
        if (settle()) reject(Object.assign(error, { midBody }));
      };
      const onAbort = () => {
        abandoned = true;
        // Settled first: ending the mock's side reports a reset connection, which the caller must not see instead.
        fail(signal.reason instanceof Error ? signal.reason : new Error("aborted"), headed);
        running?.abort();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      exchangeInProcess(
        this.#server,
        // The headers as given: the exchange's request lower-cases their names itself (in-process-http.ts).
        { method: request.method, path: request.path, headers: request.headers ?? {}, body: request.body },
        {
          head: (code, values) => {
            headed = true;
            status = code;
            headers = values;
          },
          data: (chunk) => {
            chunks.push(chunk);
            return true;
          },
          end: () => {
            if (settle()) resolve({ statusCode: status, headers, text: textOf(chunks) });
          },
          error: (error) => fail(error, headed),
        },
      ).then(
        (exchange) => {
          running = exchange;
          // The client gave up while the server was still starting.
          if (abandoned) exchange.abort();
        },
        (error: unknown) => fail(error instanceof Error ? error : new Error(String(error)), false),
      );
    });
  }

  override async close(): Promise<void> {}

  override async destroy(): Promise<void> {}
}
