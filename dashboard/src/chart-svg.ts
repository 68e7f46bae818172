// Draws a laid-out chart (ChartGraph, coordinates from the server's ELK layout) as SVG: states as rounded boxes,
// nested states inside their parent's box, final states with a double border, a dot before each initial state,
// transitions as arrows labelled with their events. Highlighting is by class, so a replay step only swaps classes.
import type { ChartGraph, ChartNodeView } from "./api-types.ts";
import { escapeHtml } from "./format.ts";

const round = (n: number) => Math.round(n * 10) / 10;

function nodeSvg(node: ChartNodeView): string {
  const { x, y, width, height } = node;
  const attrs = `class="state ${node.type}" data-state="${escapeHtml(node.id)}"`;
  if (node.type === "start")
    return `<g ${attrs} aria-hidden="true"><circle cx="${round(x + width / 2)}" cy="${round(y + height / 2)}" r="${round(width / 2)}"/></g>`;
  const title = `<title>${escapeHtml(node.id)}</title>`;
  const box = `<rect x="${round(x)}" y="${round(y)}" width="${round(width)}" height="${round(height)}" rx="8"/>`;
  if (node.type === "compound" || node.type === "parallel")
    return `<g ${attrs}>${title}${box}<text class="name" x="${round(x + 10)}" y="${round(y + 19)}">${escapeHtml(node.name)}</text></g>`;
  const inner =
    node.type === "final"
      ? `<rect class="inner" x="${round(x + 3)}" y="${round(y + 3)}" width="${round(width - 6)}" height="${round(height - 6)}" rx="6"/>`
      : "";
  return `<g ${attrs}>${title}${box}${inner}<text class="name" x="${round(x + width / 2)}" y="${round(y + height / 2 + 4.5)}" text-anchor="middle">${escapeHtml(node.name)}</text></g>`;
}

/** The SVG of `graph`; states carry `data-state` (their xstate id), arrows `data-source`/`data-target`. */
export function chartSvg(graph: ChartGraph, titleId: string, title: string): string {
  // Compound states first (they are drawn behind their children), then arrows, then the other states on top.
  const compounds = graph.nodes.filter((n) => n.type === "compound" || n.type === "parallel");
  const others = graph.nodes.filter((n) => !compounds.includes(n));
  const edges = graph.edges
    .map((edge) => {
      const d = edge.points.map((p, i) => `${i === 0 ? "M" : "L"}${round(p.x)} ${round(p.y)}`).join(" ");
      const text = edge.labels.filter((l) => l !== "").join(" / ");
      const label =
        text === ""
          ? ""
          : `<text class="edge-label" x="${round(edge.label.x + 4)}" y="${round(edge.label.y + 12)}">${escapeHtml(text)}</text>`;
      return `<g class="edge" data-source="${escapeHtml(edge.source)}" data-target="${escapeHtml(edge.target)}"><path d="${d}" marker-end="url(#chart-arrow)"/>${label}</g>`;
    })
    .join("");
  const pad = 8;
  return `<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${titleId}" width="${round(graph.width + 2 * pad)}" height="${round(graph.height + 2 * pad)}" viewBox="${-pad} ${-pad} ${round(graph.width + 2 * pad)} ${round(graph.height + 2 * pad)}"><title id="${titleId}">${escapeHtml(title)}</title><defs><marker id="chart-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path class="arrow-head" d="M0 0 L10 5 L0 10 z"/></marker></defs>${compounds.map(nodeSvg).join("")}${edges}${others.map(nodeSvg).join("")}</svg>`;
}

/**
 * Marks states on the drawn chart: `visited` ones, the `current` one (and its enclosing states as `active`), and
 * the arrow from `previous` to `current` as `taken`.
 */
export function highlight(
  svg: SVGSVGElement,
  visited: ReadonlySet<string>,
  current: string | undefined,
  previous: string | undefined,
): void {
  for (const g of svg.querySelectorAll<SVGGElement>("g.state")) {
    const id = g.dataset.state ?? "";
    g.classList.toggle("visited", visited.has(id));
    g.classList.toggle("current", id === current);
    g.classList.toggle("active", current?.startsWith(`${id}.`) === true);
  }
  for (const g of svg.querySelectorAll<SVGGElement>("g.edge"))
    g.classList.toggle(
      "taken",
      previous !== undefined && g.dataset.source === previous && g.dataset.target === current,
    );
}
