/**
 * JSON.stringify with the members of `value` written in `order` first, then any others in their own order.
 * The IME compares nothing by key order, but people diff logs: emitting the real IME's order keeps our
 * JSON byte-identical to what the service sends, whichever order the caller built the object in.
 */
export function stringifyOrdered(value: object, order: readonly string[]): string {
  // Most callers build their object in the IME's order already (every state message and report the agent
  // writes, issue 18): then the text is the object's own, without a reordered copy to build and collect.
  return JSON.stringify(inOrder(value, order) ? value : orderKeys(value, order));
}

/** Each order's positions by member name, made once per order list (the lists are module constants). */
const positionsByOrder = new WeakMap<readonly string[], Map<string, number>>();
function positionsOf(order: readonly string[]): Map<string, number> {
  let positions = positionsByOrder.get(order);
  if (positions === undefined) {
    positions = new Map();
    for (const key of order) if (!positions.has(key)) positions.set(key, positions.size);
    positionsByOrder.set(order, positions);
  }
  return positions;
}

/**
 * True when JSON.stringify(value) already writes what JSON.stringify(orderKeys(value, order)) does: a plain object
 * whose ordered members come first and in `order`'s order. Undefined members are ignored, as both leave them out.
 */
function inOrder(value: object, order: readonly string[]): boolean {
  const prototype = Object.getPrototypeOf(value);
  // Arrays, class instances (a toJSON on the prototype) and the like take the copy, as before.
  if (prototype !== Object.prototype && prototype !== null) return false;
  const positions = positionsOf(order);
  const source = value as Record<string, unknown>;
  let last = -1;
  let others = false;
  for (const key in source) {
    if (!Object.hasOwn(source, key) || source[key] === undefined) continue;
    const position = positions.get(key);
    if (position === undefined) others = true;
    else if (others || position < last) return false;
    else last = position;
  }
  return true;
}

/** A shallow copy of `value` with its keys rearranged: `order` first, then the rest. */
export function orderKeys(value: object, order: readonly string[]): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of order) {
    if (Object.hasOwn(source, key) && source[key] !== undefined) out[key] = source[key];
  }
  for (const key of Object.keys(source)) {
    const member = source[key];
    if (!Object.hasOwn(out, key) && member !== undefined) out[key] = member;
  }
  return out;
}
