// The request and response objects one in-process exchange hands to the mock's Fastify router
// (`server.routing`, the same function the HTTP server calls for each parsed request). Fastify's `inject`
// builds them with light-my-request: a full http.ServerResponse that renders header text, a null socket
// that defers every write to setImmediate, a URL object and an options schema check per request. Here the
// request carries its whole body and the response a small object that hands status, header values and
// body chunks straight to a sink. Routing, hooks, schema validation, the error handler, faults and every
// check behind the routes are Fastify's and the mock's own, unchanged: only the framing is left out.
import { EventEmitter } from "node:events";
import { isPlainPath } from "@imesim/agent/service-client";
import type { MockIntuneServer } from "@imesim/mock-service";

/** One request as the transport received it: header names in any case, a text or byte body. */
export interface InProcessRequest {
  readonly method: string;
  /** Path and query, as on the request line. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | null | undefined;
}

/** What the mock's answer delivers, in order: head once, then body chunks, then end or error. */
export interface ResponseSink {
  head(status: number, headers: Record<string, string | string[]>): void;
  /**
   * What was written: text written as UTF-8 as it was given (a string cannot change), bytes as a copy. False asks
   * the sender to wait for `resume()` on the exchange.
   */
  data(chunk: Buffer | string): boolean;
  end(): void;
  /** The answer was cut off before its end (the mock's "drop" fault, a failed read): a reset connection. */
  error(error: Error): void;
}

/** The caller's side of a running exchange. */
export interface InProcessExchange {
  /** The reader took what it held back: the sender may write again. */
  resume(): void;
  /** The client gave up (its time-out): the mock's side sees a closed connection. */
  abort(): void;
}

// light-my-request's defaults, kept so the routes see the same request as through `inject`.
const defaultUserAgent = "lightMyRequest";
const defaultHost = "localhost:80";
const clientAddress = "127.0.0.1";
/** Resolves request paths the way light-my-request does (dot segments, percent-encoding of the query). */
const urlBase = "http://localhost";
/** The path and query as `new URL(path, urlBase)` writes them. */
export function resolvedPath(path: string): string {
  // Every request of a fleet's devices is plain; the rest still go through `new URL` (issue 18).
  if (isPlainPath(path)) return path;
  const url = new URL(path, urlBase);
  return url.pathname + url.search;
}

/** The connection an in-process request came on: no TLS, so the device-certificate check sees `noTls`. */
class InProcessSocket extends EventEmitter {
  readonly remoteAddress = clientAddress;
  readonly encrypted = false;
  readonly #onDestroy: () => void;

  constructor(onDestroy: () => void) {
    super();
    this.#onDestroy = onDestroy;
  }

  destroy(): void {
    this.#onDestroy();
  }
}

/**
 * The request Fastify reads: method, URL, lower-case headers, and the body, already whole. Not a Readable (a stream
 * and its state per request were a measurable share of the transport, issue 18): the body arrives as a stream's
 * would, through what its readers use of one. Fastify's body reader (its content-type parsers' `parseAs`, which keeps
 * its limits, length check and errors) listens for `data`, `end` and `error` and calls `resume()`; it sees one
 * `data` on the next tick and `end` on the one after, as from an ended Readable. A route that reads the body itself
 * (the mock's blob upload) iterates it.
 */
class InProcessIncoming extends EventEmitter {
  readonly method: string;
  url: string;
  readonly headers: Record<string, string>;
  readonly socket: InProcessSocket;
  readonly httpVersion = "1.1";
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  aborted = false;
  /** The body not yet handed out; null once it has been (or is on its way). */
  #body: Buffer | undefined | null;

  constructor(request: InProcessRequest, socket: InProcessSocket) {
    super();
    this.url = resolvedPath(request.path);
    this.method = request.method.toUpperCase();
    const headers: Record<string, string> = {};
    for (const name in request.headers) {
      const value = request.headers[name];
      if (value !== undefined) headers[name.toLowerCase()] = String(value);
    }
    headers["user-agent"] ??= defaultUserAgent;
    headers.host ||= defaultHost;
    const body = request.body;
    const bytes =
      body === undefined || body === null || body.length === 0
        ? undefined
        : typeof body === "string"
          ? Buffer.from(body)
          : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    if (bytes !== undefined && !Object.hasOwn(headers, "content-length"))
      headers["content-length"] = String(bytes.length);
    this.headers = headers;
    this.socket = socket;
    this.#body = bytes;
  }

  /** Name, value, name, value …: made when read (neither Fastify nor the mock's routes read it). */
  get rawHeaders(): string[] {
    return Object.entries(this.headers).flat();
  }

  /** Starts the body's flow: its bytes as one `data` event, then `end`, each on a later tick. */
  resume(): this {
    const body = this.#body;
    if (body === null) return this;
    this.#body = null;
    process.nextTick(() => {
      if (body !== undefined) this.emit("data", body);
      process.nextTick(() => this.emit("end"));
    });
    return this;
  }

  pause(): this {
    return this;
  }

  /** The body's bytes, for a reader that iterates it. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const body = this.#body;
    this.#body = null;
    if (body !== undefined && body !== null) yield body;
  }
}

type HeaderValue = string | number | readonly string[];

/**
 * The response Fastify writes: the ServerResponse members it and the mock's file sender use (headers,
 * writeHead, write with back-pressure and callback, end, destroy, finish/close/drain events).
 */
class InProcessOutgoing extends EventEmitter {
  statusCode = 200;
  statusMessage = "";
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  writableNeedDrain = false;
  destroyed = false;
  readonly socket: InProcessSocket;
  readonly #headers = new Map<string, HeaderValue>();
  readonly #sink: ResponseSink;
  readonly #bodyless: boolean;

  constructor(sink: ResponseSink, method: string, socket: InProcessSocket) {
    super();
    this.#sink = sink;
    this.#bodyless = method === "HEAD";
    this.socket = socket;
  }

  setHeader(name: string, value: HeaderValue): this {
    this.#headers.set(name.toLowerCase(), value);
    return this;
  }

  getHeader(name: string): HeaderValue | undefined {
    return this.#headers.get(name.toLowerCase());
  }

  getHeaders(): Record<string, HeaderValue> {
    return Object.fromEntries(this.#headers);
  }

  getHeaderNames(): string[] {
    return [...this.#headers.keys()];
  }

  hasHeader(name: string): boolean {
    return this.#headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.#headers.delete(name.toLowerCase());
  }

  writeHead(
    status: number,
    message?: string | Record<string, HeaderValue>,
    headers?: Record<string, HeaderValue>,
  ): this {
    if (this.headersSent)
      throw Object.assign(new Error("headers already sent"), { code: "ERR_HTTP_HEADERS_SENT" });
    const given = typeof message === "object" ? message : headers;
    if (typeof message === "string") this.statusMessage = message;
    this.statusCode = status;
    if (given !== undefined) for (const name in given) this.setHeader(name, given[name] as HeaderValue);
    this.headersSent = true;
    // Header values as text, the way an HTTP client reads them off the wire (light-my-request did the same).
    // forEach, not for-of: no [name, value] pair per header (issue 18).
    const out: Record<string, string | string[]> = {};
    this.#headers.forEach((value, name) => {
      out[name] = Array.isArray(value) ? value.map(String) : String(value);
    });
    this.#sink.head(status, out);
    return this;
  }

  write(
    chunk: string | Uint8Array,
    encoding?: BufferEncoding | (() => void),
    callback?: () => void,
  ): boolean {
    const done = typeof encoding === "function" ? encoding : callback;
    if (!this.headersSent) this.writeHead(this.statusCode);
    let flowing = true;
    // 204 and 304 answers and HEAD carry no body, as on the wire.
    if (!this.#bodyless && this.statusCode !== 204 && this.statusCode !== 304 && chunk.length > 0) {
      // A copy of bytes: the file sender reuses its buffers once the write's callback has run. Fastify writes its
      // serialized answers as text, which a whole-answer reader wants as text: no encode here, no decode there.
      const given =
        typeof chunk !== "string"
          ? Buffer.from(chunk)
          : typeof encoding === "string" && encoding !== "utf8" && encoding !== "utf-8"
            ? Buffer.from(chunk, encoding)
            : chunk;
      flowing = this.#sink.data(given);
    }
    if (!flowing) this.writableNeedDrain = true;
    if (typeof done === "function") process.nextTick(done);
    return flowing;
  }

  end(chunk?: string | Uint8Array | (() => void) | null, encoding?: unknown, callback?: () => void): this {
    if (this.writableEnded) return this;
    if (typeof chunk === "function") callback = chunk as () => void;
    else if (chunk !== undefined && chunk !== null) this.write(chunk, encoding as BufferEncoding);
    if (!this.headersSent) this.writeHead(this.statusCode);
    this.writableEnded = true;
    this.writableFinished = true;
    this.#sink.end();
    this.emit("finish");
    // Fastify ends with `end(null, null, null)`.
    if (typeof callback === "function") process.nextTick(callback);
    this.destroy();
    return this;
  }

  /** Ends the exchange; before `end()` the client sees a connection reset mid-answer. */
  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    if (!this.writableFinished)
      this.#sink.error(
        error ??
          Object.assign(new Error("response destroyed before completion"), { code: "LIGHT_ECONNRESET" }),
      );
    process.nextTick(() => {
      if (error !== undefined) this.emit("error", error);
      this.emit("close");
    });
    return this;
  }

  /** The reader caught up: writers waiting on back-pressure go on. */
  drain(): void {
    if (!this.writableNeedDrain || this.destroyed) return;
    this.writableNeedDrain = false;
    this.emit("drain");
  }
}

/** Fastify's `ready()` per server, awaited once before its first in-process request. */
const readiness = new WeakMap<MockIntuneServer, PromiseLike<unknown>>();

/**
 * Hands one request to the mock's router and its answer to `sink`. Returns the exchange, after the
 * server is ready; the answer arrives on the sink. A failure of the server to start rejects.
 */
export async function exchangeInProcess(
  server: MockIntuneServer,
  request: InProcessRequest,
  sink: ResponseSink,
): Promise<InProcessExchange> {
  let ready = readiness.get(server);
  if (ready === undefined) {
    ready = server.ready();
    readiness.set(server, ready);
  }
  await ready;
  let response: InProcessOutgoing | undefined;
  const socket = new InProcessSocket(() => response?.destroy());
  const incoming = new InProcessIncoming(request, socket);
  response = new InProcessOutgoing(sink, incoming.method, socket);
  server.routing(incoming as never, response as never);
  const answer = response;
  return {
    resume: () => answer.drain(),
    abort: () => {
      incoming.aborted = true;
      answer.destroy();
    },
  };
}
