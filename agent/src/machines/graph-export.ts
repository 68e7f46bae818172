// A chart's structure as plain data (states, their nesting and initial child, transitions labelled by event),
// read from the machine object itself, for the dashboard's statechart view (issue 17): when a chart changes,
// the picture follows. The same walk and labels as the Mermaid export (mermaid.ts).
import { type DirectedGraphNode, toDirectedGraph } from "@xstate/graph";
import type { AnyStateMachine } from "xstate";
import { edgeLabel, guardName } from "./mermaid.ts";

/** One state of a chart; `id` is xstate's (`enforcement.installing.running`). */
export interface ChartStateNode {
  readonly id: string;
  /** The state's own name (`running`). */
  readonly key: string;
  /** The enclosing state's id; undefined for the machine's top-level states. */
  readonly parent: string | undefined;
  readonly type: "atomic" | "compound" | "parallel" | "final" | "history";
  /** A compound state's initial child's id. */
  readonly initial: string | undefined;
}

/** One transition: `label` is the event (`done`, `after retryInterval`, `RESTART`) and its guard. */
export interface ChartTransition {
  readonly source: string;
  readonly target: string;
  readonly label: string;
}

export interface ChartStructure {
  /** The machine's id (`enforcement`), the prefix of every state id. */
  readonly machineId: string;
  /** The machine's initial state's id. */
  readonly initial: string | undefined;
  readonly states: readonly ChartStateNode[];
  readonly transitions: readonly ChartTransition[];
}

/** Reads the states and transitions of `machine` (eventless `always` transitions included). */
export function chartStructure(machine: AnyStateMachine): ChartStructure {
  const root = toDirectedGraph(machine);
  const states: ChartStateNode[] = [];
  const transitions: ChartTransition[] = [];
  const seen = new Set<string>();
  const add = (source: string, target: string, label: string) => {
    const key = `${source}\u0000${target}\u0000${label}`;
    if (seen.has(key)) return;
    seen.add(key);
    transitions.push({ source, target, label });
  };
  const walk = (node: DirectedGraphNode, parent: string | undefined) => {
    for (const child of node.children) {
      states.push({
        id: child.id,
        key: child.stateNode.key,
        parent,
        type: child.stateNode.type,
        initial: child.stateNode.initial?.target[0]?.id,
      });
      walk(child, child.id);
    }
    for (const edge of node.edges) add(edge.source.id, edge.target.id, edgeLabel(edge));
    for (const transition of node.stateNode.always ?? []) {
      const guard = guardName(transition);
      for (const target of transition.target ?? [])
        add(node.id, target.id, guard === undefined ? "" : `[${guard}]`);
    }
  };
  walk(root, undefined);
  return {
    machineId: root.id,
    initial: root.stateNode.initial?.target[0]?.id,
    states,
    transitions,
  };
}
