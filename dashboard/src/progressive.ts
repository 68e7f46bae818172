// Virtual scrolling for long tables (the 10,000-line log, the 1,000-device portal): only the rows in and near the
// scroll container's viewport are in the DOM, between two spacer rows whose heights stand for the rest. Table
// layout is not incremental, so a whole 10,000-row table costs seconds to lay out and more to scroll; a window of
// ~60 rows costs the same whatever the total. Rows may differ in height (multi-line log messages): each row's
// height is measured once it has been drawn and an estimate stands in for rows never drawn.

/** What a view asks of its virtual table. */
export interface VirtualRows {
  /** Shows `total` rows made by `html(from, to)` (rows from…to-1, one string) from the top, drawn now. */
  reset(total: number, html: (from: number, to: number) => string): void;
  /** Scrolls so that row `index` is in the middle of the viewport and draws it; its element after drawing. */
  scrollToRow(index: number): HTMLTableRowElement | undefined;
  /** The first and last+1 row drawn (for tests and the count line). */
  window(): { from: number; to: number };
  /** Stops following the scroll container. */
  stop(): void;
}

export interface VirtualOptions {
  /** Height in px a row is assumed to have before it is drawn. */
  readonly estimate: number;
  /** Columns of the table (the spacer cells span them). */
  readonly columns: number;
  /** Extra px drawn above and below the viewport, so a short scroll shows rows at once. */
  readonly overscanPx?: number;
}

/** Rows carry `data-row` = their index among the table's rows, so a view finds a drawn row by index. */
export const ROW_ATTRIBUTE = "data-row";

/**
 * Follows `scroller` (the element that scrolls) and keeps `tbody` filled with the rows in view. The table's
 * `aria-rowcount` gives assistive technology the full count; each row's `aria-rowindex` is set by the view's
 * html (`rowAttributes`).
 */
export function virtualRows(
  scroller: HTMLElement,
  tbody: HTMLTableSectionElement,
  options: VirtualOptions,
): VirtualRows {
  const overscan = options.overscanPx ?? 600;
  let total = 0;
  let html: (from: number, to: number) => string = () => "";
  /** Measured heights; NaN where the row was never drawn. */
  let heights = new Float64Array(0);
  let measuredSum = 0;
  let measuredCount = 0;
  let drawn = { from: 0, to: 0 };
  let queued = false;

  const heightOf = (index: number): number => {
    const h = heights[index]!;
    return Number.isNaN(h) ? (measuredCount > 0 ? measuredSum / measuredCount : options.estimate) : h;
  };
  /** Top of row `index` within the body (sum of the heights before it). */
  const offsetOf = (index: number): number => {
    let sum = 0;
    for (let i = 0; i < index; i += 1) sum += heightOf(i);
    return sum;
  };
  const spacer = (px: number) =>
    `<tr class="spacer" aria-hidden="true" style="height:${Math.max(0, Math.round(px))}px"><td colspan="${options.columns}"></td></tr>`;

  /** Draws the rows in view; `force` redraws even when the same rows are drawn already (new data). */
  const draw = (force = true): void => {
    const table = tbody.closest("table");
    const head = table?.tHead?.offsetHeight ?? 0;
    const top = Math.max(0, scroller.scrollTop - head - overscan);
    const bottom = scroller.scrollTop - head + scroller.clientHeight + overscan;
    let from = 0;
    let at = 0;
    while (from < total && at + heightOf(from) < top) {
      at += heightOf(from);
      from += 1;
    }
    const before = at;
    let to = from;
    while (to < total && at < bottom) {
      at += heightOf(to);
      to += 1;
    }
    // The same window again (a scroll within the overscan): keep the rows, and the focus a row may hold.
    if (!force && from === drawn.from && to === drawn.to) return;
    let after = 0;
    for (let i = to; i < total; i += 1) after += heightOf(i);
    // A focused row (a jumped-to log line, a keyboard user's place) keeps the focus across the redraw.
    const active = document.activeElement;
    const focused =
      active instanceof HTMLElement && tbody.contains(active) ? active.getAttribute(ROW_ATTRIBUTE) : null;
    tbody.innerHTML = `${spacer(before)}${html(from, to)}${spacer(after)}`;
    if (focused !== null) {
      const again = tbody.querySelector<HTMLElement>(`tr[${ROW_ATTRIBUTE}="${focused}"]`);
      again?.setAttribute("tabindex", "-1");
      again?.focus({ preventScroll: true });
    }
    drawn = { from, to };
    // Measure what was drawn: later windows and the spacers use real heights from now on.
    const rows = tbody.rows;
    for (let k = 1; k < rows.length - 1; k += 1) {
      const index = from + k - 1;
      const h = rows[k]!.offsetHeight;
      if (Number.isNaN(heights[index]!)) {
        measuredSum += h;
        measuredCount += 1;
      } else measuredSum += h - heights[index]!;
      heights[index] = h;
    }
  };
  const onScroll = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      draw(false);
    });
  };
  scroller.addEventListener("scroll", onScroll, { passive: true });

  return {
    reset(count, make) {
      total = count;
      html = make;
      heights = new Float64Array(count).fill(Number.NaN);
      measuredSum = 0;
      measuredCount = 0;
      tbody.closest("table")?.setAttribute("aria-rowcount", String(count + 1));
      scroller.scrollTop = 0;
      draw();
    },
    scrollToRow(index) {
      if (index < 0 || index >= total) return undefined;
      const head = tbody.closest("table")?.tHead?.offsetHeight ?? 0;
      scroller.scrollTop = Math.max(0, offsetOf(index) + head - scroller.clientHeight / 2);
      draw();
      // Measured heights may have moved the row: centre it once more on real heights.
      scroller.scrollTop = Math.max(0, offsetOf(index) + head - scroller.clientHeight / 2);
      draw();
      return tbody.querySelector<HTMLTableRowElement>(`tr[${ROW_ATTRIBUTE}="${index}"]`) ?? undefined;
    },
    window: () => drawn,
    stop: () => scroller.removeEventListener("scroll", onScroll),
  };
}

/** The attributes every drawn row carries: its index for `scrollToRow`, its position for screen readers. */
export function rowAttributes(index: number): string {
  return `${ROW_ATTRIBUTE}="${index}" aria-rowindex="${index + 2}"`;
}
