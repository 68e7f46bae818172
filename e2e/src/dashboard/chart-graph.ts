// The statechart view's pictures: each chart read from its xstate machine object at run time
// (agent chartStructure), so a chart restructured for speed is drawn as it now is, then laid out by ELK's
// layered algorithm with nested states as nested boxes. Laid out here, once per process, so the browser gets
// coordinates and never loads the layout engine.

import { createRequire } from "node:module";
import { type ChartStructure, chartMachines, chartStructure } from "@imesim/agent/machines";
import type { ChartEdgeView, ChartGraph, ChartName, ChartNodeView } from "@imesim/dashboard/api";
import type {
  ELKConstructorArguments,
  ELK as ElkEngine,
  ElkExtendedEdge,
  ElkNode,
} from "elkjs/lib/elk-api.js";

// elkjs is CommonJS: its bundled build (the layout engine in this thread, no worker) exports the constructor.
const ELK = createRequire(import.meta.url)("elkjs/lib/elk.bundled.js") as new (
  args?: ELKConstructorArguments,
) => ElkEngine;

export const CHART_NAMES: readonly ChartName[] = ["enforcement", "checkin", "service"];

/** The structure of each drawn chart, read from freshly built machines. */
export function chartStructures(): Record<ChartName, ChartStructure> {
  const machines = chartMachines();
  return {
    enforcement: chartStructure(machines.enforcement),
    checkin: chartStructure(machines.checkin),
    service: chartStructure(machines.service),
  };
}

// Text metrics for the layout: the SVG draws 13 px state names and 11 px labels in the system sans-serif.
const NAME_CHAR = 7.6;
const LABEL_CHAR = 6.4;
const STATE_HEIGHT = 34;
const START = 14;

/** The id of the start dot drawn before a compound state's (or the chart's) initial state. */
const startId = (parent: string) => `${parent}.[*]`;

/** Parallel transitions between the same two states share one arrow listing their events. */
function mergedTransitions(structure: ChartStructure) {
  const merged = new Map<string, { source: string; target: string; labels: string[] }>();
  for (const t of structure.transitions) {
    const key = `${t.source}\u0000${t.target}`;
    const edge = merged.get(key) ?? { source: t.source, target: t.target, labels: [] };
    if (!edge.labels.includes(t.label)) edge.labels.push(t.label);
    merged.set(key, edge);
  }
  const starts = [
    ...(structure.initial === undefined ? [] : [{ parent: structure.machineId, initial: structure.initial }]),
    ...structure.states.flatMap((s) =>
      s.initial === undefined ? [] : [{ parent: s.id, initial: s.initial }],
    ),
  ];
  for (const { parent, initial } of starts)
    merged.set(`${startId(parent)}\u0000${initial}`, {
      source: startId(parent),
      target: initial,
      labels: [],
    });
  return [...merged.values()];
}

const labelText = (labels: readonly string[]) => labels.filter((l) => l !== "").join(" / ");

/** ELK's input: states as (nested) nodes sized to their names, transitions as labelled edges at the root. */
function elkGraphOf(structure: ChartStructure, edges: ReturnType<typeof mergedTransitions>): ElkNode {
  const nodes = new Map<string, ElkNode>();
  const root: ElkNode = {
    id: structure.machineId,
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.json.shapeCoords": "ROOT",
      "elk.json.edgeCoords": "ROOT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "36",
      "elk.spacing.nodeNode": "28",
      "elk.spacing.edgeLabel": "4",
      "elk.edgeLabels.inline": "false",
      "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
    },
    children: [],
    edges: [],
  };
  // Compound states are created with their (empty) children list; a parent always precedes its children.
  const childrenOf = (parent: string | undefined): ElkNode[] =>
    (parent === undefined ? root.children : nodes.get(parent)?.children) ?? [];
  for (const state of structure.states) {
    const compound = state.type === "compound" || state.type === "parallel";
    const node: ElkNode = compound
      ? {
          id: state.id,
          layoutOptions: { "elk.padding": "[top=30,left=14,bottom=14,right=14]" },
          children: [],
        }
      : { id: state.id, width: Math.max(70, state.key.length * NAME_CHAR + 28), height: STATE_HEIGHT };
    nodes.set(state.id, node);
    childrenOf(state.parent).push(node);
  }
  // Start dots sit inside the state they start (or at the chart's top level).
  for (const edge of edges)
    if (edge.source.endsWith(".[*]")) {
      const parent = edge.source.slice(0, -".[*]".length);
      childrenOf(parent === structure.machineId ? undefined : parent).push({
        id: edge.source,
        width: START,
        height: START,
      });
    }
  root.edges = edges.map((edge, index): ElkExtendedEdge => {
    const text = labelText(edge.labels);
    return {
      id: `e${index}`,
      sources: [edge.source],
      targets: [edge.target],
      ...(text === "" ? {} : { labels: [{ text, width: text.length * LABEL_CHAR + 8, height: 16 }] }),
    };
  });
  return root;
}

/** Flattens ELK's laid-out nodes (root coordinates) into the view's list, parents before children. */
function nodeViews(structure: ChartStructure, laid: ElkNode): ChartNodeView[] {
  const states = new Map(structure.states.map((s) => [s.id, s]));
  const views: ChartNodeView[] = [];
  const walk = (node: ElkNode, parent: string | undefined) => {
    for (const child of node.children ?? []) {
      const state = states.get(child.id);
      views.push({
        id: child.id,
        name: state?.key ?? "start",
        parent,
        type: state?.type ?? "start",
        x: child.x ?? 0,
        y: child.y ?? 0,
        width: child.width ?? 0,
        height: child.height ?? 0,
      });
      walk(child, child.id);
    }
  };
  walk(laid, undefined);
  return views;
}

/** Lays out one chart. */
export async function layoutChart(chart: ChartName, structure: ChartStructure): Promise<ChartGraph> {
  const edges = mergedTransitions(structure);
  const laid = await new ELK().layout(elkGraphOf(structure, edges));
  const edgeViews: ChartEdgeView[] = (laid.edges ?? []).map((elkEdge, index) => {
    const edge = edges[index]!;
    const section = elkEdge.sections?.[0];
    const points =
      section === undefined ? [] : [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    const label = elkEdge.labels?.[0];
    return {
      id: elkEdge.id,
      source: edge.source,
      target: edge.target,
      labels: edge.labels,
      points: points.map(({ x, y }) => ({ x, y })),
      label: { x: label?.x ?? 0, y: label?.y ?? 0, width: label?.width ?? 0, height: label?.height ?? 0 },
    };
  });
  return {
    chart,
    machineId: structure.machineId,
    width: laid.width ?? 0,
    height: laid.height ?? 0,
    nodes: nodeViews(structure, laid),
    edges: edgeViews,
  };
}

/** The charts never change within a process: laid out once, on first request. */
const cache = new Map<ChartName, Promise<ChartGraph>>();

/** The laid-out picture of `chart`. */
export function chartGraph(chart: ChartName): Promise<ChartGraph> {
  let graph = cache.get(chart);
  if (graph === undefined) {
    graph = layoutChart(chart, chartStructures()[chart]);
    cache.set(chart, graph);
  }
  return graph;
}
