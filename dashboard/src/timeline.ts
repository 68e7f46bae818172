// One device's timeline: a lane per app (and one for the service), every event a focusable marker at its
// simulated time, a zoomable window from the whole run down to milliseconds. Selecting a marker shows the step's
// explain note and details, with a link to the log lines it wrote.
import type { DeviceEvents, TimelineEvent } from "./api-types.ts";
import { CATEGORY_LABELS, categoryOf } from "./categories.ts";
import { escapeHtml, formatOffset, formatSpan } from "./format.ts";

/** The smallest window the zoom reaches: 10 ms across the lane. */
const MIN_SPAN_MS = 10;

export interface TimelineOptions {
  readonly startMs: number;
  /** Called when the user asks for an event's log lines. */
  readonly onShowLines: (seq: number) => void;
  /** Fetches the registry values an event wrote (shown beside its note). */
  readonly loadWrites: (seq: number) => Promise<readonly string[]>;
  readonly selectedSeq?: number;
}

/** About how much of the track one label character takes (0.7rem text on a track about 1,100 px wide). */
const LABEL_PERCENT_PER_CHAR = 0.6;

/** A short label for markers that carry a result: exit codes and their mapping, verdicts, errors. */
export function eventLabel(event: TimelineEvent): string {
  const d = event.details;
  switch (event.phase) {
    case "install.finished":
      return d.timedOut === true
        ? "timed out"
        : `exit ${String(d.exitCode)}${d.mapping === undefined ? "" : ` → ${String(d.mapping)}`}`;
    case "detection.completed":
      return d.detected === true ? "detected" : "not detected";
    case "applicability.completed":
      return String(d.applicabilityName ?? d.applicability);
    case "grs.checked":
      return `GRS ${String(d.verdict)}`;
    case "install.retryScheduled":
      return `retry ${String(d.retry)} in ${formatSpan(Number(d.delayMs))}`;
    case "state.enforcement":
      return `state ${String(d.enforcementState)}`;
    case "download.progress":
      return `${String(d.bytes)}/${String(d.total)} bytes`;
    default:
      return "";
  }
}

/** The registry values a step wrote, as a list (nothing when it wrote none). */
function writesHtml(writes: readonly string[]): string {
  if (writes.length === 0) return "";
  return `<h4>Registry values written</h4><ul class="writes">${writes.map((write) => `<li><code>${escapeHtml(write)}</code></li>`).join("")}</ul>`;
}

interface Lane {
  readonly key: string;
  readonly label: string;
  readonly events: TimelineEvent[];
}

function lanesOf(data: DeviceEvents): Lane[] {
  const service: Lane = { key: "service", label: "IME service and check-ins", events: [] };
  const apps = new Map<string, Lane>();
  for (const event of data.events) {
    if (event.appId === undefined) {
      service.events.push(event);
      continue;
    }
    const key = event.appId.toLowerCase();
    let lane = apps.get(key);
    if (lane === undefined) {
      lane = { key, label: data.appNames[key] ?? event.appId, events: [] };
      apps.set(key, lane);
    }
    lane.events.push(event);
  }
  return [service, ...[...apps.values()].sort((a, b) => a.label.localeCompare(b.label))];
}

/** Tick spacing: the round step giving about 8 ticks across the window. */
function tickStep(span: number): number {
  const steps = [1, 5, 10, 50, 100, 500, 1000, 5000, 15_000, 60_000, 300_000, 900_000, 3_600_000];
  for (const step of [...steps, 6 * 3_600_000, 86_400_000, 7 * 86_400_000])
    if (span / step <= 10) return step;
  return 30 * 86_400_000;
}

/** Renders the timeline into `root` and returns a function that re-renders with new data (live runs). */
export function renderTimeline(
  root: HTMLElement,
  initial: DeviceEvents,
  options: TimelineOptions,
): (data: DeviceEvents) => void {
  let data = initial;
  const times = () => data.events.map((event) => event.simTime);
  const full = (): [number, number] => {
    const all = times();
    const first = Math.min(options.startMs, ...all);
    const last = Math.max(first + MIN_SPAN_MS, ...all);
    const pad = (last - first) * 0.02;
    return [first - pad, last + pad];
  };
  let [viewStart, viewEnd] = full();
  let followLive = true;
  let selected = options.selectedSeq;

  root.innerHTML = `
    <section class="timeline" aria-labelledby="tl-title">
      <h2 id="tl-title">Timeline</h2>
      <div class="toolbar" role="toolbar" aria-label="Timeline zoom">
        <button type="button" data-zoom="in">Zoom in</button>
        <button type="button" data-zoom="out">Zoom out</button>
        <button type="button" data-zoom="fit">Whole run</button>
        <button type="button" data-pan="-1" aria-label="Earlier">◀ Earlier</button>
        <button type="button" data-pan="1" aria-label="Later">Later ▶</button>
        <span class="window" aria-live="polite"></span>
      </div>
      <ul class="legend" aria-label="Legend">${Object.entries(CATEGORY_LABELS)
        .map(([key, label]) => `<li><span class="swatch cat-${key}"></span>${label}</li>`)
        .join("")}</ul>
      <div class="lanes"></div>
      <section class="details" aria-live="polite" aria-label="Selected event"></section>
    </section>`;
  const lanesEl = root.querySelector<HTMLElement>(".lanes")!;
  const windowEl = root.querySelector<HTMLElement>(".window")!;
  const detailsEl = root.querySelector<HTMLElement>(".details")!;

  const showDetails = () => {
    const event = data.events.find((candidate) => candidate.seq === selected);
    if (event === undefined) {
      detailsEl.innerHTML =
        "<p>Select an event (click, or Tab to it and press Enter) to see what the IME did.</p>";
      return;
    }
    const note = data.notes[event.phase];
    const app = event.appId === undefined ? "" : (data.appNames[event.appId.toLowerCase()] ?? event.appId);
    detailsEl.innerHTML = `
      <h3>${escapeHtml(note?.title ?? event.phase)}${app === "" ? "" : ` — ${escapeHtml(app)}`}</h3>
      <p class="meta"><code>${escapeHtml(event.phase)}</code> · event ${event.seq} · ${formatOffset(event.simTime - options.startMs)} · thread ${event.thread}</p>
      <p>${escapeHtml(note?.why ?? "")}</p>
      <div class="writes-slot"></div>
      <button type="button" class="show-lines">Show its log lines</button>
      <a class="show-registry" href="#/registry?device=${encodeURIComponent(data.deviceId)}&seq=${event.seq}">Its registry changes</a> · <a class="show-folders" href="#/folders?device=${encodeURIComponent(data.deviceId)}&seq=${event.seq}">its folder changes</a>
      <pre class="json" tabindex="0" aria-label="Event details">${escapeHtml(JSON.stringify(event.details, null, 2))}</pre>`;
    detailsEl.querySelector("button")!.addEventListener("click", () => options.onShowLines(event.seq));
    void options.loadWrites(event.seq).then((writes) => {
      const slot = detailsEl.querySelector(".writes-slot");
      if (slot !== null && selected === event.seq) slot.innerHTML = writesHtml(writes);
    });
  };

  const draw = () => {
    const span = viewEnd - viewStart;
    windowEl.textContent = `Showing ${formatSpan(span)} from ${formatOffset(viewStart - options.startMs)}`;
    const step = tickStep(span);
    const ticks: string[] = [];
    for (
      let t = Math.ceil((viewStart - options.startMs) / step) * step;
      t <= viewEnd - options.startMs;
      t += step
    ) {
      const left = ((t + options.startMs - viewStart) / span) * 100;
      ticks.push(`<span class="tick" style="left:${left}%">${formatOffset(t)}</span>`);
    }
    const rows = lanesOf(data).map((lane) => {
      // A label is drawn only where it has room: one that would run into the previous label stays in the
      // marker's title and aria-label (zoom in to read it on the track).
      let labelsEndAt = Number.NEGATIVE_INFINITY;
      const markers = lane.events
        .filter((event) => event.simTime >= viewStart && event.simTime <= viewEnd)
        .map((event) => {
          const left = ((event.simTime - viewStart) / span) * 100;
          const label = eventLabel(event);
          const shown = label !== "" && left >= labelsEndAt;
          if (shown) labelsEndAt = left + label.length * LABEL_PERCENT_PER_CHAR;
          const title = data.notes[event.phase]?.title ?? event.phase;
          const text = `${formatOffset(event.simTime - options.startMs)} ${title}${label === "" ? "" : `: ${label}`}`;
          return `<button type="button" class="marker cat-${categoryOf(event.phase)}${event.seq === selected ? " selected" : ""}" style="left:${left}%" data-seq="${event.seq}" data-phase="${escapeHtml(event.phase)}" aria-label="${escapeHtml(text)}" title="${escapeHtml(text)}">${shown ? `<span class="label">${escapeHtml(label)}</span>` : ""}</button>`;
        })
        .join("");
      return `<div class="lane" role="group" aria-label="${escapeHtml(lane.label)}"><div class="lane-label">${escapeHtml(lane.label)}</div><div class="track">${markers}</div></div>`;
    });
    lanesEl.innerHTML = `<div class="axis" aria-hidden="true"><div class="lane-label"></div><div class="track">${ticks.join("")}</div></div>${rows.join("")}`;
    showDetails();
  };

  const zoom = (factor: number, centre = (viewStart + viewEnd) / 2) => {
    followLive = false;
    const span = Math.max(MIN_SPAN_MS, (viewEnd - viewStart) * factor);
    const ratio = (centre - viewStart) / (viewEnd - viewStart);
    viewStart = centre - span * ratio;
    viewEnd = viewStart + span;
    draw();
  };
  const centreOnSelected = () => {
    const event = data.events.find((candidate) => candidate.seq === selected);
    return event?.simTime;
  };
  root.querySelector(".toolbar")!.addEventListener("click", (domEvent) => {
    const button = (domEvent.target as HTMLElement).closest("button");
    if (button === null) return;
    if (button.dataset.zoom === "in") zoom(0.25, centreOnSelected());
    else if (button.dataset.zoom === "out") zoom(4, centreOnSelected());
    else if (button.dataset.zoom === "fit") {
      [viewStart, viewEnd] = full();
      followLive = true;
      draw();
    } else if (button.dataset.pan !== undefined) {
      followLive = false;
      const shift = (viewEnd - viewStart) * 0.5 * Number(button.dataset.pan);
      viewStart += shift;
      viewEnd += shift;
      draw();
    }
  });
  lanesEl.addEventListener("click", (domEvent) => {
    const marker = (domEvent.target as HTMLElement).closest<HTMLElement>(".marker");
    if (marker === null) return;
    selected = Number(marker.dataset.seq);
    for (const other of lanesEl.querySelectorAll(".marker.selected")) other.classList.remove("selected");
    marker.classList.add("selected");
    showDetails();
  });
  lanesEl.addEventListener("wheel", (domEvent) => {
    const track = lanesEl.querySelector<HTMLElement>(".lane .track");
    if (track === null) return;
    domEvent.preventDefault();
    const box = track.getBoundingClientRect();
    const at = viewStart + ((domEvent.clientX - box.left) / box.width) * (viewEnd - viewStart);
    zoom(domEvent.deltaY < 0 ? 0.5 : 2, at);
  });
  draw();
  return (next) => {
    data = next;
    if (followLive) [viewStart, viewEnd] = full();
    draw();
  };
}
