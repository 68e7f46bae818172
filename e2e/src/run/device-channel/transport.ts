// How a simulated device reaches the mock service: in the same process through Fastify's `inject`
// (no sockets, the default of `imesim run`), or over HTTP (`imesim agent --server <url>`).
import type { MockIntuneServer } from "@imesim/mock-service";

export interface TransportRequest {
  readonly method: "GET" | "POST" | "PUT";
  /** An absolute URL, or a path on the service. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

/** One request/response exchange with the service. Network failures reject with the cause. */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** The path and query of a URL the service handed out (content URLs are absolute). */
function pathOf(url: string): string {
  if (url.startsWith("/")) return url;
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

const headerText = (value: string | string[] | number | undefined): string | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.join(", ") : String(value);

/** Talks to a mock service in this process through `inject`: the whole routing, validation and fault path, no socket. */
export function injectTransport(server: MockIntuneServer): Transport {
  return async (request) => {
    const response = await server.inject({
      method: request.method,
      url: pathOf(request.url),
      ...(request.headers === undefined ? {} : { headers: request.headers }),
      ...(request.body === undefined ? {} : { payload: request.body }),
    });
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(response.headers))
      headers[name.toLowerCase()] = headerText(value);
    return { status: response.statusCode, headers, body: response.rawPayload };
  };
}

/** Talks to a service over HTTP(S) with Node's fetch; relative paths resolve against `baseUrl`. */
export function fetchTransport(baseUrl: string): Transport {
  const base = baseUrl.replace(/\/+$/, "");
  return async (request) => {
    const url = request.url.startsWith("/") ? `${base}${request.url}` : request.url;
    const response = await fetch(url, {
      method: request.method,
      ...(request.headers === undefined ? {} : { headers: request.headers }),
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    const headers: Record<string, string | undefined> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
  };
}
