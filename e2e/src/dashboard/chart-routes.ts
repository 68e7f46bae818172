// The statechart view's API: each chart drawn from its machine, a device's path through the charts (from its
// typed events), and which event wrote each log line (the log viewer's links back to the timeline).
import type { ChartName } from "@imesim/dashboard/api";
import type { FastifyInstance } from "fastify";
import { CHART_NAMES, chartGraph, chartStructures } from "./chart-graph.ts";
import { chartPathsOf, checkStates } from "./chart-path.ts";
import { logLineEventsOf } from "./log-events.ts";
import { unknownDevice } from "./route-errors.ts";
import type { DashboardSource } from "./source.ts";

/** Registers /ui/api/charts/:chart, /ui/api/devices/:id/chart-paths and /ui/api/devices/:id/log-events. */
export function registerChartRoutes(app: FastifyInstance, source: DashboardSource): void {
  const structures = chartStructures();
  app.get<{ Params: { chart: string } }>("/ui/api/charts/:chart", async (request, reply) => {
    const chart = request.params.chart as ChartName;
    if (!CHART_NAMES.includes(chart))
      return reply.code(404).send({
        code: "DASHBOARD_UNKNOWN_CHART",
        message: `no chart ${request.params.chart}: the charts are ${CHART_NAMES.join(", ")}`,
      });
    return chartGraph(chart);
  });
  app.get<{ Params: { deviceId: string } }>(
    "/ui/api/devices/:deviceId/chart-paths",
    async (request, reply) => {
      const events = source.events(request.params.deviceId);
      if (events === undefined) return unknownDevice(reply, request.params.deviceId);
      return {
        ...chartPathsOf(request.params.deviceId, events, structures),
        unknownStates: checkStates(structures),
      };
    },
  );
  app.get<{ Params: { deviceId: string } }>(
    "/ui/api/devices/:deviceId/log-events",
    async (request, reply) => {
      const events = source.events(request.params.deviceId);
      const logs = source.logs(request.params.deviceId);
      if (events === undefined || logs === undefined) return unknownDevice(reply, request.params.deviceId);
      return logLineEventsOf(events, logs);
    },
  );
}
