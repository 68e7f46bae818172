import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startServer } from "./helpers.ts";

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe("GET /health", () => {
  it("answers 200 with every check ok when the store answers and the data folder takes a write", async () => {
    const { server, close } = await startServer();
    stops.push(close);
    const response = await server.inject({ url: "/health" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok", checks: { store: "ok", dataDir: "ok" } });
  });

  it("answers 503 naming the store when the database is closed", async () => {
    const { server, close } = await startServer();
    stops.push(close);
    server.intune.store.db.close();
    const response = await server.inject({ url: "/health" });
    expect(response.statusCode).toBe(503);
    const body = response.json() as { status: string; checks: { store: string; dataDir: string } };
    expect(body.status).toBe("unavailable");
    expect(body.checks.store).toMatch(/not open/);
    expect(body.checks.dataDir).toBe("ok");
  });

  it("answers 503 naming the data folder when it cannot be written", async () => {
    const { server, close } = await startServer();
    stops.push(close);
    // A folder in place of the probe's file fails the write the same way for root and other users.
    const blocked = join(server.intune.options.dataDir, `.health-${process.pid}`);
    mkdirSync(blocked);
    const response = await server.inject({ url: "/health" });
    expect(response.statusCode).toBe(503);
    expect((response.json() as { checks: { dataDir: string } }).checks.dataDir).toMatch(/EISDIR/);
  });
});
