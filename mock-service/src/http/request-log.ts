import type { FastifyInstance, FastifyServerOptions } from "fastify";

/** How the service logs: not at all, JSON lines, or pino-pretty's text for a terminal. */
export type LogSetting = boolean | "pretty";

/** Fastify's logger options for a log setting: Fastify's own two lines per request are replaced by one. */
export function loggerOptions(
  setting: LogSetting,
): Pick<FastifyServerOptions, "logger" | "disableRequestLogging"> {
  if (setting === false) return { logger: false };
  const logger =
    setting === "pretty"
      ? {
          transport: {
            target: "pino-pretty",
            options: { ignore: "pid,hostname,reqId", hideObject: true, translateTime: "SYS:HH:MM:ss.l" },
          },
        }
      : true;
  return { logger, disableRequestLogging: true };
}

/**
 * One line per answered request: method, path, status, milliseconds and the client's address. The query
 * is left out because content and blob URLs carry their signature there.
 */
export function logEachRequest(app: FastifyInstance): void {
  app.addHook("onResponse", (request, reply, done) => {
    const line = {
      method: request.method,
      path: request.url.split("?")[0] ?? "/",
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      client: request.ip,
    };
    // The message repeats the fields so the pretty form reads as one line; JSON keeps them as members too.
    request.log.info(line, `${line.method} ${line.path} ${line.status} ${line.ms}ms ${line.client}`);
    done();
  });
}
