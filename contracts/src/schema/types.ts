import { type TSchema, type TUnsafe, Type } from "typebox";
import type { EnumValue, NumericEnum } from "../enums/lookup.ts";

/** A schema accepting exactly the numbers of an `as const` enum object, typed as their union. */
export function enumSchema<E extends NumericEnum>(table: E, description?: string): TUnsafe<EnumValue<E>> {
  return Type.Unsafe<EnumValue<E>>({
    enum: [...new Set(Object.values(table))],
    ...(description === undefined ? {} : { description }),
  });
}

/** `T | null`. */
export function nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** A flag the IME writes either as a JSON boolean or as 0/1 (ime.md §2.3 script rules). */
export const FlagSchema = Type.Union([Type.Boolean(), Type.Literal(0), Type.Literal(1)]);
export type Flag = boolean | 0 | 1;

/** Reads a boolean-or-0/1 flag as a boolean. */
export function flagValue(flag: Flag): boolean {
  return flag === true || flag === 1;
}
