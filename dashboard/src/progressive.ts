// Long tables render as the reader scrolls: the first rows at once, the next chunk whenever the scroll container
// nears its end. A 10,000-row table laid out whole costs seconds (table layout is not incremental); the reader
// only ever sees a screenful, and the filter searches the data, not the DOM.

/** Fills `tbody` with rows `0…first` now and the rest a chunk at a time as `scroller` nears its end. */
export function renderProgressively(
  scroller: HTMLElement,
  tbody: HTMLTableSectionElement,
  total: number,
  html: (from: number, to: number) => string,
  options: { first: number; chunk: number },
): () => void {
  let at = Math.min(total, options.first);
  tbody.innerHTML = html(0, at);
  const more = () => {
    while (at < total && scroller.scrollTop + scroller.clientHeight > scroller.scrollHeight - 400) {
      const to = Math.min(total, at + options.chunk);
      tbody.insertAdjacentHTML("beforeend", html(at, to));
      at = to;
    }
  };
  scroller.addEventListener("scroll", more, { passive: true });
  more();
  return () => scroller.removeEventListener("scroll", more);
}
