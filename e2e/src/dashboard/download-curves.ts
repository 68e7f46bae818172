// Bytes received against simulated time for each download, from the agent's typed download events alone:
// download.started (0 bytes), download.resumed (the bytes kept, fromByte), download.progress (bytes of total),
// download.completed (size) or download.failed. Between two points the agent models the transfer at the link's
// rate (content-download.ts), so the view draws straight lines between them.
import type { ImeEvent } from "@imesim/agent/events";
import type { DownloadCurve } from "@imesim/dashboard/api";

type Point = DownloadCurve["points"][number];

interface Building {
  appId: string | undefined;
  name: string;
  fileId: string | undefined;
  outcome: DownloadCurve["outcome"];
  totalBytes: number;
  points: Point[];
}

/** Every download of a device in the order they started; a download still running ends at its last point. */
export function downloadCurvesOf(events: readonly ImeEvent[]): DownloadCurve[] {
  const curves: Building[] = [];
  /** The running download of each app (appId, or "" for an event without one). */
  const running = new Map<string, Building>();
  const point = (curve: Building, event: ImeEvent, bytes: number) => {
    curve.points.push({ simTime: event.simTime, bytes, seq: event.seq, phase: event.phase });
    curve.totalBytes = Math.max(curve.totalBytes, bytes);
  };
  for (const event of events) {
    const app = event.appId ?? "";
    switch (event.phase) {
      case "download.started": {
        const curve: Building = {
          appId: event.appId,
          name: event.details.name,
          fileId: event.details.fileId,
          outcome: "running",
          totalBytes: 0,
          points: [],
        };
        point(curve, event, 0);
        curves.push(curve);
        running.set(app, curve);
        break;
      }
      case "download.resumed": {
        const curve = running.get(app);
        if (curve !== undefined) point(curve, event, event.details.fromByte);
        break;
      }
      case "download.progress": {
        const curve = running.get(app);
        if (curve !== undefined) point(curve, event, event.details.bytes);
        break;
      }
      case "download.completed": {
        const curve = running.get(app);
        if (curve === undefined) break;
        point(curve, event, event.details.size);
        curve.totalBytes = event.details.size;
        curve.outcome = "completed";
        running.delete(app);
        break;
      }
      case "download.failed": {
        const curve = running.get(app);
        if (curve === undefined) break;
        point(curve, event, curve.points.at(-1)?.bytes ?? 0);
        curve.outcome = "failed";
        running.delete(app);
        break;
      }
    }
  }
  return curves;
}
