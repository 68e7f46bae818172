// Beside the log viewer: the step that wrote the selected line — its `imesim explain` note (what the IME does
// and why) with the reference section it rests on — and a link back to that event on the timeline. Which event
// wrote which line comes from the server (log-events.ts: the agent's renderer, matched to the lines), so
// nothing here reads the log text. Works on the rows logs.ts renders (each row carries `data-index`).
import { api, get } from "./api.ts";
import type { DeviceEvents, LogLineEvents, RunInfo, TimelineEvent } from "./api-types.ts";
import { escapeHtml, formatOffset } from "./format.ts";

/** The reference sections a note cites, e.g. `ime.md §1.3.11, §4.5` (the notes name them in parentheses). */
export function referencesOf(why: string): string[] {
  return [...why.matchAll(/\b([\w-]+\.md) (§[^(),;]+(?:, §[^(),;]+)*)/g)].map((m) => `${m[1]} ${m[2]}`);
}

const timelineHref = (deviceId: string, seq: number) =>
  `#/timeline?device=${encodeURIComponent(deviceId)}&seq=${seq}`;

function panelHtml(data: DeviceEvents, event: TimelineEvent | undefined, startMs: number): string {
  if (event === undefined)
    return "<h3>Step</h3><p>Select a line (click it, or arrow keys in the log) to see the step that wrote it and why.</p>";
  const note = data.notes[event.phase] ?? { title: event.phase, why: "" };
  const app =
    event.appId === undefined
      ? ""
      : ` · ${escapeHtml(data.appNames[event.appId.toLowerCase()] ?? event.appId)}`;
  const refs = referencesOf(note.why);
  return `<h3>${escapeHtml(note.title)}</h3>
    <p class="meta"><code>${escapeHtml(event.phase)}</code>${app} · event #${event.seq} at ${formatOffset(event.simTime - startMs)}</p>
    <p class="why">${escapeHtml(note.why)}</p>
    ${refs.length === 0 ? "" : `<p class="ref">Reference: ${refs.map(escapeHtml).join("; ")}</p>`}
    <p><a class="to-event" href="${timelineHref(data.deviceId, event.seq)}">Event #${event.seq} on the timeline</a></p>`;
}

/**
 * Adds the panel beside the log viewer rendered in `root` for `deviceId`, showing `seq`'s step first (the event
 * the viewer was opened for). A click on a line selects it; arrow keys move the selection; Enter on a line of an
 * event opens that event on the timeline.
 */
export async function attachLogExplain(
  root: HTMLElement,
  deviceId: string,
  seq: number | undefined,
): Promise<void> {
  const scroller = root.querySelector<HTMLElement>(".log-scroll");
  const fileSelect = root.querySelector<HTMLSelectElement>("select.file");
  if (scroller === null || fileSelect === null) return;
  let loaded: [DeviceEvents, LogLineEvents, RunInfo];
  try {
    loaded = await Promise.all([
      api.events(deviceId),
      get<LogLineEvents>(`devices/${encodeURIComponent(deviceId)}/log-events`),
      api.run(),
    ]);
  } catch (error) {
    // The log stays usable without its panel; say why the panel is missing.
    const note = document.createElement("p");
    note.className = "failure";
    note.setAttribute("role", "alert");
    note.textContent = `The steps beside the log could not be loaded: ${(error as Error).message}`;
    scroller.before(note);
    return;
  }
  const [data, lineEvents, run] = loaded;
  const startMs = run.startMs ?? data.events[0]?.simTime ?? 0;
  const bySeq = new Map(data.events.map((event) => [event.seq, event]));
  // Moving the log into the wrapper resets its scroll position and focus (on the event's line): kept and restored.
  const scrollTop = scroller.scrollTop;
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const wrapper = document.createElement("div");
  wrapper.className = "logs-with-explain";
  scroller.replaceWith(wrapper);
  const panel = document.createElement("aside");
  panel.className = "log-explain";
  panel.setAttribute("aria-label", "The step that wrote the selected line");
  panel.setAttribute("aria-live", "polite");
  wrapper.append(scroller, panel);
  // The panel narrows the log (rows reflow), so the focused line is brought back into view rather than the offset.
  if (focused !== null && scroller.contains(focused)) {
    focused.scrollIntoView({ block: "center" });
    focused.focus({ preventScroll: true });
  } else scroller.scrollTop = scrollTop;

  const seqOf = (row: HTMLElement): number | null =>
    lineEvents[fileSelect.value]?.[Number(row.dataset.index)] ?? null;
  const showEvent = (eventSeq: number | null) => {
    panel.innerHTML =
      eventSeq === null
        ? "<h3>Step</h3><p>No event of the agent wrote this line.</p>"
        : panelHtml(data, bySeq.get(eventSeq), startMs);
    panel.dataset.seq = eventSeq === null ? "" : String(eventSeq);
  };
  /** Selects `row` and every other line its event wrote (the lines the panel explains). */
  const select = (row: HTMLElement) => {
    const eventSeq = seqOf(row);
    for (const line of scroller.querySelectorAll<HTMLElement>("tbody tr[data-index]"))
      line.classList.toggle("selected", line === row || (eventSeq !== null && seqOf(line) === eventSeq));
    row.tabIndex = -1;
    row.focus();
    showEvent(eventSeq);
  };
  showEvent(seq ?? null);
  if (seq === undefined) panel.innerHTML = panelHtml(data, undefined, startMs);

  scroller.addEventListener("click", (event) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>("tbody tr[data-index]");
    if (row !== null) select(row);
  });
  scroller.addEventListener("keydown", (event) => {
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>(
      "tbody tr[data-index]",
    );
    const from = focused ?? scroller.querySelector<HTMLElement>("tr.selected, tr.hit");
    const step = (row: Element | null | undefined, forward: boolean): HTMLElement | null => {
      let next = row;
      do next = forward ? next?.nextElementSibling : next?.previousElementSibling;
      while (next !== null && next !== undefined && (next as HTMLElement).hidden);
      return (next as HTMLElement | null) ?? null;
    };
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const next =
        from === null || from === undefined
          ? scroller.querySelector<HTMLElement>("tbody tr[data-index]:not([hidden])")
          : step(from, event.key === "ArrowDown");
      if (next !== null) select(next);
    } else if (event.key === "Enter" && focused !== null && focused !== undefined) {
      const eventSeq = seqOf(focused);
      if (eventSeq !== null) location.hash = timelineHref(deviceId, eventSeq);
    } else return;
    event.preventDefault();
  });
  // Another file is other lines: the panel waits for a new selection.
  fileSelect.addEventListener("change", () => {
    panel.innerHTML = panelHtml(data, undefined, startMs);
  });
}
