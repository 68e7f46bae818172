// An undici Dispatcher that hands each request to the in-process mock through Fastify's `inject`: the
// agent's own HTTP client, its requests and every route, validation and fault of the service stay the
// same, without a socket and an HTTP parser on each side. `imesim run` uses it for its devices.
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { MockIntuneServer } from "@imesim/mock-service";
import { Dispatcher } from "undici";

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

/** The side of an injected exchange the controller drives: the answer's body while it streams. */
interface Exchange {
  body: Readable | undefined;
  /** The mock's side of the answer (light-my-request's response), ended on abort so its sender stops. */
  answer: { destroy(): void } | undefined;
}

/**
 * A controller for one injected exchange: pause and resume hold and release a streamed body (undici pauses
 * when its reader falls behind, so a large body waits in the mock rather than piling up here); abort marks it
 * and ends the body.
 */
function controllerFor(exchange: Exchange): Dispatcher.DispatchController {
  let reason: Error | null = null;
  let paused = false;
  return {
    get aborted() {
      return reason !== null;
    },
    get paused() {
      return paused;
    },
    get reason() {
      return reason;
    },
    abort(error: Error) {
      reason = error;
      exchange.body?.destroy(error);
      exchange.answer?.destroy();
    },
    pause() {
      paused = true;
      exchange.body?.pause();
    },
    resume() {
      paused = false;
      exchange.body?.resume();
    },
  };
}

/** Routes every request of a dispatcher-aware client (undici `request(url, { dispatcher })`) into `server.inject`. */
export class InjectDispatcher extends Dispatcher {
  readonly #server: MockIntuneServer;

  constructor(server: MockIntuneServer) {
    super();
    this.#server = server;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const exchange: Exchange = { body: undefined, answer: undefined };
    const controller = controllerFor(exchange);
    // A GET's answer may be a package's whole .bin: it streams, chunk by chunk, as the mock writes it.
    const streamed = options.method === "GET";
    const body = options.body;
    if (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array)) {
      handler.onResponseError?.(controller, new Error("InjectDispatcher sends string or byte bodies only"));
      return true;
    }
    handler.onRequestStart?.(controller, {});
    this.#server
      .inject({
        method: options.method as "GET",
        url: options.path,
        headers: headersOf(options.headers),
        ...(body === undefined || body === null
          ? {}
          : { payload: typeof body === "string" ? body : Buffer.from(body) }),
        payloadAsStream: streamed,
      })
      .then((response) => {
        // An aborted request (the client's time-out) must still settle, or its caller would wait forever.
        if (streamed) exchange.answer = (response.raw as { res: { destroy(): void } }).res;
        if (controller.aborted) {
          exchange.answer?.destroy();
          handler.onResponseError?.(controller, controller.reason ?? new Error("aborted"));
          return;
        }
        handler.onResponseStart?.(
          controller,
          response.statusCode,
          response.headers as IncomingHttpHeaders,
          response.statusMessage,
        );
        if (!streamed) {
          if (response.rawPayload.length > 0) handler.onResponseData?.(controller, response.rawPayload);
          handler.onResponseEnd?.(controller, {});
          return;
        }
        const stream = response.stream();
        exchange.body = stream;
        if (controller.paused) stream.pause();
        // A body cut short (the mock's "drop" fault) errors the stream, as a reset connection would.
        stream.on("error", (error) => handler.onResponseError?.(controller, error));
        stream.on("data", (chunk: Buffer) => handler.onResponseData?.(controller, chunk));
        stream.on("end", () => handler.onResponseEnd?.(controller, {}));
      })
      .catch((error: unknown) =>
        handler.onResponseError?.(controller, error instanceof Error ? error : new Error(String(error))),
      );
    return true;
  }

  override async close(): Promise<void> {}

  override async destroy(): Promise<void> {}
}
