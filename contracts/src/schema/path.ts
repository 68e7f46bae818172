/** Joins a base path (`[0].DetectionRule`) and a JSON pointer (`/1/DetectionText`) into `[0].DetectionRule[1].DetectionText`. */
export function joinPath(base: string, pointer: string): string {
  let path = base;
  if (pointer === "") return path;
  for (const raw of pointer.split("/").slice(1)) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    path = appendSegment(path, segment);
  }
  return path;
}

/** Appends one member name or array index to a path in `a.b[0].c` notation. */
export function appendSegment(path: string, segment: string | number): string {
  if (typeof segment === "number" || /^\d+$/.test(segment)) return `${path}[${segment}]`;
  return path === "" ? segment : `${path}.${segment}`;
}
