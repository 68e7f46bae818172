// Maps a path inside the parsed scenario (`apps[0].assignments[1].intent`) back to the line and column
// of the YAML text it came from, so every error points at the place to edit.
import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import type { DocumentPath } from "./schema-issues.ts";

/** 1-based line and column in the scenario file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * The position of the value at `path` (or of its member name when `atKey`). When the path leads to a
 * member that is missing, the closest existing ancestor's position is returned: that is where the
 * member has to be added.
 */
export function positionOf(
  doc: Document,
  lines: LineCounter,
  path: DocumentPath,
  atKey = false,
): SourcePosition {
  let node: unknown = doc.contents;
  let best = rangeStart(node) ?? 0;
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index];
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) break;
      const keyStart = rangeStart(pair.key);
      if (keyStart !== undefined) best = keyStart;
      if (last && atKey) break;
      node = pair.value;
      const valueStart = rangeStart(node);
      if (valueStart !== undefined) best = valueStart;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      const start = rangeStart(item);
      if (item === undefined || start === undefined) break;
      best = start;
      node = item;
    } else {
      break;
    }
  }
  const { line, col } = lines.linePos(best);
  return { line, column: col };
}

function rangeStart(node: unknown): number | undefined {
  if (node === null || typeof node !== "object" || !("range" in node)) return undefined;
  const range = (node as Node).range;
  return range?.[0];
}

/** Formats a path as `apps[0].assignments[1].intent` (the form every scenario message uses). */
export function formatPath(path: DocumentPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? segment : `.${segment}`;
  }
  return text === "" ? "(root)" : text;
}

/** Parses `rules[0].path` (the ImesimError path notation) back into segments. */
export function parsePath(text: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const match of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[1] !== undefined) segments.push(match[1]);
  }
  return segments;
}
