// The control surface of one running agent: `POST /v1/<verb>` with a JSON body of the verb's arguments and
// `Authorization: Bearer <token>`, answering `{ result }` or `{ error: { code, message } }`. Loopback only by
// default (access.ts). It runs inside `imesim agent`; a dashboard can call the same routes.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Agent, ImeEvent } from "@imesim/agent";
import type { Device } from "@imesim/agent/host";
import { ImesimError, isImesimError } from "@imesim/contracts/errors";
import { checkBindAddress, hostHeaderAllowed, newControlToken, tokenMatches } from "./access.ts";
import { runVerb, VERBS } from "./verbs.ts";

export interface ControlServerOptions {
  readonly agent: Agent;
  readonly device: Device;
  /** Default 127.0.0.1; anything not loopback needs `allowRemote`. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  readonly allowRemote?: boolean;
  /** Default: a new random token (tests may pass their own). */
  readonly token?: string;
}

export interface ControlServer {
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

/** Arguments are small (a registry value, a log name): anything larger is refused before it is parsed. */
const MAX_BODY_BYTES = 64 * 1024;
/** How many recent events `events` can return; older ones are in events.jsonl (`--out`). */
const EVENT_WINDOW = 5_000;

/** Status codes per stable error code; the rest are 400 (bad input) or 500 (our failure). */
const STATUS: Readonly<Record<string, number>> = {
  CTL_TOKEN_MISSING: 401,
  CTL_TOKEN_INVALID: 401,
  CTL_HOST_REJECTED: 403,
  CTL_UNKNOWN_VERB: 404,
  CTL_KEY_NOT_FOUND: 404,
  CTL_METHOD_NOT_ALLOWED: 405,
  CTL_BODY_TOO_LARGE: 413,
};

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_, value) => (typeof value === "bigint" ? value.toString() : value));
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(text);
}

async function readArgs(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new ImesimError("CTL_BODY_TOO_LARGE", `request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ImesimError("CTL_BAD_REQUEST", `request body is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new ImesimError("CTL_BAD_REQUEST", "request body must be a JSON object of the verb's arguments");
  return parsed as Record<string, unknown>;
}

/** Starts listening; rejects with CTL_NOT_LOOPBACK before opening anything for a non-loopback host. */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const host = options.host ?? "127.0.0.1";
  const allowRemote = options.allowRemote === true;
  checkBindAddress(host, allowRemote);
  const token = options.token ?? newControlToken();
  const recent: ImeEvent[] = [];
  const unsubscribe = options.agent.subscribe((event) => {
    recent.push(event);
    if (recent.length > EVENT_WINDOW) recent.splice(0, recent.length - EVENT_WINDOW);
  });
  const target = { agent: options.agent, device: options.device, recentEvents: () => recent };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!hostHeaderAllowed(request.headers.host, allowRemote))
      throw new ImesimError(
        "CTL_HOST_REJECTED",
        `Host "${request.headers.host ?? ""}" is not a loopback name`,
      );
    if (request.headers.authorization === undefined)
      throw new ImesimError(
        "CTL_TOKEN_MISSING",
        "Authorization: Bearer <token> is required (see the agent's control file)",
      );
    if (!tokenMatches(request.headers.authorization, token))
      throw new ImesimError("CTL_TOKEN_INVALID", "the bearer token is not this agent's control token");
    const path = new URL(request.url ?? "/", "http://control").pathname;
    if (path === "/v1" || path === "/v1/") {
      send(response, 200, {
        result: Object.entries(VERBS).map(([verb, v]) => ({ verb, args: v.args, summary: v.summary })),
      });
      return;
    }
    const verb = /^\/v1\/([^/]+)$/.exec(path)?.[1];
    if (verb === undefined)
      throw new ImesimError("CTL_UNKNOWN_VERB", `no route ${path}; verbs are POST /v1/<verb>`);
    if (request.method !== "POST")
      throw new ImesimError(
        "CTL_METHOD_NOT_ALLOWED",
        `${request.method} /v1/${verb}: verbs are called with POST`,
      );
    const args = await readArgs(request);
    send(response, 200, { result: runVerb(target, decodeURIComponent(verb), args) });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const code = isImesimError(error) ? error.code : "CTL_INTERNAL";
      const status = STATUS[code] ?? (code === "CTL_INTERNAL" ? 500 : 400);
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) send(response, status, { error: { code, message } });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    token,
    async close() {
      unsubscribe();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
