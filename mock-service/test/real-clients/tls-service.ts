import { getCACertificates, setDefaultCACertificates } from "node:tls";
import type { MockIntuneServer, ServerOptions } from "../../src/index.ts";
import { startServer } from "../service/helpers.ts";

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
