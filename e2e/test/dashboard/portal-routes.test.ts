// The portal's and device operations' routes without a browser: per-app counts of a real 3-device run checked
// against the run's service (the statuses the devices reported, Graph's deviceStatuses), assignments from the
// stored service data, and operations reaching a running agent's control surface through an `imesim agent --out`
// folder (an OnDemand check-in after syncapp), with the surface's boundaries (loopback Host, Origin, JSON).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Agent,
  createAgent,
  createScriptedInstaller,
  createVirtualClock,
  type ImeEvent,
} from "@imesim/agent";
import { createDevice, type Device } from "@imesim/agent/host";
import type { PortalApps } from "@imesim/dashboard/api";
import { buildServer } from "@imesim/mock-service";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CTL_FILE_NAME, writeControlFile } from "../../src/control/ctl-file.ts";
import { type ControlServer, startControlServer } from "../../src/control/server.ts";
import { registerDashboard } from "../../src/dashboard/routes.ts";
import { loadSavedRun } from "../../src/dashboard/saved-run.ts";
import { createServiceSource, servicePortalOf } from "../../src/dashboard/service-source.ts";
import { createAgentOutputs } from "../../src/remote/agent-outputs.ts";
import { runScenario } from "../../src/run/run-scenario.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";

const demo = join(import.meta.dirname, "../../scenarios/demo.yaml");

async function dashboardOf(source: Parameters<typeof registerDashboard>[1]): Promise<FastifyInstance> {
  const app = Fastify();
  await registerDashboard(app, source, { dist: join(tmpdir(), "imesim-no-dist") });
  return app;
}

describe("portal summary of a real 3-device run", { timeout: 120_000 }, () => {
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "imesim-portal-"));
    const result = await runScenario(await loadScenarioFile(demo), { outDir: out, devices: 3 });
    expect(result.passed).toBe(true);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("counts each app's devices per status as the devices reported them to the service", async () => {
    const app = await dashboardOf(loadSavedRun(out));
    const summary = (await app.inject("/ui/api/portal/apps")).json() as PortalApps;
    // The same run seen from the service: the last status each device reported (graph-win32.md §4.1).
    const service = await buildServer({ dataDir: join(out, "service") });
    try {
      const reported = servicePortalOf(service);
      const expected = new Map<string, Record<string, number>>();
      for (const row of reported.rows)
        for (const [appId, cell] of Object.entries(row.cells)) {
          const counts = expected.get(appId) ?? {};
          counts[cell.status] = (counts[cell.status] ?? 0) + 1;
          expected.set(appId, counts);
        }
      expect(summary.deviceCount).toBe(3);
      expect(summary.apps.map((a) => a.name).sort()).toEqual(["7-Zip", "CAD Suite", "Contoso VPN"]);
      for (const entry of summary.apps) {
        const nonZero = Object.fromEntries(Object.entries(entry.counts).filter(([, n]) => n > 0));
        expect(nonZero, entry.name).toEqual(expected.get(entry.id));
      }
      // CAD Suite needs 32 GB: not applicable on all three; 7-Zip installed on all three.
      const byName = (name: string) => summary.apps.find((a) => a.name === name)?.counts;
      expect(byName("CAD Suite")?.notApplicable).toBe(3);
      expect(byName("7-Zip")?.installed).toBe(3);
      // The run's stored assignments (the scenario assigns each app required to all devices).
      expect(summary.assignmentsFrom).toBe("service");
      expect(summary.apps[0]?.assignments).toEqual([{ target: "all devices", intent: "required" }]);
      // `imesim serve` over the same data answers the same counts.
      const served = await dashboardOf(createServiceSource(service));
      const fromService = (await served.inject("/ui/api/portal/apps")).json() as PortalApps;
      expect(fromService.apps.map((a) => [a.id, a.counts])).toEqual(
        expect.arrayContaining(summary.apps.map((a) => [a.id, a.counts])),
      );
    } finally {
      await service.close();
    }
  });

  it("offers no operations on a finished run's outputs (409 DASHBOARD_NO_CONTROL)", async () => {
    const source = loadSavedRun(out);
    const app = await dashboardOf(source);
    const device = source.devices()[0]!.deviceId;
    expect((await app.inject(`/ui/api/devices/${device}/operations`)).json()).toMatchObject({
      available: false,
      verbs: [],
    });
    const post = await app.inject({
      method: "POST",
      url: `/ui/api/devices/${device}/operations/syncapp`,
      payload: {},
    });
    expect(post.statusCode).toBe(409);
    expect(post.json().code).toBe("DASHBOARD_NO_CONTROL");
    expect((await app.inject("/ui/api/devices/nope/operations")).statusCode).toBe(404);
  });
});

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

/** An `imesim agent --out <dir> --ctl` in this process: events.jsonl written as it runs, the control file beside. */
interface AgentFolder {
  readonly dir: string;
  readonly events: ImeEvent[];
  readonly server: ControlServer;
  readonly agent: Agent;
  readonly device: Device;
  advance(ms: number): Promise<void>;
}

let folder: AgentFolder | undefined;
afterEach(async () => {
  await folder?.server.close();
  folder?.agent.dispose();
  folder?.device.close();
  if (folder !== undefined) rmSync(folder.dir, { recursive: true, force: true });
  folder = undefined;
});

async function agentFolder(): Promise<AgentFolder> {
  const dir = mkdtempSync(join(tmpdir(), "imesim-agent-ui-"));
  const clock = createVirtualClock(T0);
  const device = createDevice({ backend: "memory", clock });
  const agent = createAgent({
    deviceId: "dev-ui",
    device,
    clock,
    service: {
      acquireToken: async () => ({ value: "t", expiresAt: clock.now() + 3_600_000 }),
      requestApps: async () => ({ policiesJson: "[]" }),
      getContentInfo: async () => Promise.reject(new Error("no content")),
      downloadContent: () => {
        throw new Error("no content");
      },
      sendResults: async () => {},
      scriptSession: async (request) => (request.contentType.endsWith("Result") ? null : "[]"),
    },
    installer: createScriptedInstaller([]),
    users: [],
  });
  const outputs = createAgentOutputs(dir);
  const events: ImeEvent[] = [];
  agent.subscribe((event) => {
    events.push(event);
    outputs.record(event);
  });
  const server = await startControlServer({ agent, device });
  writeControlFile(join(dir, CTL_FILE_NAME), {
    url: server.url,
    token: server.token,
    pid: process.pid,
    deviceId: "dev-ui",
  });
  agent.start();
  let now = T0 + 5 * 60_000;
  await clock.runUntil(now);
  folder = {
    dir,
    events,
    server,
    agent,
    device,
    async advance(ms) {
      now += ms;
      await clock.runUntil(now);
    },
  };
  return folder;
}

describe("device operations through an agent's control surface", () => {
  it("runs syncapp on the agent: an OnDemand check-in follows, and the page sees it in the folder's events", async () => {
    const f = await agentFolder();
    const source = loadSavedRun(f.dir);
    const app = await dashboardOf(source);
    const ops = (await app.inject("/ui/api/devices/dev-ui/operations")).json();
    expect(ops.available).toBe(true);
    expect(ops.via).toContain(CTL_FILE_NAME);
    expect(ops.verbs.map((v: { verb: string }) => v.verb)).toEqual(
      expect.arrayContaining(["syncapp", "restart", "reboot", "set-log-level"]),
    );
    const sync = await app.inject({
      method: "POST",
      url: "/ui/api/devices/dev-ui/operations/syncapp",
      headers: { origin: "http://localhost:80" },
      payload: {},
    });
    expect(sync.statusCode).toBe(200);
    const since = sync.json().result.since as number;
    expect(sync.json().result.triggered).toContain("syncapp");
    await f.advance(60_000);
    const seen = ((await app.inject("/ui/api/devices/dev-ui/events")).json().events as ImeEvent[]).filter(
      (e) => e.seq > since && e.phase === "checkin.started",
    );
    expect(seen.map((e) => (e.details as { reason: string }).reason)).toEqual(["OnDemand"]);
    // A wrong argument is the surface's own error, with its code.
    const bad = await app.inject({
      method: "POST",
      url: "/ui/api/devices/dev-ui/operations/set-log-level",
      payload: { level: "Loud" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "CTL_BAD_ARGUMENT", message: expect.stringContaining("Loud") });
    const unknown = await app.inject({
      method: "POST",
      url: "/ui/api/devices/dev-ui/operations/format-c",
      payload: {},
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("CTL_UNKNOWN_VERB");
  });

  it("refuses a non-loopback Host, a foreign Origin and a body that is not JSON, before the agent is reached", async () => {
    const f = await agentFolder();
    const app = await dashboardOf(loadSavedRun(f.dir));
    const before = f.events.length;
    const attempts = [
      { headers: { host: "evil.example:8080" }, payload: {} },
      { headers: { origin: "http://evil.example" }, payload: {} },
      { headers: { "content-type": "text/plain" }, payload: "{}" },
    ];
    for (const attempt of attempts) {
      const response = await app.inject({
        method: "POST",
        url: "/ui/api/devices/dev-ui/operations/reboot",
        ...attempt,
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe("DASHBOARD_OPERATION_REFUSED");
    }
    await f.advance(60_000);
    expect(f.events.slice(before).some((e) => e.phase.startsWith("reboot"))).toBe(false);
  });

  it("says the agent is not reachable once its control file is gone (the agent exited)", async () => {
    const f = await agentFolder();
    const app = await dashboardOf(loadSavedRun(f.dir));
    rmSync(join(f.dir, CTL_FILE_NAME));
    const ops = (await app.inject("/ui/api/devices/dev-ui/operations")).json();
    expect(ops).toMatchObject({ available: false, verbs: [] });
    expect(ops.via).toContain("--ctl");
    const post = await app.inject({
      method: "POST",
      url: "/ui/api/devices/dev-ui/operations/syncapp",
      payload: {},
    });
    expect(post.statusCode).toBe(409);
  });
});

it("summarises an empty source with no apps and assignments read from (no) policies", async () => {
  const app = await dashboardOf({
    mode: "saved",
    title: "empty",
    devices: () => [],
    events: () => undefined,
    logs: () => undefined,
  });
  const summary = (await app.inject("/ui/api/portal/apps")).json() as PortalApps;
  expect(summary).toEqual({ deviceCount: 0, assignmentsFrom: "policies", apps: [] });
});
