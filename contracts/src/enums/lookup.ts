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
