// An undici Dispatcher that hands each request to the in-process mock through Fastify's `inject`: the
// agent's own HTTP client, its requests and every route, validation and fault of the service stay the
// same, without a socket and an HTTP parser on each side. `imesim run` uses it for its devices.
import type { IncomingHttpHeaders } from "node:http";
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

/** A controller for one injected exchange: nothing to pause, abort only marks it. */
function controllerFor(): Dispatcher.DispatchController {
  let reason: Error | null = null;
  return {
    get aborted() {
      return reason !== null;
    },
    get paused() {
      return false;
    },
    get reason() {
      return reason;
    },
    abort(error: Error) {
      reason = error;
    },
    pause() {},
    resume() {},
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
    const controller = controllerFor();
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
      })
      .then((response) => {
        // An aborted request (the client's time-out) must still settle, or its caller would wait forever.
        if (controller.aborted) {
          handler.onResponseError?.(controller, controller.reason ?? new Error("aborted"));
          return;
        }
        handler.onResponseStart?.(
          controller,
          response.statusCode,
          response.headers as IncomingHttpHeaders,
          response.statusMessage,
        );
        if (response.rawPayload.length > 0) handler.onResponseData?.(controller, response.rawPayload);
        handler.onResponseEnd?.(controller, {});
      })
      .catch((error: unknown) =>
        handler.onResponseError?.(controller, error instanceof Error ? error : new Error(String(error))),
      );
    return true;
  }

  override async close(): Promise<void> {}

  override async destroy(): Promise<void> {}
}
