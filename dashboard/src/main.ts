// The dashboard's shell: reads the run, routes #/timeline, #/logs and #/portal, keeps the device picker, and in
// live mode follows the server-sent event stream and drives the clock controls.
import "./style.css";
import { api } from "./api.ts";
import type { ClockState, DeviceEvents, RunInfo, StreamMessage, TimelineEvent } from "./api-types.ts";
import { renderChart } from "./chart.ts";
import { renderClock } from "./clock.ts";
import { attachLogExplain } from "./log-explain.ts";
import { renderLogs } from "./logs.ts";
import { showPortal } from "./portal.ts";
import { isRegistryView, type RegistryViewName, showRegistryView } from "./registry-route.ts";
import { renderTimeline } from "./timeline.ts";

const view = document.querySelector<HTMLElement>("#view")!;
const picker = document.querySelector<HTMLSelectElement>("#device")!;
const clockEl = document.querySelector<HTMLElement>("#clock")!;

/** The view an empty hash opens: the service has no events, so its dashboard opens on the portal. */
let defaultView: "timeline" | "portal" = "timeline";

interface Route {
  readonly name: "timeline" | "logs" | "portal" | "chart" | RegistryViewName;
  readonly device: string | undefined;
  readonly seq: number | undefined;
}

function parseRoute(): Route {
  const [path = "", query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const params = new URLSearchParams(query);
  const name =
    path === "logs" || path === "portal" || path === "timeline" || path === "chart" || isRegistryView(path)
      ? path
      : defaultView === "portal"
        ? "portal"
        : "timeline";
  const seq = params.get("seq");
  return { name, device: params.get("device") ?? undefined, seq: seq === null ? undefined : Number(seq) };
}

function go(name: Route["name"], device: string, seq?: number): void {
  location.hash = `#/${name}?device=${encodeURIComponent(device)}${seq === undefined ? "" : `&seq=${seq}`}`;
}

let run: RunInfo;
/** The shown device's events, kept current by the live stream. */
let current: DeviceEvents | undefined;
let redrawTimeline: ((data: DeviceEvents) => void) | undefined;
/** The device whose events are being fetched, with the stream's events for it that came meanwhile. */
let loading: { readonly deviceId: string; readonly early: TimelineEvent[] } | undefined;

/** A device's events as the server has them, plus any the stream brought while they were on the way. */
async function loadEvents(deviceId: string): Promise<DeviceEvents> {
  const pending = { deviceId, early: [] as TimelineEvent[] };
  loading = pending;
  const fresh = await api.events(deviceId);
  if (loading === pending) loading = undefined;
  const lastSeq = fresh.events.at(-1)?.seq ?? -1;
  const later = pending.early.filter((event) => event.seq > lastSeq);
  return later.length === 0 ? fresh : { ...fresh, events: [...fresh.events, ...later] };
}

function fillPicker(): void {
  const chosen = picker.value;
  picker.innerHTML = run.devices
    .map(
      (device) =>
        `<option value="${device.deviceId}">${device.deviceName} (${device.deviceId.slice(0, 8)})</option>`,
    )
    .join("");
  if (chosen !== "") picker.value = chosen;
}

async function show(): Promise<void> {
  const route = parseRoute();
  for (const link of document.querySelectorAll<HTMLAnchorElement>("nav a"))
    link.setAttribute("aria-current", link.dataset.view === route.name ? "page" : "false");
  const device = route.device ?? picker.value ?? run.devices[0]?.deviceId;
  if (device !== undefined && device !== "") picker.value = device;
  redrawTimeline = undefined;
  try {
    if (route.name === "portal") {
      await showPortal(view, route.device);
    } else if (run.mode === "service") {
      view.innerHTML =
        "<p>The service holds what devices reported, not the agent's events or logs: the portal shows it. For a device's timeline and logs open its outputs (<code>imesim ui &lt;out folder&gt;</code>) or run with <code>imesim run --ui</code>.</p>";
    } else if (device === undefined || device === "") {
      view.innerHTML = "<p>No device has reported yet.</p>";
    } else if (route.name === "chart") {
      current = await loadEvents(device);
      redrawTimeline = await renderChart(view, current, {
        startMs: run.startMs ?? current.events[0]?.simTime ?? 0,
      });
    } else if (isRegistryView(route.name)) {
      // Live: the stream's events for this device reach `refresh` (downloads redraw as they come).
      if (run.mode === "live") current = await loadEvents(device);
      const refresh = await showRegistryView(route.name, view, device, route.seq, run.startMs ?? 0);
      if (refresh !== undefined) redrawTimeline = refresh;
    } else if (route.name === "logs") {
      const [files, lines] = await Promise.all([
        api.logs(device),
        route.seq === undefined ? undefined : api.lines(device, route.seq),
      ]);
      renderLogs(view, files, {
        ...(lines === undefined ? {} : { lines }),
        onBack: (seq) => go("timeline", device, seq),
      });
      // The step panel comes after the lines are shown (it needs two more requests), so the log is not held up.
      void attachLogExplain(view, device, route.seq);
    } else {
      current = await loadEvents(device);
      redrawTimeline = renderTimeline(view, current, {
        startMs: run.startMs ?? current.events[0]?.simTime ?? 0,
        onShowLines: (seq) => go("logs", device, seq),
        loadWrites: async (seq) => (await api.lines(device, seq)).registryWrites,
        ...(route.seq === undefined ? {} : { selectedSeq: route.seq }),
      });
      if (route.seq !== undefined)
        view.querySelector<HTMLElement>(`.marker[data-seq="${route.seq}"]`)?.focus();
    }
    document.body.dataset.ready = route.name;
  } catch (error) {
    view.innerHTML = `<p role="alert" class="failure">${(error as Error).message}</p>`;
  }
}

/** Live mode: new events go into the shown device's timeline (one redraw per frame), clock changes to the controls. */
function follow(onClock: (clock: ClockState) => void): void {
  let pending = false;
  const source = new EventSource("api/stream");
  // What happened before the stream was open (a Step clicked at once, or a dropped connection) is not in it:
  // catch up from the server each time it (re)opens.
  source.onopen = () => void catchUp(onClock);
  source.onmessage = (message) => {
    const data = JSON.parse(message.data as string) as StreamMessage;
    if (data.kind === "clock") onClock(data.clock);
    else if (data.kind === "device") {
      run = {
        ...run,
        devices: [...run.devices.filter((d) => d.deviceId !== data.device.deviceId), data.device],
      };
      fillPicker();
      if (current === undefined) void show();
    } else {
      if (loading?.deviceId === data.deviceId) loading.early.push(data.event);
      if (current === undefined || data.deviceId !== current.deviceId) return;
      current = { ...current, events: [...current.events, data.event] };
      if (data.event.phase === "apps.received" || current.notes[data.event.phase] === undefined) {
        // Names and notes come with the device's events: refetch on the rare event that brings new ones.
        void loadEvents(current.deviceId).then((fresh) => {
          current = fresh;
          redrawTimeline?.(fresh);
        });
      } else if (!pending) {
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          if (current !== undefined) redrawTimeline?.(current);
        });
      }
    }
  };
}

/** Brings the device list, the clock and the shown device's events up to the server's. */
async function catchUp(onClock: (clock: ClockState) => void): Promise<void> {
  const hadDevices = run.devices.length > 0;
  run = await api.run();
  fillPicker();
  if (run.clock !== undefined) onClock(run.clock);
  if (current !== undefined) {
    current = await loadEvents(current.deviceId);
    redrawTimeline?.(current);
  } else if (!hadDevices && run.devices.length > 0) void show();
}

async function start(): Promise<void> {
  run = await api.run();
  if (run.mode === "service") defaultView = "portal";
  document.querySelector("#title")!.textContent = `imesim — ${run.title}`;
  document.title = `imesim — ${run.title}`;
  fillPicker();
  picker.addEventListener("change", () => go(parseRoute().name, picker.value));
  window.addEventListener("hashchange", () => void show());
  if (run.clock !== undefined) {
    clockEl.hidden = false;
    follow(renderClock(clockEl, run.clock, run.startMs ?? run.clock.now));
  }
  await show();
}

void start();
