/**
 * JSON.stringify with the members of `value` written in `order` first, then any others in their own order.
 * The IME compares nothing by key order, but people diff logs: emitting the real IME's order keeps our
 * JSON byte-identical to what the service sends, whichever order the caller built the object in.
 */
export function stringifyOrdered(value: object, order: readonly string[]): string {
  return JSON.stringify(orderKeys(value, order));
}

/** A shallow copy of `value` with its keys rearranged: `order` first, then the rest. */
export function orderKeys(value: object, order: readonly string[]): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of order) {
    if (Object.hasOwn(source, key) && source[key] !== undefined) out[key] = source[key];
  }
  for (const [key, member] of Object.entries(source)) {
    if (!Object.hasOwn(out, key) && member !== undefined) out[key] = member;
  }
  return out;
}
