// The portal view: devices × apps, each cell the install status the portal would show, the IME's
// EnforcementState name and the error code with its meaning (all computed server side from contracts' enums).
import type { PortalCell, PortalView } from "./api-types.ts";
import { escapeHtml } from "./format.ts";

const STATUS_WORDS: Readonly<Record<PortalCell["status"], string>> = {
  installed: "Installed",
  failed: "Failed",
  pending: "Pending",
  notApplicable: "Not applicable",
  notInstalled: "Not installed",
};

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

/** The table body's HTML for the rows matching `filter` (device name text, status). */
export function portalRowsHtml(view: PortalView, filter: { text: string; status: string }): string {
  const needle = filter.text.toLowerCase();
  let html = "";
  for (const row of view.rows) {
    if (needle !== "" && !row.deviceName.toLowerCase().includes(needle) && !row.deviceId.includes(needle))
      continue;
    if (filter.status !== "" && !view.apps.some((app) => row.cells[app.id]?.status === filter.status))
      continue;
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
  const draw = () => {
    tbody.innerHTML = portalRowsHtml(view, { text: text.value, status: status.value });
    count.textContent = `${tbody.rows.length} of ${view.rows.length} devices`;
  };
  text.addEventListener("input", draw);
  status.addEventListener("change", draw);
  draw();
}
