// The admin's side of a running service over HTTP: a Graph token by the client-credentials grant (as an
// admin script gets one, graph-win32.md §5.1) and requests sent with fetch — what importApp and the
// runner's Graph reads use when the service is another process or container.
import { ImesimError } from "@imesim/contracts/errors";
import type { AdminChannel, ChannelResponse } from "@imesim/mock-service";

type Request = Parameters<AdminChannel["send"]>[0];

/** Where the service is and who the admin is. */
export interface HttpChannelOptions {
  /** Base URL, e.g. `https://mock:8443`. */
  readonly server: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Bound on each request, so a service that stops answering fails the step instead of hanging it. */
  readonly timeoutMs?: number;
}

/** An HTTP channel with a GET helper for Graph collections. */
export interface HttpChannel extends AdminChannel {
  /** Every item of a Graph collection, following `@odata.nextLink`. */
  list(path: string): Promise<Array<Record<string, unknown>>>;
}

function bodyOf(payload: Request["payload"]): { body?: string | Blob; type?: string } {
  if (payload === undefined || payload === null) return {};
  if (typeof payload === "string") return { body: payload };
  // A Blob copies the bytes into an ArrayBuffer of its own, the body type fetch is typed to take.
  if (Buffer.isBuffer(payload)) return { body: new Blob([new Uint8Array(payload)]) };
  return { body: JSON.stringify(payload), type: "application/json" };
}

/** Makes the channel; the token is fetched once and renewed when it is within a minute of expiring. */
export function createHttpChannel(options: HttpChannelOptions): HttpChannel {
  const base = options.server.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 60_000;
  let token: { value: string; expiresAt: number } | undefined;
  const fetchBounded = async (url: string, init: RequestInit, what: string) => {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      throw new ImesimError(
        "SERVICE_UNAVAILABLE",
        `${what}: ${url} did not answer (${cause instanceof Error ? cause.message : String(cause)})`,
        { cause },
      );
    }
  };
  const channel: HttpChannel = {
    async graphToken() {
      if (token !== undefined && token.expiresAt - Date.now() > 60_000) return token.value;
      const url = `${base}/${options.tenantId}/oauth2/v2.0/token`;
      const response = await fetchBounded(
        url,
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "client_credentials",
            client_id: options.clientId,
            client_secret: options.clientSecret,
            scope: "https://graph.microsoft.com/.default",
          }).toString(),
        },
        "Graph token",
      );
      const text = await response.text();
      if (!response.ok)
        throw new ImesimError(
          "GRAPH_TOKEN_REFUSED",
          `${url} refused the client credentials: ${text.slice(0, 300)}`,
        );
      const body = JSON.parse(text) as { access_token: string; expires_in: number };
      token = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
      return token.value;
    },
    async send(request): Promise<ChannelResponse> {
      const path = typeof request.url === "string" ? request.url : (request.url?.pathname ?? "/");
      const url = new URL(path, `${base}/`).toString();
      const { body, type } = bodyOf(request.payload);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers ?? {}))
        if (value !== undefined) headers.set(name, String(value));
      if (type !== undefined && !headers.has("content-type")) headers.set("content-type", type);
      const response = await fetchBounded(
        url,
        { method: request.method ?? "GET", headers, ...(body === undefined ? {} : { body }) },
        `${request.method ?? "GET"} ${path}`,
      );
      const text = await response.text();
      return {
        statusCode: response.status,
        body: text,
        json: () => JSON.parse(text) as Record<string, unknown>,
      };
    },
    async list(path) {
      const items: Array<Record<string, unknown>> = [];
      let next: string | undefined = path;
      while (next !== undefined) {
        const response = await channel.send({
          url: next,
          headers: { authorization: `Bearer ${await channel.graphToken()}` },
        });
        if (response.statusCode !== 200)
          throw new ImesimError(
            "GRAPH_READ_FAILED",
            `GET ${next} answered ${response.statusCode}: ${response.body.slice(0, 300)}`,
          );
        const page = response.json() as {
          value?: Array<Record<string, unknown>>;
          "@odata.nextLink"?: string;
        };
        items.push(...(page.value ?? []));
        next = page["@odata.nextLink"];
      }
      return items;
    },
  };
  return channel;
}
