// A loopback-only Fastify server for the dashboard (`imesim ui`, `imesim run --ui`): one source, one URL.
import Fastify from "fastify";
import { registerDashboard } from "./routes.ts";
import type { DashboardSource } from "./source.ts";

/** A running dashboard server. */
export interface DashboardServer {
  /** `http://127.0.0.1:<port>/ui/` */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `source` on 127.0.0.1 (port 0: any free port). */
export async function startDashboardServer(
  source: DashboardSource,
  options: { port?: number; dist?: string } = {},
): Promise<DashboardServer> {
  // A live run's event stream stays open as long as its page does: closing ends it rather than waiting on the browser.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  await registerDashboard(app, source, options.dist === undefined ? {} : { dist: options.dist });
  const address = await app.listen({ host: "127.0.0.1", port: options.port ?? 0 });
  return { url: `${address}/ui/`, close: () => app.close() };
}
