// The downloads view: bytes received against simulated time, one chart per download (downloads are seconds
// long and days apart, so each has its own time axis), from the agent's typed download events. Each point is
// an event (started, resumed, progress, completed, failed) and a link to it in the timeline; a table beside the
// charts says the same in text.
import type { DownloadCurve, DownloadsView } from "./api-types.ts";
import { formatBytes } from "./folders.ts";
import { escapeHtml, formatOffset, formatSpan } from "./format.ts";

const WIDTH = 480;
const HEIGHT = 160;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

function chartSvg(curve: DownloadCurve, index: number): string {
  const first = curve.points[0]?.simTime ?? 0;
  const span = Math.max(1, (curve.points.at(-1)?.simTime ?? first) - first);
  const top = Math.max(1, curve.totalBytes);
  const x = (time: number) => PAD.left + ((time - first) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (bytes: number) => HEIGHT - PAD.bottom - (bytes / top) * (HEIGHT - PAD.top - PAD.bottom);
  const path = curve.points
    .map((point) => `${x(point.simTime).toFixed(1)},${y(point.bytes).toFixed(1)}`)
    .join(" ");
  const dots = curve.points
    .map(
      (point) =>
        `<circle cx="${x(point.simTime).toFixed(1)}" cy="${y(point.bytes).toFixed(1)}" r="4"><title>${escapeHtml(`${point.phase} (event ${point.seq}): ${formatBytes(point.bytes)} at +${formatSpan(point.simTime - first)}`)}</title></circle>`,
    )
    .join("");
  const label = `${curve.name}: ${formatBytes(curve.totalBytes)} ${curve.outcome} over ${formatSpan(span)}`;
  return `<svg class="download-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="dl-${index}-label">
    <title id="dl-${index}-label">${escapeHtml(label)}</title>
    <line class="axis" x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}"/>
    <line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${HEIGHT - PAD.bottom}"/>
    <text x="${PAD.left - 4}" y="${PAD.top + 10}" text-anchor="end">${escapeHtml(curve.totalBytes.toLocaleString("en-US"))}</text>
    <text x="${PAD.left - 4}" y="${HEIGHT - PAD.bottom}" text-anchor="end">0</text>
    <text x="${PAD.left}" y="${HEIGHT - 8}">0</text>
    <text x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end">+${escapeHtml(formatSpan(span))}</text>
    <polyline class="curve curve-${curve.outcome}" points="${path}"/>
    ${dots}
  </svg>`;
}

function curveHtml(
  curve: DownloadCurve,
  index: number,
  context: { deviceId: string; startMs: number },
): string {
  const rows = curve.points
    .map(
      (point) =>
        `<tr><td><a href="#/timeline?device=${encodeURIComponent(context.deviceId)}&seq=${point.seq}">${point.seq}</a></td><td>${escapeHtml(point.phase)}</td><td>${formatOffset(point.simTime - context.startMs)}</td><td class="bytes">${formatBytes(point.bytes)}</td></tr>`,
    )
    .join("");
  return `<figure class="download" data-app="${escapeHtml(curve.appId ?? "")}" data-total="${curve.totalBytes}" data-outcome="${curve.outcome}">
    <figcaption><strong>${escapeHtml(curve.name)}</strong> — <span class="total">${formatBytes(curve.totalBytes)}</span>, ${curve.outcome}</figcaption>
    ${chartSvg(curve, index)}
    <table class="download-points" aria-label="Bytes received by ${escapeHtml(curve.name)}"><thead><tr><th scope="col">Event</th><th scope="col">Phase</th><th scope="col">Time</th><th scope="col">Bytes received</th></tr></thead><tbody>${rows}</tbody></table>
  </figure>`;
}

/** Renders the downloads view into `root`; the returned function redraws it with newer data (live runs). */
export function renderDownloads(
  root: HTMLElement,
  view: DownloadsView,
  startMs: number,
): (view: DownloadsView) => void {
  const draw = (data: DownloadsView) => {
    root.innerHTML = `
    <section class="downloads" aria-labelledby="downloads-title">
      <h2 id="downloads-title">Downloads: bytes received over simulated time</h2>
      <p>From the agent's download events; between two events the transfer runs at the device's modelled link rate, drawn as a straight line.</p>
      ${data.downloads.length === 0 ? "<p>No download yet.</p>" : data.downloads.map((curve, index) => curveHtml(curve, index, { deviceId: data.deviceId, startMs })).join("")}
    </section>`;
  };
  draw(view);
  return draw;
}
