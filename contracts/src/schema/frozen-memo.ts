// Parsing by text, remembered: where the text alone decides the result, one parse can serve every reader of that
// text — every read of one device, every device of a fleet (issue 18). Results are deep-frozen, so no reader can
// change what another sees, and a reader that tries fails at once rather than quietly.

/** Freezes `value` and everything it holds. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * `parse`, remembered per text for the `size` texts seen last (the oldest forgotten first), each result
 * deep-frozen. A text `parse` rejects is not remembered: it throws every time.
 */
export function frozenParseMemo<T>(parse: (text: string) => T, size: number): (text: string) => T {
  const memo = new Map<string, T>();
  return (text) => {
    const hit = memo.get(text);
    if (hit !== undefined) return hit;
    const value = deepFreeze(parse(text));
    if (memo.size >= size) memo.delete(memo.keys().next().value ?? "");
    memo.set(text, value);
    return value;
  };
}
