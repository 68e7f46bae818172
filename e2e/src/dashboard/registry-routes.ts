// The registry, folders and downloads views' API: /ui/api/devices/:id/registry?seq=N (the registry tree after
// step N and what step N changed), /folders?seq=N (the IME's folders then, and the step's file changes) and
// /downloads (bytes over simulated time per download). Registry and folders need the device's change journal
// (changes.jsonl, recorded by `run --out` and `run --ui`); downloads need only the typed events.
import type { ImeEvent } from "@imesim/agent/events";
import type { DeviceChange } from "@imesim/agent/host";
import type { ChangeStep, DownloadsView, FoldersView, RegistryView } from "@imesim/dashboard/api";
import type { FastifyInstance, FastifyReply } from "fastify";
import { downloadCurvesOf } from "./download-curves.ts";
import { folderChanges, foldersAt, folderTree } from "./folders-snapshot.ts";
import { registryAt, registryDiff, registryTree } from "./registry-snapshot.ts";
import type { DashboardSource } from "./source.ts";

/** The steps that changed `area`, with their event's phase and app. */
export function changeSteps(
  changes: readonly DeviceChange[],
  events: readonly ImeEvent[],
  area: DeviceChange["area"],
): ChangeStep[] {
  const counts = new Map<number, { simTime: number; count: number }>();
  for (const change of changes)
    if (change.area === area) {
      const step = counts.get(change.seq);
      if (step === undefined) counts.set(change.seq, { simTime: change.simTime, count: 1 });
      else step.count += 1;
    }
  const bySeq = new Map(events.map((event) => [event.seq, event]));
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([seq, { simTime, count }]) => {
      const event = bySeq.get(seq);
      return {
        seq,
        simTime: event?.simTime ?? simTime,
        phase: seq === 0 ? "baseline" : (event?.phase ?? "after the run"),
        ...(event?.appId === undefined ? {} : { appId: event.appId }),
        changes: count,
      };
    });
}

type DeviceParams = { Params: { deviceId: string }; Querystring: { seq?: string } };

/** Registers the registry, folders and downloads routes for `source`. */
export function registerRegistryRoutes(app: FastifyInstance, source: DashboardSource): void {
  /** The device's events and changes, or the reply already sent when it has none. */
  const journalOf = (request: { params: { deviceId: string } }, reply: FastifyReply) => {
    const { deviceId } = request.params;
    const events = source.events(deviceId);
    if (events === undefined) {
      void reply.code(404).send({
        code: "DASHBOARD_UNKNOWN_DEVICE",
        message: `no device ${deviceId} in this dashboard's data`,
      });
      return undefined;
    }
    const changes = source.changes?.(deviceId);
    if (changes === undefined) {
      void reply.code(404).send({
        code: "DASHBOARD_NO_CHANGES",
        message: `device ${deviceId} has no recorded registry and file changes (changes.jsonl): they are recorded by \`imesim run --out\` and \`imesim run --ui\``,
      });
      return undefined;
    }
    return { deviceId, events, changes };
  };
  /** The asked seq (default: the end of the run), or the reply already sent when it is not a whole number. */
  const seqOf = (query: { seq?: string }, changes: readonly DeviceChange[], reply: FastifyReply) => {
    if (query.seq === undefined) return changes.reduce((last, change) => Math.max(last, change.seq), 0);
    const seq = Number(query.seq);
    if (!Number.isInteger(seq) || seq < 0) {
      void reply.code(400).send({
        code: "DASHBOARD_BAD_SEQ",
        message: `seq ${JSON.stringify(query.seq)} is not an event number (a whole number, 0 for the baseline)`,
      });
      return undefined;
    }
    return seq;
  };

  app.get<DeviceParams>("/ui/api/devices/:deviceId/registry", async (request, reply) => {
    const journal = journalOf(request, reply);
    if (journal === undefined) return reply;
    const seq = seqOf(request.query, journal.changes, reply);
    if (seq === undefined) return reply;
    const view: RegistryView = {
      deviceId: journal.deviceId,
      seq,
      steps: changeSteps(journal.changes, journal.events, "registry"),
      tree: registryTree(registryAt(journal.changes, seq)),
      diff: registryDiff(journal.changes, seq),
    };
    return view;
  });
  app.get<DeviceParams>("/ui/api/devices/:deviceId/folders", async (request, reply) => {
    const journal = journalOf(request, reply);
    if (journal === undefined) return reply;
    const seq = seqOf(request.query, journal.changes, reply);
    if (seq === undefined) return reply;
    const view: FoldersView = {
      deviceId: journal.deviceId,
      seq,
      steps: changeSteps(journal.changes, journal.events, "files"),
      tree: folderTree(foldersAt(journal.changes, seq)),
      changes: folderChanges(journal.changes, seq),
    };
    return view;
  });
  app.get<DeviceParams>("/ui/api/devices/:deviceId/downloads", async (request, reply) => {
    const events = source.events(request.params.deviceId);
    if (events === undefined)
      return reply.code(404).send({
        code: "DASHBOARD_UNKNOWN_DEVICE",
        message: `no device ${request.params.deviceId} in this dashboard's data`,
      });
    const view: DownloadsView = { deviceId: request.params.deviceId, downloads: downloadCurvesOf(events) };
    return view;
  });
}
