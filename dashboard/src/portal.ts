// The portal view at fleet size, three pages as Intune's app install status pages are laid out:
// - the fleet (`#/portal`): every app's counts per install status and its assignments, then devices × apps;
// - one app (`#/portal?app=<id>[&status=<s>]`): its counts and assignments, every device's status for it;
// - one device (`#/portal?device=<id>`): every app's status on it, and the operations an admin can run on it.
// Statuses, EnforcementState names and error meanings are computed server side from contracts' enums. Device
// tables are virtual (progressive.ts): a 1,000-device fleet draws a screenful, filters in memory per keystroke.
import { api } from "./api.ts";
import type {
  DeviceOperations,
  PortalAppSummary,
  PortalApps,
  PortalCell,
  PortalStatus,
  PortalView,
} from "./api-types.ts";
import { escapeHtml } from "./format.ts";
import { rowAttributes, virtualRows } from "./progressive.ts";

const STATUS_WORDS: Readonly<Record<PortalStatus, string>> = {
  installed: "Installed",
  failed: "Failed",
  pending: "Pending",
  notInstalled: "Not installed",
  notApplicable: "Not applicable",
};
const STATUSES = Object.keys(STATUS_WORDS) as PortalStatus[];

/** A device row's height in px before it is measured (status, state and error lines). */
const ROW_ESTIMATE = 64;

const enc = encodeURIComponent;
const appLink = (id: string, status?: string) =>
  `#/portal?app=${enc(id)}${status === undefined ? "" : `&status=${enc(status)}`}`;
const deviceLink = (id: string) => `#/portal?device=${enc(id)}`;

/** The status, EnforcementState name and error of one cell, as spans (the table cell is the caller's). */
function cellBody(cell: PortalCell): string {
  const state =
    cell.stateName === undefined
      ? ""
      : `<span class="state">${escapeHtml(cell.stateName)} (${cell.enforcementState})</span>`;
  const error =
    cell.errorHex === undefined
      ? ""
      : `<span class="error">${cell.errorHex}${cell.errorMeaning === undefined ? "" : ` — ${escapeHtml(cell.errorMeaning)}`}</span>`;
  return `<span class="status">${STATUS_WORDS[cell.status]}</span>${state}${error}`;
}

function cellHtml(cell: PortalCell | undefined): string {
  if (cell === undefined) return `<td class="untargeted">not targeted</td>`;
  return `<td class="st-${cell.status}">${cellBody(cell)}</td>`;
}

type Row = PortalView["rows"][number];

/** The rows matching `filter`: device name or id text, a status (of `app` when given, else of any app). */
export function portalRows(
  view: PortalView,
  filter: { text: string; status: string; app?: string },
): PortalView["rows"] {
  const needle = filter.text.toLowerCase();
  const apps = filter.app === undefined ? view.apps.map((app) => app.id) : [filter.app];
  return view.rows.filter(
    (row) =>
      (needle === "" || row.deviceName.toLowerCase().includes(needle) || row.deviceId.includes(needle)) &&
      (filter.app === undefined || row.cells[filter.app] !== undefined) &&
      (filter.status === "" || apps.some((app) => row.cells[app]?.status === filter.status)),
  );
}

const deviceHeader = (row: Row) =>
  `<th scope="row"><a href="${deviceLink(row.deviceId)}">${escapeHtml(row.deviceName)}</a><span class="id">${row.deviceId}</span></th>`;

/** The HTML of some device × app rows (one string: far faster than node by node); `first` = index of rows[0]. */
export function portalRowsHtml(view: PortalView, rows: PortalView["rows"], first = 0): string {
  let html = "";
  rows.forEach((row, k) => {
    html += `<tr ${rowAttributes(first + k)}>${deviceHeader(row)}${view.apps.map((app) => cellHtml(row.cells[app.id])).join("")}</tr>`;
  });
  return html;
}

function assignmentsHtml(app: PortalAppSummary): string {
  if (app.assignments.length === 0) return '<span class="none">none recorded</span>';
  return `<ul class="assignments">${app.assignments
    .map((a) => {
      const target = a.group === undefined ? a.target : `${a.target} ${a.group}`;
      const filter =
        a.filter === undefined ? "" : ` · filter ${escapeHtml(a.filter)} (${a.filterMode ?? "?"})`;
      const devices = a.devices === undefined ? "" : ` · ${a.devices} device${a.devices === 1 ? "" : "s"}`;
      return `<li><strong>${escapeHtml(a.intent)}</strong> · ${escapeHtml(target)}${filter}${devices}</li>`;
    })
    .join("")}</ul>`;
}

/** The per-app summary table: counts link to the app's devices in that status. */
function summaryHtml(apps: PortalApps): string {
  const rows = apps.apps
    .map(
      (app) =>
        `<tr><th scope="row"><a href="${appLink(app.id)}">${escapeHtml(app.name)}</a></th>${STATUSES.map(
          (status) =>
            `<td class="num"><a href="${appLink(app.id, status)}" aria-label="${escapeHtml(app.name)}: ${app.counts[status]} ${STATUS_WORDS[status].toLowerCase()}">${app.counts[status]}</a></td>`,
        ).join("")}<td>${assignmentsHtml(app)}</td></tr>`,
    )
    .join("");
  return `<table class="app-summary">
    <caption>Apps: install status of ${apps.deviceCount} devices; assignments from the ${apps.assignmentsFrom === "service" ? "service" : "policies the devices received"}</caption>
    <thead><tr><th scope="col">App</th>${STATUSES.map((s) => `<th scope="col" class="num">${STATUS_WORDS[s]}</th>`).join("")}<th scope="col">Assignments</th></tr></thead>
    <tbody>${rows}</tbody></table>`;
}

function statusOptions(selected: string): string {
  return `<option value="">any</option>${STATUSES.map(
    (key) => `<option value="${key}"${key === selected ? " selected" : ""}>${STATUS_WORDS[key]}</option>`,
  ).join("")}`;
}

/** A filtered, virtual device table in `root` (its toolbar, count and table already in the HTML). */
function deviceTable(
  root: HTMLElement,
  view: PortalView,
  columns: number,
  rowsHtml: (rows: PortalView["rows"], first: number) => string,
  app?: string,
): void {
  const tbody = root.querySelector<HTMLTableSectionElement>(".devices tbody")!;
  const text = root.querySelector<HTMLInputElement>(".filter")!;
  const status = root.querySelector<HTMLSelectElement>(".status-filter")!;
  const count = root.querySelector<HTMLElement>(".count")!;
  const scroller = root.querySelector<HTMLElement>(".portal-scroll")!;
  const table = virtualRows(scroller, tbody, { estimate: ROW_ESTIMATE, columns });
  const draw = () => {
    const rows = portalRows(view, {
      text: text.value,
      status: status.value,
      ...(app === undefined ? {} : { app }),
    });
    count.textContent = `${rows.length} of ${view.rows.length} devices`;
    table.reset(rows.length, (from, to) => rowsHtml(rows.slice(from, to), from));
  };
  text.addEventListener("input", draw);
  status.addEventListener("change", draw);
  draw();
}

const toolbar = (status: string) => `<div class="toolbar">
    <label>Device <input class="filter" type="search" placeholder="name or id"></label>
    <label>Status <select class="status-filter">${statusOptions(status)}</select></label>
    <span class="count" aria-live="polite"></span>
  </div>`;

function renderFleet(root: HTMLElement, view: PortalView, apps: PortalApps): void {
  root.innerHTML = `
    <section class="portal" aria-labelledby="portal-title">
      <h2 id="portal-title">Portal: app install status</h2>
      ${summaryHtml(apps)}
      <h3>Devices</h3>
      ${toolbar("")}
      <div class="portal-scroll" tabindex="0" aria-label="Devices and their apps">
        <table class="devices grid">
          <thead><tr><th scope="col">Device</th>${view.apps.map((app) => `<th scope="col"><a href="${appLink(app.id)}">${escapeHtml(app.name)}</a></th>`).join("")}</tr></thead>
          <tbody></tbody>
        </table>
      </div>
    </section>`;
  deviceTable(root, view, view.apps.length + 1, (rows, first) => portalRowsHtml(view, rows, first));
}

function renderApp(root: HTMLElement, view: PortalView, app: PortalAppSummary, status: string): void {
  root.innerHTML = `
    <section class="portal" aria-labelledby="portal-title">
      <p><a href="#/portal">← All apps</a></p>
      <h2 id="portal-title">${escapeHtml(app.name)}: device install status</h2>
      <ul class="counts">${STATUSES.map((s) => `<li class="st-${s}"><a href="${appLink(app.id, s)}">${STATUS_WORDS[s]}: ${app.counts[s]}</a></li>`).join("")}</ul>
      <h3>Assignments</h3>
      ${assignmentsHtml(app)}
      <h3>Devices</h3>
      ${toolbar(status)}
      <div class="portal-scroll" tabindex="0" aria-label="Devices and their status for ${escapeHtml(app.name)}">
        <table class="devices app-devices">
          <thead><tr><th scope="col">Device</th><th scope="col">Status, IME state and error</th></tr></thead>
          <tbody></tbody>
        </table>
      </div>
    </section>`;
  deviceTable(
    root,
    view,
    2,
    (rows, first) =>
      rows
        .map(
          (row, k) =>
            `<tr ${rowAttributes(first + k)}>${deviceHeader(row)}${cellHtml(row.cells[app.id])}</tr>`,
        )
        .join(""),
    app.id,
  );
}

/** The operations panel of one device: a button per trigger verb, the log level, and what the last one answered. */
function operationsHtml(ops: DeviceOperations): string {
  if (!ops.available)
    return `<section class="operations" aria-labelledby="ops-title"><h3 id="ops-title">Device operations</h3><p>${escapeHtml(ops.via)}</p></section>`;
  const offered = new Set(ops.verbs.map((v) => v.verb));
  const buttons = ["syncapp", "synccompliance", "company-portal-sync", "restart", "reboot", "status"]
    .filter((verb) => offered.has(verb))
    .map((verb) => {
      const summary = ops.verbs.find((v) => v.verb === verb)?.summary ?? "";
      return `<button type="button" data-verb="${verb}" title="${escapeHtml(summary)}">${verb === "syncapp" ? "Sync apps (syncapp)" : verb}</button>`;
    })
    .join("");
  const level = offered.has("set-log-level")
    ? `<label>Log level <select class="level"><option>Information</option><option>Verbose</option></select></label><button type="button" data-verb="set-log-level">Set log level</button>`
    : "";
  return `<section class="operations" aria-labelledby="ops-title">
    <h3 id="ops-title">Device operations</h3>
    <p class="via">Through ${escapeHtml(ops.via)} — the verbs of <code>imesim agent ctl</code>.</p>
    <div class="toolbar">${buttons}${level}</div>
    <pre class="op-result" role="status" tabindex="0" aria-label="Answer of the last operation"></pre>
  </section>`;
}

function renderDevice(root: HTMLElement, view: PortalView, deviceId: string, ops: DeviceOperations): void {
  const row = view.rows.find((r) => r.deviceId.toLowerCase() === deviceId.toLowerCase());
  if (row === undefined) {
    root.innerHTML = `<p role="alert" class="failure">No device ${escapeHtml(deviceId)} in the portal. <a href="#/portal">All devices</a></p>`;
    return;
  }
  const apps = view.apps.filter((app) => row.cells[app.id] !== undefined);
  root.innerHTML = `
    <section class="portal" aria-labelledby="portal-title">
      <p><a href="#/portal">← All devices</a></p>
      <h2 id="portal-title">${escapeHtml(row.deviceName)}: app install status</h2>
      <p class="id">${row.deviceId} · <a href="#/timeline?device=${enc(row.deviceId)}">timeline</a> · <a href="#/logs?device=${enc(row.deviceId)}">logs</a></p>
      <table class="device-apps">
        <thead><tr><th scope="col">App</th><th scope="col">Status, IME state and error</th></tr></thead>
        <tbody>${apps.map((app) => `<tr><th scope="row"><a href="${appLink(app.id)}">${escapeHtml(app.name)}</a></th>${cellHtml(row.cells[app.id])}</tr>`).join("") || '<tr><td colspan="2">No app was targeted at this device.</td></tr>'}</tbody>
      </table>
      ${operationsHtml(ops)}
    </section>`;
  const result = root.querySelector<HTMLElement>(".op-result");
  for (const button of root.querySelectorAll<HTMLButtonElement>(".operations button[data-verb]"))
    button.addEventListener("click", async () => {
      const verb = button.dataset.verb!;
      const args: Record<string, string> =
        verb === "set-log-level" ? { level: root.querySelector<HTMLSelectElement>(".level")!.value } : {};
      button.disabled = true;
      try {
        const answer = await api.operate(row.deviceId, verb, args);
        result!.textContent = `${verb}: ${JSON.stringify(answer, null, 2)}`;
        result!.dataset.verb = verb;
      } catch (error) {
        result!.textContent = `${verb} failed: ${(error as Error).message}`;
      } finally {
        button.disabled = false;
      }
    });
}

/** Shows the portal page the hash names: fleet, one app (`app=`) or one device (`device`, from the route). */
export async function showPortal(root: HTMLElement, device: string | undefined): Promise<void> {
  const params = new URLSearchParams(location.hash.split("?")[1] ?? "");
  const app = params.get("app");
  const [view, apps] = await Promise.all([api.portal(), api.portalApps()]);
  if (app !== null) {
    const summary = apps.apps.find((a) => a.id === app.toLowerCase());
    if (summary === undefined)
      root.innerHTML = `<p role="alert" class="failure">No app ${escapeHtml(app)} in the portal. <a href="#/portal">All apps</a></p>`;
    else renderApp(root, view, summary, params.get("status") ?? "");
  } else if (device !== undefined) renderDevice(root, view, device, await api.operations(device));
  else renderFleet(root, view, apps);
}
