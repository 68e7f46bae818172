import { DATETIME_MIN_VALUE_MS } from "../enums/index.ts";
import { ImesimError } from "../errors/index.ts";
import { ImeContractErrorCode } from "./error-codes.ts";

const MS_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

/**
 * Reads a Microsoft JSON date (`/Date(ms)/`, optionally `/Date(ms+hhmm)/`) as epoch milliseconds.
 * The milliseconds are UTC in both forms; the offset only says the .NET value was local, so we drop it.
 * DateTime.MinValue (-62135596800000) means "not set" and reads as null (ime.md §2.2).
 */
export function parseMsDate(text: unknown, path = ""): number | null {
  const match = typeof text === "string" ? MS_DATE.exec(text) : null;
  const digits = match?.[1];
  if (digits === undefined) {
    throw new ImesimError(
      ImeContractErrorCode.MsDateInvalid,
      `Invalid date${path === "" ? "" : ` at ${path}`}: expected "/Date(<milliseconds>)/", got ${JSON.stringify(text)}`,
      { path },
    );
  }
  const ms = Number(digits);
  return ms === DATETIME_MIN_VALUE_MS ? null : ms;
}

/** Writes epoch milliseconds (null = not set = DateTime.MinValue) as `/Date(ms)/`. */
export function formatMsDate(ms: number | null): string {
  return `/Date(${ms ?? DATETIME_MIN_VALUE_MS})/`;
}

/** JSON text with `/Date(…)/` string values escaped as `\/Date(…)\/`, as .NET serializers write them. */
export function escapeMsDates(jsonText: string): string {
  return jsonText.replace(/"\/Date\((-?\d+(?:[+-]\d{4})?)\)\/"/g, '"\\/Date($1)\\/"');
}
