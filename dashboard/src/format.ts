// Small text helpers shared by the views.

/** Escapes text for innerHTML (views build large tables as one string: far faster than node by node). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Simulated time as an offset from the run's start: `+2d 03:04:05.678`. */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? "-" : "+";
  let rest = Math.abs(Math.round(ms));
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const h = Math.floor(rest / 3_600_000);
  const m = Math.floor((rest % 3_600_000) / 60_000);
  const s = Math.floor((rest % 60_000) / 1000);
  const msPart = rest % 1000;
  return `${sign}${days > 0 ? `${days}d ` : ""}${pad(h)}:${pad(m)}:${pad(s)}.${pad(msPart, 3)}`;
}

/** A duration in the largest unit that reads well: `250 ms`, `5 min`, `3 d`. */
export function formatSpan(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${+(ms / 3_600_000).toFixed(1)} h`;
  return `${+(ms / 86_400_000).toFixed(1)} d`;
}
