// The portal view: devices × apps, each cell the install status the portal would show, the IME's
// EnforcementState name and the error code with its meaning (all computed server side from contracts' enums).
import type { PortalCell, PortalView } from "./api-types.ts";
import { escapeHtml } from "./format.ts";
import { renderProgressively } from "./progressive.ts";

const STATUS_WORDS: Readonly<Record<PortalCell["status"], string>> = {
  installed: "Installed",
  failed: "Failed",
  pending: "Pending",
  notApplicable: "Not applicable",
  notInstalled: "Not installed",
};

/** Rows rendered at once, and per step as the reader scrolls (progressive.ts). */
const CHUNK = 100;

function cellHtml(cell: PortalCell | undefined): string {
  if (cell === undefined) return `<td class="untargeted">not targeted</td>`;
  const state =
    cell.stateName === undefined
      ? ""
      : `<span class="state">${escapeHtml(cell.stateName)} (${cell.enforcementState})</span>`;
  const error =
    cell.errorHex === undefined
      ? ""
      : `<span class="error">${cell.errorHex}${cell.errorMeaning === undefined ? "" : ` — ${escapeHtml(cell.errorMeaning)}`}</span>`;
  return `<td class="st-${cell.status}"><span class="status">${STATUS_WORDS[cell.status]}</span>${state}${error}</td>`;
}

/** The rows matching `filter`: device name or id text, and a status any of its apps has. */
export function portalRows(view: PortalView, filter: { text: string; status: string }): PortalView["rows"] {
  const needle = filter.text.toLowerCase();
  return view.rows.filter(
    (row) =>
      (needle === "" || row.deviceName.toLowerCase().includes(needle) || row.deviceId.includes(needle)) &&
      (filter.status === "" || view.apps.some((app) => row.cells[app.id]?.status === filter.status)),
  );
}

/** The HTML of some rows (one string: far faster than node by node). */
export function portalRowsHtml(view: PortalView, rows: PortalView["rows"]): string {
  let html = "";
  for (const row of rows) {
    html += `<tr><th scope="row"><a href="#/timeline?device=${encodeURIComponent(row.deviceId)}">${escapeHtml(row.deviceName)}</a><span class="id">${row.deviceId}</span></th>${view.apps.map((app) => cellHtml(row.cells[app.id])).join("")}</tr>`;
  }
  return html;
}

/** Renders the portal view into `root`. */
export function renderPortal(root: HTMLElement, view: PortalView): void {
  root.innerHTML = `
    <section class="portal" aria-labelledby="portal-title">
      <h2 id="portal-title">Portal: device install status</h2>
      <div class="toolbar">
        <label>Device <input class="filter" type="search" placeholder="name or id"></label>
        <label>Status <select class="status-filter"><option value="">any</option>${Object.entries(
          STATUS_WORDS,
        )
          .map(([key, word]) => `<option value="${key}">${word}</option>`)
          .join("")}</select></label>
        <span class="count" aria-live="polite"></span>
      </div>
      <div class="portal-scroll">
        <table>
          <thead><tr><th scope="col">Device</th>${view.apps.map((app) => `<th scope="col">${escapeHtml(app.name)}</th>`).join("")}</tr></thead>
          <tbody></tbody>
        </table>
      </div>
    </section>`;
  const tbody = root.querySelector("tbody")!;
  const text = root.querySelector<HTMLInputElement>(".filter")!;
  const status = root.querySelector<HTMLSelectElement>(".status-filter")!;
  const count = root.querySelector<HTMLElement>(".count")!;
  const scroller = root.querySelector<HTMLElement>(".portal-scroll")!;
  let stop = () => {};
  // The first screenful now, the rest as the reader scrolls (progressive.ts): a 1,000-device fleet never stalls.
  const draw = () => {
    const rows = portalRows(view, { text: text.value, status: status.value });
    count.textContent = `${rows.length} of ${view.rows.length} devices`;
    stop();
    stop = renderProgressively(
      scroller,
      tbody,
      rows.length,
      (from, to) => portalRowsHtml(view, rows.slice(from, to)),
      {
        first: CHUNK,
        chunk: CHUNK,
      },
    );
  };
  text.addEventListener("input", draw);
  status.addEventListener("change", draw);
  draw();
}
