/** A name → number table written `as const`, e.g. `{ Success: 1000 }`. */
export type NumericEnum = Readonly<Record<string, number>>;

/** The union of the numbers of an `as const` enum object. */
export type EnumValue<E extends NumericEnum> = E[keyof E];

/**
 * Each table's names by number, made on its first lookup (the tables are module constants, never changed). A
 * device names a few enum values per app and check-in, and walking `Object.entries` each time made an array of
 * pairs per lookup (issue 18). Where two names share a number the first in the table's order wins, as before.
 */
const namesByTable = new WeakMap<NumericEnum, ReadonlyMap<number, string>>();
function namesOf(table: NumericEnum): ReadonlyMap<number, string> {
  let names = namesByTable.get(table);
  if (names === undefined) {
    const built = new Map<number, string>();
    for (const [name, number] of Object.entries(table)) if (!built.has(number)) built.set(number, name);
    names = built;
    namesByTable.set(table, names);
  }
  return names;
}

/** The name of `value` in `table`, or undefined when the number has no name. */
export function nameOf<E extends NumericEnum>(table: E, value: number): (keyof E & string) | undefined {
  return namesOf(table).get(value) as (keyof E & string) | undefined;
}
