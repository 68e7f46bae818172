import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";

const Check = Type.Union([Type.Literal("ok"), Type.String()]);
const Health = Type.Object({
  status: Type.Union([Type.Literal("ok"), Type.Literal("unavailable")]),
  checks: Type.Object({ store: Check, dataDir: Check }),
});

/** Runs one check: "ok", or what went wrong in one line. */
function probe(work: () => void): string {
  try {
    work();
    return "ok";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * `GET /health`: liveness and readiness in one answer, for compose healthchecks and testcontainers wait
 * strategies — 200 when the store answers a query and the data folder takes a write (uploads and the
 * fault plan land there), else 503 naming what failed. Not part of Intune; unauthenticated, like a load
 * balancer's probe.
 */
export function healthRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get("/health", { schema: { response: { 200: Health, 503: Health } } }, async (_request, reply) => {
      const store = probe(() => context.store.db.prepare("SELECT 1").get());
      // A real write, not access(): root passes access(W_OK) on a read-only mount or a full disk.
      const dataDir = probe(() => {
        const file = join(context.options.dataDir, `.health-${process.pid}`);
        writeFileSync(file, "ok");
        rmSync(file);
      });
      const ok = store === "ok" && dataDir === "ok";
      return reply
        .code(ok ? 200 : 503)
        .send({ status: ok ? "ok" : "unavailable", checks: { store, dataDir } });
    });
  };
}
