// The registry, folders and downloads views' API: /ui/api/devices/:id/registry?seq=N (the registry tree after
// step N and what step N changed), /folders?seq=N (the IME's folders then, and the step's file changes) and
// /downloads (bytes over simulated time per download). Registry and folders need the device's change journal
// (changes.jsonl, recorded by `run --out` and `run --ui`); downloads need only the typed events.
import type { ImeEvent } from "@imesim/agent/events";
import type { DeviceChange } from "@imesim/agent/host";
import type { ChangeStep, DownloadsView, FoldersView, RegistryView } from "@imesim/dashboard/api";
import type { FastifyInstance } from "fastify";
import { downloadCurvesOf } from "./download-curves.ts";
import { folderChanges, foldersAt, folderTree } from "./folders-snapshot.ts";
import { registryAt, registryDiff, registryTree } from "./registry-snapshot.ts";
import { unknownDevice } from "./route-errors.ts";
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

/** A device's change journal up to step `seq`, what the registry and folders views are made from. */
interface JournalAt {
  readonly deviceId: string;
  readonly seq: number;
  readonly events: readonly ImeEvent[];
  readonly changes: readonly DeviceChange[];
}

/** Registers the registry, folders and downloads routes for `source`. */
export function registerRegistryRoutes(app: FastifyInstance, source: DashboardSource): void {
  /** A route answering with `viewOf` the device's journal at the asked step (default: the end of the run). */
  const journalRoute = (
    view: "registry" | "folders",
    viewOf: (journal: JournalAt) => RegistryView | FoldersView,
  ) =>
    app.get<DeviceParams>(`/ui/api/devices/:deviceId/${view}`, async (request, reply) => {
      const { deviceId } = request.params;
      const events = source.events(deviceId);
      if (events === undefined) return unknownDevice(reply, deviceId);
      const changes = source.changes?.(deviceId);
      if (changes === undefined)
        return reply.code(404).send({
          code: "DASHBOARD_NO_CHANGES",
          message: `device ${deviceId} has no recorded registry and file changes (changes.jsonl): they are recorded by \`imesim run --out\` and \`imesim run --ui\``,
        });
      const asked = request.query.seq;
      const seq =
        asked === undefined ? changes.reduce((last, change) => Math.max(last, change.seq), 0) : Number(asked);
      if (!Number.isInteger(seq) || seq < 0)
        return reply.code(400).send({
          code: "DASHBOARD_BAD_SEQ",
          message: `seq ${JSON.stringify(asked)} is not an event number (a whole number, 0 for the baseline)`,
        });
      return viewOf({ deviceId, seq, events, changes });
    });

  journalRoute(
    "registry",
    ({ deviceId, seq, events, changes }): RegistryView => ({
      deviceId,
      seq,
      steps: changeSteps(changes, events, "registry"),
      tree: registryTree(registryAt(changes, seq)),
      diff: registryDiff(changes, seq),
    }),
  );
  journalRoute(
    "folders",
    ({ deviceId, seq, events, changes }): FoldersView => ({
      deviceId,
      seq,
      steps: changeSteps(changes, events, "files"),
      tree: folderTree(foldersAt(changes, seq)),
      changes: folderChanges(changes, seq),
    }),
  );
  app.get<DeviceParams>("/ui/api/devices/:deviceId/downloads", async (request, reply) => {
    const events = source.events(request.params.deviceId);
    if (events === undefined) return unknownDevice(reply, request.params.deviceId);
    const view: DownloadsView = { deviceId: request.params.deviceId, downloads: downloadCurvesOf(events) };
    return view;
  });
}
