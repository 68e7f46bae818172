// Applying a rule's operator (ime.md §2.3: 1 equal, 2 not equal, 4 greater, 5 greater or equal, 8 less,
// 9 less or equal) to the result of a comparison.
import { nameOf, Operator } from "@imesim/contracts/enums";

/** Whether `comparison` (actual vs expected: <0, 0, >0) satisfies `operator`; false for 0 / unknown operators. */
export function satisfies(operator: number, comparison: number): boolean {
  switch (operator) {
    case Operator.Equal:
      return comparison === 0;
    case Operator.NotEqual:
      return comparison !== 0;
    case Operator.GreaterThan:
      return comparison > 0;
    case Operator.GreaterThanOrEqual:
      return comparison >= 0;
    case Operator.LessThan:
      return comparison < 0;
    case Operator.LessThanOrEqual:
      return comparison <= 0;
    default:
      return false;
  }
}

/** The operator's name as the IME's version line prints it (`LessThan: actualVersion: …`). */
export function operatorName(operator: number): string {
  return nameOf(Operator, operator) ?? String(operator);
}

/** Orders two numbers (or bigints) as -1, 0, 1. */
export function compareNumbers<T extends number | bigint>(a: T, b: T): -1 | 0 | 1 {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Parses an integer as .NET's Int64.TryParse would (optional sign, digits, surrounding spaces). */
export function parseInteger(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return undefined;
  const value = BigInt(trimmed);
  return value >= -(1n << 63n) && value < 1n << 63n ? value : undefined;
}

/** Parses a date as UTC epoch ms: ISO 8601 (`2024-05-01T10:00:00Z`; no zone = UTC) or `/Date(ms)/`. */
export function parseUtcDate(text: string): number | undefined {
  const trimmed = text.trim();
  const msDate = /^\/Date\((-?\d+)\)\/$/.exec(trimmed);
  if (msDate) return Number(msDate[1]);
  // Rule values are compared in UTC (ime.md §7.2): a value without a zone is read as UTC, not local time.
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(trimmed);
  const withTime = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00` : trimmed;
  const ms = Date.parse(hasZone ? withTime : `${withTime}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}
