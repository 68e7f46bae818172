// The dashboard API's shared error replies: one code and message per kind, whichever view's route sends them.
import type { FastifyReply } from "fastify";

/** 404 for a device id the dashboard's data does not hold. */
export function unknownDevice(reply: FastifyReply, deviceId: string): FastifyReply {
  return reply
    .code(404)
    .send({ code: "DASHBOARD_UNKNOWN_DEVICE", message: `no device ${deviceId} in this dashboard's data` });
}
