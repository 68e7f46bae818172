// Mermaid `stateDiagram-v2` export of a chart, so each statechart can be read as a picture.
import { type DirectedGraphEdge, type DirectedGraphNode, toDirectedGraph } from "@xstate/graph";
import type { AnyStateMachine } from "xstate";

const mermaidId = (stateId: string): string => stateId.replace(/[^A-Za-z0-9_]/g, "_");
const shortName = (stateId: string): string => stateId.split(".").at(-1) ?? stateId;

/** The guard's name, when a transition has a named one. */
export function guardName(transition: { guard?: unknown }): string | undefined {
  const guard = transition.guard;
  if (typeof guard === "string") return guard;
  if (typeof guard === "object" && guard !== null && "type" in guard) return String(guard.type);
  return undefined;
}

/** A readable label: the event name, `done`/`error` for invoked actors, `after <delay>`, and the guard. */
export function edgeLabel(edge: DirectedGraphEdge): string {
  const event = edge.transition.eventType;
  let text: string;
  if (event === "") text = "";
  else if (event.startsWith("xstate.done.actor.")) text = "done";
  else if (event.startsWith("xstate.error.actor.")) text = "error";
  else if (event.startsWith("xstate.done.state.")) text = "done";
  else if (event.startsWith("xstate.after."))
    text = `after ${event.slice("xstate.after.".length).split(".")[0]}`;
  else text = event;
  const guard = edge.transition.guard;
  const guardName =
    typeof guard === "string"
      ? guard
      : typeof guard === "object" && guard !== null && "type" in guard
        ? String(guard.type)
        : undefined;
  if (guardName !== undefined) text = text === "" ? `[${guardName}]` : `${text} [${guardName}]`;
  return text;
}

/** Renders a chart as a Mermaid state diagram (composite states nested, final states marked). */
export function toMermaid(machine: AnyStateMachine): string {
  const root = toDirectedGraph(machine);
  const lines = ["stateDiagram-v2"];
  const edges: DirectedGraphEdge[] = [];
  const initialOf = (node: DirectedGraphNode): string | undefined => node.stateNode.initial?.target[0]?.id;

  const walk = (node: DirectedGraphNode, indent: string): void => {
    const initial = initialOf(node);
    if (initial !== undefined) lines.push(`${indent}[*] --> ${mermaidId(initial)}`);
    for (const child of node.children) {
      const id = mermaidId(child.id);
      if (child.children.length > 0) {
        lines.push(`${indent}state "${shortName(child.id)}" as ${id} {`);
        walk(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${shortName(child.id)}" as ${id}`);
      }
      if (child.stateNode.type === "final") lines.push(`${indent}${id} --> [*]`);
    }
  };
  const collect = (node: DirectedGraphNode): void => {
    edges.push(...node.edges);
    for (const child of node.children) collect(child);
  };
  walk(root, "  ");
  collect(root);
  const seen = new Set<string>();
  const add = (source: string, target: string, label: string): void => {
    const line = `  ${mermaidId(source)} --> ${mermaidId(target)}${label === "" ? "" : ` : ${label}`}`;
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  };
  for (const edge of edges) add(edge.source.id, edge.target.id, edgeLabel(edge));
  // Eventless (`always`) transitions are not edges of the directed graph; they are half the picture here.
  const addAlways = (node: DirectedGraphNode): void => {
    for (const transition of node.stateNode.always ?? []) {
      const guard = guardName(transition);
      for (const target of transition.target ?? [])
        add(node.id, target.id, guard === undefined ? "" : `[${guard}]`);
    }
    for (const child of node.children) addAlways(child);
  };
  addAlways(root);
  return `${lines.join("\n")}\n`;
}
