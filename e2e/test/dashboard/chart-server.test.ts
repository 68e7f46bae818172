// The statechart view's server side: the charts' JSON follows the xstate machines (every state and transition,
// nested boxes inside their parents), the path a real run took through them comes from its events, and each log
// line links to the event that wrote it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImeEvent } from "@imesim/agent/events";
import { renderEvent } from "@imesim/agent/log";
import { chartMachines, chartStructure } from "@imesim/agent/machines";
import type { ChartGraph, ChartPaths, LogLineEvents } from "@imesim/dashboard/api";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMachine } from "xstate";
import { chartStructures, layoutChart } from "../../src/dashboard/chart-graph.ts";
import { checkStates } from "../../src/dashboard/chart-path.ts";
import { registerDashboard } from "../../src/dashboard/routes.ts";
import { loadSavedRun } from "../../src/dashboard/saved-run.ts";
import { runScenario } from "../../src/run/run-scenario.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";

const scenarioPath = join(import.meta.dirname, "../../scenarios/retry-grs.yaml");

describe("statechart view API on a real run (retry-grs)", { timeout: 60_000 }, () => {
  let out: string;
  let app: FastifyInstance;
  let deviceId: string;
  let events: readonly ImeEvent[];
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "imesim-chart-"));
    await runScenario(await loadScenarioFile(scenarioPath), { outDir: out });
    const source = loadSavedRun(out);
    deviceId = source.devices()[0]?.deviceId ?? "";
    events = source.events(deviceId) ?? [];
    app = Fastify();
    await registerDashboard(app, source, { dist: join(out, "no-dist") });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(out, { recursive: true, force: true });
  });

  const getJson = async <T>(url: string): Promise<T> => {
    const response = await app.inject({ method: "GET", url });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as T;
  };

  it.each(["enforcement", "checkin", "service"] as const)(
    "draws the %s chart with every state and transition of its machine, children inside their parent",
    async (chart) => {
      const graph = await getJson<ChartGraph>(`/ui/api/charts/${chart}`);
      const machine = chartStructure(chartMachines()[chart]);
      expect(graph.machineId).toBe(machine.machineId);
      const drawn = new Map(graph.nodes.map((node) => [node.id, node]));
      expect(machine.states.length).toBeGreaterThan(5);
      for (const state of machine.states) {
        const node = drawn.get(state.id);
        expect(node, state.id).toMatchObject({ name: state.key, type: state.type });
        expect(node?.parent, state.id).toBe(state.parent);
        // Nested states are drawn inside their parent's box.
        const parent = state.parent === undefined ? undefined : drawn.get(state.parent);
        if (node !== undefined && parent !== undefined) {
          expect(node.x).toBeGreaterThanOrEqual(parent.x);
          expect(node.y).toBeGreaterThanOrEqual(parent.y);
          expect(node.x + node.width).toBeLessThanOrEqual(parent.x + parent.width);
          expect(node.y + node.height).toBeLessThanOrEqual(parent.y + parent.height);
        }
      }
      for (const transition of machine.transitions) {
        const edge = graph.edges.find(
          (e) => e.source === transition.source && e.target === transition.target,
        );
        expect(edge?.labels, `${transition.source} → ${transition.target}`).toContain(transition.label);
        expect(edge?.points.length).toBeGreaterThanOrEqual(2);
      }
      // A start dot leads to the chart's initial state.
      expect(graph.edges.some((e) => e.target === machine.initial && e.source.endsWith(".[*]"))).toBe(true);
    },
  );

  it("follows the machine it is given: a state added to a chart is drawn", async () => {
    const machine = createMachine({
      id: "toy",
      initial: "a",
      states: { a: { on: { GO: "b" } }, b: { initial: "c", states: { c: { after: { 5: "d" } }, d: {} } } },
    });
    const graph = await layoutChart("service", chartStructure(machine));
    expect(graph.nodes.filter((n) => n.type !== "start").map((n) => n.id)).toEqual([
      "toy.a",
      "toy.b",
      "toy.b.c",
      "toy.b.d",
    ]);
    expect(graph.edges.find((e) => e.source === "toy.a")?.labels).toEqual(["GO"]);
    expect(graph.edges.find((e) => e.source === "toy.b.c")?.labels).toEqual(["after 5"]);
  });

  it("answers an unknown chart with DASHBOARD_UNKNOWN_CHART naming it", async () => {
    const response = await app.inject({ method: "GET", url: "/ui/api/charts/nope" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      code: "DASHBOARD_UNKNOWN_CHART",
      message: expect.stringContaining("nope"),
    });
  });

  it("gives the app's path through the enforcement chart from the run's events: every attempt, the end", async () => {
    const paths = await getJson<ChartPaths>(`/ui/api/devices/${deviceId}/chart-paths`);
    expect(paths.unknownStates).toEqual([]);
    const appId = events.find((e) => e.phase === "install.started")?.appId?.toLowerCase() ?? "";
    const steps = paths.enforcement[appId] ?? [];
    const graph = await getJson<ChartGraph>("/ui/api/charts/enforcement");
    const states = new Set(graph.nodes.map((n) => n.id));
    for (const step of steps) expect(states.has(step.state), step.state).toBe(true);
    // Each step is an event of this app, in emission order.
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    for (const step of steps) {
      expect(bySeq.get(step.seq)?.appId?.toLowerCase()).toBe(appId);
      expect(bySeq.get(step.seq)?.phase).toBe(step.phase);
    }
    expect(steps.map((s) => s.seq)).toEqual([...steps.map((s) => s.seq)].sort((a, b) => a - b));
    // Every install attempt launches, runs and collects; each Retry waits.
    const count = (state: string) => steps.filter((s) => s.state === `enforcement.${state}`).length;
    const appEvents = events.filter((e) => e.appId?.toLowerCase() === appId);
    expect(count("installing.launching")).toBe(appEvents.filter((e) => e.phase === "install.started").length);
    expect(count("installing.waitingToRetry")).toBe(
      appEvents.filter((e) => e.phase === "install.retryScheduled").length,
    );
    expect(count("blockedByGrs")).toBe(appEvents.filter((e) => e.phase === "grs.blocked").length);
    expect(count("verifyingInstall")).toBe(1);
    expect(steps.at(-1)?.state).toBe("enforcement.done");
    // Check-ins: one run of the check-in chart per check-in, each ending done.
    const checkins = events.filter((e) => e.phase === "checkin.started").length;
    expect(paths.checkin.filter((s) => s.state === "checkin.acquiringToken")).toHaveLength(checkins);
    expect(paths.checkin.filter((s) => s.state === "checkin.done")).toHaveLength(
      events.filter((e) => e.phase === "checkin.completed").length,
    );
    expect(paths.service[0]?.state).toBe("imeService.running");
  });

  it("reports the states its rules name that a chart no longer has", () => {
    const structures = chartStructures();
    expect(checkStates(structures)).toEqual([]);
    const without = {
      ...structures,
      enforcement: {
        ...structures.enforcement,
        states: structures.enforcement.states.filter((s) => s.id !== "enforcement.installing.running"),
      },
    };
    expect(checkStates(without)).toEqual(["enforcement.installing.running"]);
  });

  it("links each log line to the event whose rendered text it is", async () => {
    const lineEvents = await getJson<LogLineEvents>(`/ui/api/devices/${deviceId}/log-events`);
    const logs = loadSavedRun(out).logs(deviceId) ?? [];
    const appWorkload = logs.filter((f) => f.name.startsWith("AppWorkload")).flatMap((f) => f.records);
    const seqs = lineEvents.AppWorkload ?? [];
    expect(seqs).toHaveLength(appWorkload.length);
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    seqs.forEach((seq, index) => {
      if (seq === null) return;
      const texts = renderEvent(bySeq.get(seq)!).map((line) => line.message);
      expect(texts, `line ${index}`).toContain(appWorkload[index]?.message);
    });
    expect(seqs.filter((seq) => seq !== null).length).toBeGreaterThan(appWorkload.length * 0.9);
    // The n-th "lpExitCode is defined as Retry" line is the n-th Retry attempt's.
    const retryLines = appWorkload.flatMap((record, index) =>
      record.message.startsWith("[Win32App] lpExitCode is defined as Retry") ? [seqs[index]] : [],
    );
    const retries = events.filter((e) => e.phase === "install.finished" && e.details.mapping === "Retry");
    expect(retryLines).toEqual(retries.map((e) => e.seq));
  });
});
