/** A name → number table written `as const`, e.g. `{ Success: 1000 }`. */
export type NumericEnum = Readonly<Record<string, number>>;

/** The union of the numbers of an `as const` enum object. */
export type EnumValue<E extends NumericEnum> = E[keyof E];

/** The name of `value` in `table`, or undefined when the number has no name. */
export function nameOf<E extends NumericEnum>(table: E, value: number): (keyof E & string) | undefined {
  for (const [name, number] of Object.entries(table)) {
    if (number === value) return name;
  }
  return undefined;
}

/** True when `value` is one of the numbers of `table`. */
export function isEnumValue<E extends NumericEnum>(table: E, value: unknown): value is EnumValue<E> {
  return typeof value === "number" && Object.values(table).includes(value);
}

/** The numbers of `table`, in declaration order (for schemas). */
export function enumValues<E extends NumericEnum>(table: E): EnumValue<E>[] {
  return Object.values(table) as EnumValue<E>[];
}
