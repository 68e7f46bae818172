// The portal's and device operations' API (dashboard/src/portal.ts):
//   GET  /ui/api/portal/apps                          per-app counts and assignments
//   GET  /ui/api/devices/:id/operations               whether the device can be acted on, and the verbs
//   POST /ui/api/devices/:id/operations/:verb         runs one control-surface verb (JSON object of arguments)
// The POST keeps the control surface's boundaries (docs/agent-control.md "Security"): a loopback Host header,
// a same-origin Origin when the browser sends one, and a JSON body (a cross-site form or a no-cors fetch cannot
// send application/json without a CORS preflight, which this server never grants).

import { isImesimError } from "@imesim/contracts/errors";
import type { DeviceOperations, PortalApps } from "@imesim/dashboard/api";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { hostHeaderAllowed } from "../control/access.ts";
import { DEVICE_OPERATIONS } from "./device-control.ts";
import { portalOfSource } from "./portal.ts";
import { policyAssignmentsOf, portalAppsOf } from "./portal-summary.ts";
import { unknownDevice } from "./route-errors.ts";
import type { DashboardSource } from "./source.ts";

/** HTTP status of the control surface's error codes (as its own server answers them); the rest are 400. */
const STATUS: Readonly<Record<string, number>> = {
  CTL_UNKNOWN_VERB: 404,
  CTL_KEY_NOT_FOUND: 404,
  CTL_FILE_MISSING: 409,
  CTL_UNREACHABLE: 502,
  CTL_TOKEN_INVALID: 502,
};

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
};

/** Why a state-changing request is refused, or undefined when it may go on. */
export function operationRefusal(request: FastifyRequest): string | undefined {
  const host = request.headers.host;
  if (!hostHeaderAllowed(host, false)) return `Host "${host ?? ""}" is not a loopback name`;
  const origin = request.headers.origin;
  // Compared as URLs, so a default port written out (`:80`) or left off is the same origin.
  if (origin !== undefined && hostOf(origin) !== hostOf(`http://${host}`))
    return `Origin "${origin}" is not this dashboard (${host})`;
  if (!/^application\/json\b/i.test(request.headers["content-type"] ?? ""))
    return "device operations take a JSON body (content-type: application/json)";
  return undefined;
}

export function registerPortalRoutes(app: FastifyInstance, source: DashboardSource): void {
  app.get("/ui/api/portal/apps", async (): Promise<PortalApps> => {
    const view = portalOfSource(source);
    const fromService = await source.assignments?.();
    return portalAppsOf(
      view,
      fromService !== undefined
        ? { from: "service", byApp: fromService }
        : {
            from: "policies",
            byApp: policyAssignmentsOf(
              source.devices().map((device) => ({ events: source.events(device.deviceId) ?? [] })),
            ),
          },
    );
  });

  const known = (deviceId: string) =>
    source.devices().some((device) => device.deviceId.toLowerCase() === deviceId.toLowerCase());

  app.get<{ Params: { deviceId: string } }>(
    "/ui/api/devices/:deviceId/operations",
    async (request, reply): Promise<DeviceOperations | undefined> => {
      const { deviceId } = request.params;
      if (!known(deviceId)) return unknownDevice(reply, deviceId);
      const control = source.control?.(deviceId);
      if (control === undefined)
        return {
          available: false,
          via:
            source.mode === "service"
              ? "The service cannot reach its devices' agents: act on a device from `imesim run --ui`, or open an `imesim agent --out <dir> --ctl` folder with `imesim ui <dir>`."
              : "This is a finished run's saved output: operations need a running agent (`imesim run --ui`, or `imesim agent --out <dir> --ctl` opened with `imesim ui <dir>`).",
          verbs: [],
        };
      const why = control.unavailable;
      return why === undefined
        ? { available: true, via: control.via, verbs: DEVICE_OPERATIONS }
        : { available: false, via: why, verbs: [] };
    },
  );

  app.post<{ Params: { deviceId: string; verb: string }; Body: unknown }>(
    "/ui/api/devices/:deviceId/operations/:verb",
    async (request, reply) => {
      const refusal = operationRefusal(request);
      if (refusal !== undefined)
        return reply.code(403).send({ code: "DASHBOARD_OPERATION_REFUSED", message: refusal });
      const { deviceId, verb } = request.params;
      if (!known(deviceId)) return unknownDevice(reply, deviceId);
      const control = source.control?.(deviceId);
      const why =
        control === undefined
          ? `device ${deviceId} cannot be acted on from this dashboard`
          : control.unavailable;
      if (control === undefined || why !== undefined)
        return reply.code(409).send({ code: "DASHBOARD_NO_CONTROL", message: why });
      const body = request.body ?? {};
      if (typeof body !== "object" || Array.isArray(body))
        return reply.code(400).send({
          code: "CTL_BAD_REQUEST",
          message: "the request body must be a JSON object of the verb's arguments",
        });
      try {
        return { result: await control.run(verb, body as Record<string, unknown>) };
      } catch (error) {
        if (!isImesimError(error)) throw error;
        return reply.code(STATUS[error.code] ?? 400).send({ code: error.code, message: error.message });
      }
    },
  );
}
