import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { afterAll, beforeAll } from "vitest";
import type { MockIntuneServer, ServerOptions } from "../../src/index.ts";
import { startServer } from "../service/helpers.ts";
import { graphTokenWithMsal } from "./snippets/msal-node.ts";

/** The service over HTTPS on loopback, its CA trusted by this process, as a machine would after `serve --tls`. */
export interface TlsService {
  readonly server: MockIntuneServer;
  /** `localhost:<port>`: what authorities and `knownAuthorities` name. */
  readonly host: string;
  /** `https://localhost:<port>`. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Starts the service with `tls: true` on a free loopback port and trusts its CA. */
export async function startTlsService(options: Partial<ServerOptions> = {}): Promise<TlsService> {
  const started = await startServer({ ...options, tls: true });
  const server = started.server;
  setDefaultCACertificates([...getCACertificates("default"), server.intune.authority.root.certificatePem]);
  const address = await server.listen({ port: 0, host: "127.0.0.1" });
  const host = `localhost:${new URL(address).port}`;
  return { server, host, baseUrl: `https://${host}`, close: started.close };
}

/** An app-only Graph token from `service`'s tenant through MSAL Node, as an admin script would get one. */
export function adminTokenFrom(service: TlsService): Promise<string> {
  return graphTokenWithMsal(
    service.host,
    service.server.intune.tokens.tenantId,
    "5b0b1e6c-9d1e-4c55-9d4e-3f6e2c8a7b10",
    "secret",
  );
}

/**
 * Starts one TLS service and an admin token for the tests of the calling file (vitest's beforeAll/afterAll);
 * read both from the returned object inside the tests.
 */
export function useTlsService(options: Partial<ServerOptions> = {}): { service: TlsService; token: string } {
  const shared = {} as { service: TlsService; token: string };
  beforeAll(async () => {
    shared.service = await startTlsService(options);
    shared.token = await adminTokenFrom(shared.service);
  });
  afterAll(async () => shared.service.close());
  return shared;
}
