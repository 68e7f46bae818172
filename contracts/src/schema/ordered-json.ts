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
 * Member lists found in order, per order list, every member counted (an undefined one too). A list in order stays in
 * order with any of its members left out, so an object whose for-in walk gives one of these lists is in order
 * whatever its undefined (or inherited) members. The objects of one kind (a session, a state message, a report) come
 * in one or a few lists: comparing names is then all the check takes, not a position look-up and a member read per
 * name (issue 18: the check cost about what the JSON.stringify after it did for the agent's small state messages).
 */
const listsInOrder = new WeakMap<readonly string[], string[][]>();
/** Lists kept per order list: a kind's usual shapes, not every shape a caller may make. */
const MAX_LISTS_PER_ORDER = 8;

/**
 * True when JSON.stringify(value) already writes what JSON.stringify(orderKeys(value, order)) does: a plain object
 * whose ordered members come first and in `order`'s order. Undefined members are ignored, as both leave them out.
 */
function inOrder(value: object, order: readonly string[]): boolean {
  const prototype = Object.getPrototypeOf(value);
  // Arrays, class instances (a toJSON on the prototype) and the like take the copy, as before.
  if (prototype !== Object.prototype && prototype !== null) return false;
  const known = listsInOrder.get(order);
  // An index, not for-of: no iterator object per call.
  if (known !== undefined)
    for (let index = 0; index < known.length; index += 1)
      if (hasMemberList(value, known[index] as string[])) return true;
  const positions = positionsOf(order);
  const members = ownMembersInOrder(value, positions);
  if (members === undefined) return definedMembersInOrder(value, positions);
  if (known === undefined) listsInOrder.set(order, [members]);
  else if (known.length < MAX_LISTS_PER_ORDER) known.push(members);
  return true;
}

/** True when for-in lists exactly `list`'s members, in its order. */
function hasMemberList(source: object, list: readonly string[]): boolean {
  let index = 0;
  for (const key in source) if (key !== list[index++]) return false;
  return index === list.length;
}

/** The object's members when all are its own and in order (ordered ones first, by position), else undefined. */
function ownMembersInOrder(source: object, positions: ReadonlyMap<string, number>): string[] | undefined {
  const members: string[] = [];
  let last = -1;
  let others = false;
  for (const key in source) {
    if (!Object.hasOwn(source, key)) return undefined;
    const position = positions.get(key);
    if (position === undefined) others = true;
    else if (others || position < last) return undefined;
    else last = position;
    members.push(key);
  }
  return members;
}

/** The same rule for the object's own members that are not undefined (what JSON.stringify writes). */
function definedMembersInOrder(source: object, positions: ReadonlyMap<string, number>): boolean {
  const members = source as Record<string, unknown>;
  let last = -1;
  let others = false;
  for (const key in members) {
    if (!Object.hasOwn(members, key) || members[key] === undefined) continue;
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
