// The dashboard's server side without a browser: the portal and event→log-line mapping from a real run's events,
// the saved-run loader, the clock pacer on a virtual clock, and the API's errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVirtualClock } from "@imesim/agent";
import type { ImeEvent } from "@imesim/agent/events";
import { isImesimError } from "@imesim/contracts/errors";
import { buildServer } from "@imesim/mock-service";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClockPacer } from "../../src/dashboard/clock-pacer.ts";
import { eventLinesOf } from "../../src/dashboard/event-lines.ts";
import { registerDashboard } from "../../src/dashboard/routes.ts";
import { loadSavedRun } from "../../src/dashboard/saved-run.ts";
import { startDashboardServer } from "../../src/dashboard/server.ts";
import { createServiceSource, servicePortalOf } from "../../src/dashboard/service-source.ts";
import { runScenario } from "../../src/run/run-scenario.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";

const scenarioPath = join(import.meta.dirname, "../../scenarios/retry-grs.yaml");

describe("dashboard data from a real run (retry-grs)", () => {
  let out: string;
  let events: readonly ImeEvent[];
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "imesim-dash-"));
    await runScenario(await loadScenarioFile(scenarioPath), { outDir: out });
    const source = loadSavedRun(out);
    events = source.events(source.devices()[0]?.deviceId ?? "") ?? [];
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("loads the run's events.jsonl and shows the final state in the portal with its name", () => {
    const source = loadSavedRun(out);
    expect(events.length).toBeGreaterThan(100);
    const portal = source.portal?.();
    expect(portal?.apps.map((app) => app.name)).toEqual(["Busy Installer"]);
    const cell = Object.values(portal?.rows[0]?.cells ?? {})[0];
    expect(cell).toMatchObject({ status: "installed", enforcementState: 1000, stateName: "Success" });
  });

  it("maps each Retry attempt to its own occurrence of the identical log line", () => {
    const retries = events.filter((event) => event.phase === "install.finished");
    const occurrences = retries.map(
      (event) =>
        eventLinesOf(events, event).find((line) =>
          line.message.startsWith("[Win32App] lpExitCode is defined as"),
        )?.occurrence,
    );
    // The first three attempts exit 1618 (Retry): the n-th attempt's line is the n-th identical line.
    expect(occurrences.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it("shows the service's stored statuses in `imesim serve`'s portal (the run's service data reopened)", async () => {
    const server = await buildServer({ dataDir: join(out, "service") });
    try {
      const portal = servicePortalOf(server);
      expect(portal.apps.map((app) => app.name)).toEqual(["Busy Installer"]);
      expect(portal.rows).toHaveLength(1);
      expect(Object.values(portal.rows[0]?.cells ?? {})[0]).toMatchObject({ status: "installed" });
      await registerDashboard(server, createServiceSource(server), { dist: join(out, "no-such-dist") });
      const response = await server.inject({ method: "GET", url: "/ui/api/portal" });
      expect(response.json()).toEqual(portal);
    } finally {
      await server.close();
    }
  });

  it("serves the built page at /ui/ of the mock service, whose router ignores trailing slashes, and redirects /ui there", async () => {
    const dist = join(out, "built-dist");
    mkdirSync(join(dist, "assets"), { recursive: true });
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>imesim dashboard</title>");
    writeFileSync(join(dist, "assets", "main.js"), "console.log(1);");
    const server = await buildServer({ dataDir: join(out, "service") });
    try {
      await registerDashboard(server, createServiceSource(server), { dist });
      const page = await server.inject({ method: "GET", url: "/ui/" });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain("imesim dashboard");
      const bare = await server.inject({ method: "GET", url: "/ui" });
      expect(bare.statusCode).toBe(302);
      expect(bare.headers.location).toBe("/ui/");
      expect((await server.inject({ method: "GET", url: "/ui/?device=x" })).statusCode).toBe(200);
      const script = await server.inject({ method: "GET", url: "/ui/assets/main.js" });
      expect(script.statusCode).toBe(200);
      expect(script.body).toBe("console.log(1);");
    } finally {
      await server.close();
    }
  });

  it("lists the registry values each state step wrote, as explain does", async () => {
    const app = Fastify();
    await registerDashboard(app, loadSavedRun(out), { dist: join(out, "no-such-dist") });
    const writes = async (event: ImeEvent | undefined) =>
      (await app.inject({ url: `/ui/api/devices/${event?.deviceId}/events/${event?.seq}/lines` })).json()
        .registryWrites as string[];
    const last = events.filter((event) => event.phase === "state.enforcement").at(-1);
    expect((await writes(last))[0]).toContain('EnforcementStateMessage = {"EnforcementState":1000');
    expect(await writes(events.find((event) => event.phase === "download.started"))).toEqual([]);
    await app.close();
  });

  it("refuses a folder without events.jsonl with DASHBOARD_NO_EVENTS naming it", () => {
    const empty = mkdtempSync(join(tmpdir(), "imesim-dash-empty-"));
    try {
      expect(() => loadSavedRun(empty)).toThrow(expect.objectContaining({ code: "DASHBOARD_NO_EVENTS" }));
      try {
        loadSavedRun(empty);
      } catch (error) {
        expect(isImesimError(error) && error.message).toContain(empty);
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("answers /ui with 503 DASHBOARD_NOT_BUILT when the front end is not built, and 404 for an unknown device", async () => {
    const app = Fastify();
    await registerDashboard(app, loadSavedRun(out), { dist: join(out, "no-such-dist") });
    const ui = await app.inject({ method: "GET", url: "/ui/" });
    expect(ui.statusCode).toBe(503);
    expect(ui.json()).toMatchObject({ code: "DASHBOARD_NOT_BUILT" });
    const unknown = await app.inject({ method: "GET", url: "/ui/api/devices/nope/events" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: "DASHBOARD_UNKNOWN_DEVICE" });
    await app.close();
  });
});

/** A live source with no devices, driven by `pacer`. */
const liveSource = (pacer: ReturnType<typeof createClockPacer>) =>
  ({
    mode: "live",
    title: "t",
    devices: () => [],
    events: () => undefined,
    logs: () => undefined,
    clock: pacer.control,
  }) as const;

describe("clock pacer", () => {
  it("holds a paused run, steps one timer at a time, then runs to the end at max speed", async () => {
    const clock = createVirtualClock(0);
    const fired: number[] = [];
    for (const at of [1000, 2000, 3000]) clock.setTimeout(() => fired.push(at), at);
    const pacer = createClockPacer(0);
    const done = pacer.drive(clock, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual([]);
    pacer.control.step();
    await expect.poll(() => fired).toEqual([1000]);
    expect(pacer.control.state()).toMatchObject({ paused: true, now: 1000, finished: false });
    pacer.control.resume();
    await done;
    expect(fired).toEqual([1000, 2000, 3000]);
    expect(pacer.control.state()).toMatchObject({ finished: true, now: 10_000 });
  });

  it("a Play that comes before a pending Step is taken runs the run to the end (the step does not pause it again)", async () => {
    const clock = createVirtualClock(0);
    const fired: number[] = [];
    for (const at of [1000, 2000, 3000]) clock.setTimeout(() => fired.push(at), at);
    const pacer = createClockPacer(0);
    // Both arrive before the run drives its clock (a loaded machine still setting up the devices).
    pacer.control.step();
    pacer.control.resume();
    await pacer.drive(clock, 10_000);
    expect(fired).toEqual([1000, 2000, 3000]);
    expect(pacer.control.state()).toMatchObject({ finished: true, paused: false });
  });

  it("numbers every change, so the page can drop a state that arrives after a newer one", async () => {
    const clock = createVirtualClock(0);
    clock.setTimeout(() => {}, 1000);
    const pacer = createClockPacer(0);
    const revisions = [pacer.control.state().revision];
    pacer.onChange((state) => revisions.push(state.revision));
    pacer.control.setSpeed(60);
    pacer.control.setSpeed("max");
    pacer.control.resume();
    await pacer.drive(clock, 2000);
    // Each change (two speeds, the resume, the timer taken, the end) has a revision above the one before it.
    expect(revisions.length).toBeGreaterThanOrEqual(6);
    expect(revisions.every((revision, i) => i === 0 || revision > revisions[i - 1]!)).toBe(true);
    expect(pacer.control.state()).toMatchObject({ finished: true, revision: revisions.at(-1) });
  });

  it("waits the simulated gap divided by the speed", async () => {
    const clock = createVirtualClock(0);
    clock.setTimeout(() => {}, 6000);
    const pacer = createClockPacer(0, { paused: false, speed: 60 });
    const started = performance.now();
    await pacer.drive(clock, 6000);
    // 6 s of simulated time at 60× is 100 ms of real time.
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("rejects an unknown clock action with 400 DASHBOARD_BAD_CLOCK_ACTION", async () => {
    const app = Fastify();
    const pacer = createClockPacer(0);
    await registerDashboard(app, liveSource(pacer), { dist: "/nonexistent" });
    const bad = await app.inject({
      method: "POST",
      url: "/ui/api/clock",
      payload: { action: "speed", speed: 2 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "DASHBOARD_BAD_CLOCK_ACTION" });
    const ok = await app.inject({
      method: "POST",
      url: "/ui/api/clock",
      payload: { action: "speed", speed: 60 },
    });
    expect(ok.json()).toMatchObject({ speed: 60, paused: true });
    await app.close();
  });
});

describe("dashboard server", () => {
  it("closes while a page still holds the live stream open, ending the stream", {
    timeout: 15_000,
  }, async () => {
    const pacer = createClockPacer(0);
    const server = await startDashboardServer(
      { ...liveSource(pacer), subscribe: () => () => {} },
      { dist: "/nonexistent" },
    );
    const stream = await fetch(`${server.url}api/stream`);
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('"kind":"clock"');
    await server.close();
    // The server ended the stream: the reader sees its end (or the connection's reset), never waits for more.
    const end = await reader.read().then(
      (chunk) => chunk.done,
      () => true,
    );
    expect(end).toBe(true);
  });
});
