// The statechart view (#/chart): the app enforcement, check-in and service charts as the machines define them
// (laid out on the server), the device's path through the chosen chart (from its typed events), the current
// state highlighted, and a replay: step back and forth through the states visited, for one app on one device.
// Live runs: each new event refetches the path and, unless the reader stepped back, moves to its end.
import { get } from "./api.ts";
import type { ChartGraph, ChartName, ChartPaths, ChartStep, DeviceEvents } from "./api-types.ts";
import { chartSvg, highlight } from "./chart-svg.ts";
import { escapeHtml, formatOffset } from "./format.ts";

const CHART_LABELS: Readonly<Record<ChartName, string>> = {
  enforcement: "App enforcement",
  checkin: "Check-in",
  service: "IME service",
};

export interface ChartViewOptions {
  readonly startMs: number;
}

/** The view's own route parameters: `#/chart?device=…&chart=…&app=…&step=…`. */
function params(): URLSearchParams {
  return new URLSearchParams(location.hash.split("?")[1] ?? "");
}

/** Keeps the device, chart, app and step in the address without re-rendering (no hashchange). */
function remember(deviceId: string, values: Record<string, string>): void {
  const query = params();
  query.set("device", deviceId);
  for (const [key, value] of Object.entries(values)) query.set(key, value);
  history.replaceState(null, "", `#/chart?${query.toString()}`);
}

const shortState = (graph: ChartGraph, id: string) => id.slice(graph.machineId.length + 1);

/** Renders the view for one device into `root`; returns the redraw a live run calls with the device's events. */
export async function renderChart(
  root: HTMLElement,
  data: DeviceEvents,
  options: ChartViewOptions,
): Promise<(data: DeviceEvents) => void> {
  const device = encodeURIComponent(data.deviceId);
  const query = params();
  query.set("device", data.deviceId);
  const chart: ChartName =
    (["enforcement", "checkin", "service"] as const).find((c) => c === query.get("chart")) ?? "enforcement";
  let paths = await get<ChartPaths>(`devices/${device}/chart-paths`);
  const graph = await get<ChartGraph>(`charts/${chart}`);
  const apps = Object.keys(paths.enforcement);
  let app = query.get("app")?.toLowerCase() ?? apps[0];
  if (app !== undefined && !apps.includes(app)) app = apps[0];
  const stepsOf = (p: ChartPaths): readonly ChartStep[] =>
    chart === "enforcement" ? (app === undefined ? [] : (p.enforcement[app] ?? [])) : p[chart];
  let steps = stepsOf(paths);
  const wanted = Number(query.get("step"));
  let position = query.has("step") && wanted >= 1 && wanted <= steps.length ? wanted - 1 : steps.length - 1;
  /** Follows new steps (live) while the reader is at the path's end. */
  let following = position === steps.length - 1;

  const appOptions = apps
    .map(
      (id) =>
        `<option value="${escapeHtml(id)}"${id === app ? " selected" : ""}>${escapeHtml(data.appNames[id] ?? id)}</option>`,
    )
    .join("");
  root.innerHTML = `
    <section class="chart-view" aria-labelledby="chart-heading">
      <h2 id="chart-heading">Statecharts</h2>
      <div class="toolbar">
        <label>Chart <select class="chart-pick">${(Object.keys(CHART_LABELS) as ChartName[])
          .map((c) => `<option value="${c}"${c === chart ? " selected" : ""}>${CHART_LABELS[c]}</option>`)
          .join("")}</select></label>
        ${chart === "enforcement" ? `<label>App <select class="app-pick">${appOptions}</select></label>` : ""}
      </div>
      <div class="replay" role="group" aria-label="Replay the path taken">
        <button type="button" class="first">First state</button>
        <button type="button" class="prev" aria-keyshortcuts="ArrowLeft">Step back</button>
        <input type="range" class="position" min="1" value="1" aria-label="Step of the path">
        <button type="button" class="next" aria-keyshortcuts="ArrowRight">Step forward</button>
        <button type="button" class="last">Last state</button>
        <p class="where" aria-live="polite"></p>
      </div>
      <div class="chart-body">
        <div class="chart-scroll" tabindex="0" role="region" aria-label="${CHART_LABELS[chart]} chart; arrow keys step through the path"></div>
        <nav class="chart-steps" aria-label="Path taken"><h3>Path taken</h3><ol></ol></nav>
      </div>
      ${paths.unknownStates.length === 0 ? "" : `<p role="alert" class="failure">The path rules name states the charts no longer have: ${escapeHtml(paths.unknownStates.join(", "))}</p>`}
    </section>`;
  const scroll = root.querySelector<HTMLElement>(".chart-scroll")!;
  const where = root.querySelector<HTMLElement>(".where")!;
  const range = root.querySelector<HTMLInputElement>(".position")!;
  const list = root.querySelector<HTMLOListElement>(".chart-steps ol")!;
  const title = `${CHART_LABELS[chart]} chart (${graph.machineId}), drawn from its state machine: ${graph.nodes.filter((n) => n.type !== "start").length} states`;
  scroll.innerHTML = chartSvg(graph, "chart-svg-title", title);
  const svg = scroll.querySelector<SVGSVGElement>("svg")!;

  const drawList = () => {
    list.innerHTML = steps
      .map(
        (step, index) =>
          `<li><button type="button" data-index="${index}"${index === position ? ' aria-current="step"' : ""}>${index + 1}. ${escapeHtml(shortState(graph, step.state))} <span class="muted">${escapeHtml(step.phase)} #${step.seq}</span></button></li>`,
      )
      .join("");
  };
  const show = (scrollTo: boolean) => {
    const step = steps[position];
    const visited = new Set(steps.slice(0, position + 1).map((s) => s.state));
    highlight(svg, visited, step?.state, steps[position - 1]?.state);
    range.max = String(Math.max(1, steps.length));
    range.value = String(position + 1);
    range.disabled = steps.length <= 1;
    for (const button of root.querySelectorAll<HTMLButtonElement>(".replay button"))
      button.disabled =
        steps.length === 0 ||
        ((button.classList.contains("first") || button.classList.contains("prev")) && position <= 0) ||
        ((button.classList.contains("next") || button.classList.contains("last")) &&
          position >= steps.length - 1);
    for (const button of list.querySelectorAll<HTMLButtonElement>("button"))
      if (Number(button.dataset.index) === position) {
        button.setAttribute("aria-current", "step");
        if (scrollTo) button.scrollIntoView({ block: "nearest" });
      } else button.removeAttribute("aria-current");
    where.innerHTML =
      step === undefined
        ? "No event of this device shows this chart yet."
        : `Step ${position + 1} of ${steps.length}: <strong class="state-name">${escapeHtml(shortState(graph, step.state))}</strong>, shown by ${escapeHtml(step.phase)} at ${formatOffset(step.simTime - options.startMs)} — <a href="#/timeline?device=${device}&amp;seq=${step.seq}">event #${step.seq} on the timeline</a>`;
    root.dataset.current = step?.state ?? "";
    root.dataset.position = String(position + 1);
    if (scrollTo && step !== undefined)
      svg.querySelector(`g.state[data-state="${CSS.escape(step.state)}"]`)?.scrollIntoView({
        block: "center",
        inline: "center",
      });
  };
  const go = (index: number) => {
    position = Math.max(0, Math.min(steps.length - 1, index));
    following = position === steps.length - 1;
    remember(data.deviceId, { chart, ...(app === undefined ? {} : { app }), step: String(position + 1) });
    show(true);
  };

  // Another chart or app is another page of the view: the shell renders it afresh (hashchange).
  const reopen = (values: Record<string, string>) => {
    const next = params();
    next.set("device", data.deviceId);
    next.delete("step");
    for (const [key, value] of Object.entries(values)) next.set(key, value);
    location.hash = `#/chart?${next.toString()}`;
  };
  root.querySelector(".chart-pick")!.addEventListener("change", (event) => {
    reopen({ chart: (event.target as HTMLSelectElement).value });
  });
  root.querySelector(".app-pick")?.addEventListener("change", (event) => {
    reopen({ app: (event.target as HTMLSelectElement).value });
  });
  root.querySelector(".first")!.addEventListener("click", () => go(0));
  root.querySelector(".prev")!.addEventListener("click", () => go(position - 1));
  root.querySelector(".next")!.addEventListener("click", () => go(position + 1));
  root.querySelector(".last")!.addEventListener("click", () => go(steps.length - 1));
  range.addEventListener("input", () => go(Number(range.value) - 1));
  list.addEventListener("click", (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-index]");
    if (button !== null) go(Number(button.dataset.index));
  });
  scroll.addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft") go(position - 1);
    else if (event.key === "ArrowRight") go(position + 1);
    else if (event.key === "Home") go(0);
    else if (event.key === "End") go(steps.length - 1);
    else return;
    event.preventDefault();
  });
  drawList();
  show(true);

  // Live: refetch the path on new events, one request at a time (a burst of events ends in one more fetch).
  let loading = false;
  let again = false;
  const redraw = (): void => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    void get<ChartPaths>(`devices/${device}/chart-paths`)
      .then((fresh) => {
        paths = fresh;
        steps = stepsOf(paths);
        if (following) position = steps.length - 1;
        drawList();
        show(following);
      })
      .finally(() => {
        loading = false;
        if (again) {
          again = false;
          redraw();
        }
      });
  };
  return redraw;
}
