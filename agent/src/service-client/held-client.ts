import { type Clock, whileHeld } from "../clock/clock.ts";
import type { ImeServiceClient } from "./types.ts";

/**
 * Wraps any service client so each request/response call holds `clock` until it settles: a virtual clock
 * then never jumps past an answer still in flight, whatever transport the client uses (HTTP, Fastify
 * inject, a worker). `downloadContent` is passed through: a stream may wait on the virtual clock itself
 * (a simulated slow link), so a client streaming real I/O holds the clock on its own, as the HTTP one does.
 */
export function holdingClock(client: ImeServiceClient, clock: Clock): ImeServiceClient {
  return {
    acquireToken: () => whileHeld(clock, () => client.acquireToken()),
    requestApps: (request) => whileHeld(clock, () => client.requestApps(request)),
    getContentInfo: (request) => whileHeld(clock, () => client.getContentInfo(request)),
    sendResults: (request) => whileHeld(clock, () => client.sendResults(request)),
    downloadContent: (request) => client.downloadContent(request),
    ...(client.scriptSession === undefined
      ? {}
      : { scriptSession: (request) => whileHeld(clock, () => client.scriptSession!(request)) }),
  };
}
