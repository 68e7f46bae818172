// The dashboard's HTTP side, a Fastify plugin: the built front end under /ui/ (@fastify/static) and a small JSON
// API under /ui/api/ over one DashboardSource. Live sources add a server-sent-events stream and clock control.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { ImeEvent } from "@imesim/agent/events";
import type { ClockSpeed, EventLines, RunInfo, StreamMessage } from "@imesim/dashboard/api";
import type { FastifyInstance } from "fastify";
import { registryWrites } from "../explain/narrate.ts";
import { registerChartRoutes } from "./chart-routes.ts";
import { eventLinesOf } from "./event-lines.ts";
import { deviceEventsOf } from "./event-view.ts";
import { portalOfSource } from "./portal.ts";
import { registerPortalRoutes } from "./portal-routes.ts";
import { registerRegistryRoutes } from "./registry-routes.ts";
import { unknownDevice } from "./route-errors.ts";
import type { DashboardSource } from "./source.ts";

/** Where `npm install` (the root `prepare` script) builds the front end; not committed. */
export const DASHBOARD_DIST = fileURLToPath(new URL("../../../dashboard/dist/", import.meta.url));

const NOT_BUILT = {
  code: "DASHBOARD_NOT_BUILT",
  message: `the dashboard's front end is not built (${DASHBOARD_DIST} is missing): run \`npm run build -w dashboard\` (npm install does it)`,
};

/** Registers /ui and /ui/api on `app` for `source`; `dist` overrides the built front end's folder (tests). */
export async function registerDashboard(
  app: FastifyInstance,
  source: DashboardSource,
  options: { dist?: string } = {},
): Promise<void> {
  const dist = options.dist ?? DASHBOARD_DIST;
  app.get("/ui/api/run", async (): Promise<RunInfo> => {
    const devices = source.devices();
    const first = devices[0] === undefined ? undefined : source.events(devices[0].deviceId)?.[0];
    return {
      title: source.title,
      mode: source.mode,
      startMs: first?.simTime,
      devices,
      ...(source.clock === undefined ? {} : { clock: source.clock.state() }),
    };
  });
  app.get<{ Params: { deviceId: string } }>("/ui/api/devices/:deviceId/events", async (request, reply) => {
    const events = source.events(request.params.deviceId);
    if (events === undefined) return unknownDevice(reply, request.params.deviceId);
    return deviceEventsOf(request.params.deviceId, events);
  });
  app.get<{ Params: { deviceId: string } }>("/ui/api/devices/:deviceId/logs", async (request, reply) => {
    const logs = source.logs(request.params.deviceId);
    if (logs === undefined) return unknownDevice(reply, request.params.deviceId);
    return logs;
  });
  app.get<{ Params: { deviceId: string; seq: string } }>(
    "/ui/api/devices/:deviceId/events/:seq/lines",
    async (request, reply): Promise<EventLines | undefined> => {
      const events = source.events(request.params.deviceId);
      if (events === undefined) return unknownDevice(reply, request.params.deviceId);
      const seq = Number(request.params.seq);
      const event: ImeEvent | undefined = events.find((candidate) => candidate.seq === seq);
      if (event === undefined)
        return reply.code(404).send({
          code: "DASHBOARD_UNKNOWN_EVENT",
          message: `device ${request.params.deviceId} has no event ${request.params.seq}`,
        });
      return { seq, registryWrites: registryWrites(event), lines: eventLinesOf(events, event) };
    },
  );
  app.get("/ui/api/portal", async () => portalOfSource(source));
  registerPortalRoutes(app, source);
  registerLive(app, source);
  registerChartRoutes(app, source);
  registerRegistryRoutes(app, source);
  if (existsSync(dist)) {
    await app.register(fastifyStatic, { root: dist, prefix: "/ui/", index: "index.html" });
    // The mock's router ignores trailing slashes (server.ts routerOptions), so there /ui/ is routed here too:
    // answer it with the page and redirect only the bare /ui, or the redirect would point at itself forever.
    app.get("/ui", (request, reply) =>
      (request.url.split("?")[0] ?? "").endsWith("/") ? reply.sendFile("index.html") : reply.redirect("/ui/"),
    );
  } else {
    app.get("/ui", (_request, reply) => reply.code(503).send(NOT_BUILT));
    app.get("/ui/*", (_request, reply) => reply.code(503).send(NOT_BUILT));
  }
}

const SPEEDS: ReadonlySet<unknown> = new Set([1, 60, "max"]);

/** The stream and clock routes of a live source. */
function registerLive(app: FastifyInstance, source: DashboardSource): void {
  const { subscribe, clock } = source;
  if (subscribe !== undefined)
    app.get("/ui/api/stream", (request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      const send = (message: StreamMessage) => reply.raw.write(`data: ${JSON.stringify(message)}\n\n`);
      if (clock !== undefined) send({ kind: "clock", clock: clock.state() });
      const stop = subscribe.call(source, send);
      request.raw.on("close", stop);
    });
  if (clock !== undefined)
    app.post<{ Body: { action?: unknown; speed?: unknown } }>("/ui/api/clock", async (request, reply) => {
      const { action, speed } = request.body ?? {};
      if (action === "pause") clock.pause();
      else if (action === "resume") clock.resume();
      else if (action === "step") clock.step();
      else if (action === "speed" && SPEEDS.has(speed)) clock.setSpeed(speed as ClockSpeed);
      else
        return reply.code(400).send({
          code: "DASHBOARD_BAD_CLOCK_ACTION",
          message: `clock action ${JSON.stringify(action)}${action === "speed" ? ` with speed ${JSON.stringify(speed)}` : ""} is not one of pause, resume, step, speed (1, 60, "max")`,
        });
      return clock.state();
    });
}
