import type { FilterExpression, FilterProperty } from "./filter-rule.ts";

/** A device's values for the filter properties; a missing or empty value is `null` (no value). */
export type FilterDevice = Readonly<Partial<Record<FilterProperty, string | null>>>;

/**
 * True when the device matches the rule, as real devices evaluate filters (ime.md §11b, S12 "Matching"):
 * every comparison ignores case and the value's leading and trailing spaces; `contains` and `startsWith`
 * are substring and prefix; a property without a value matches `-eq $null`, `-ne`, `-notIn` and
 * `-notContains` and nothing else; operatingSystemVersion compares as numbers part by part, missing parts 0.
 */
export function matchesFilter(expression: FilterExpression, device: FilterDevice): boolean {
  if (expression.kind !== "clause") {
    const match = (part: FilterExpression) => matchesFilter(part, device);
    return expression.kind === "or" ? expression.parts.some(match) : expression.parts.every(match);
  }
  const raw = device[expression.property];
  const actual = raw === undefined || raw === null || raw.trim() === "" ? null : raw.trim().toLowerCase();
  const { operator, value } = expression;
  if (value === null) return operator === "eq" ? actual === null : actual !== null;
  const wanted =
    typeof value === "string" ? value.trim().toLowerCase() : value.map((item) => item.trim().toLowerCase());
  if (actual === null) return operator === "ne" || operator === "notin" || operator === "notcontains";
  if (expression.property === "operatingSystemVersion") {
    const order = compareVersions(actual, wanted as string);
    if (order === undefined) return operator === "ne";
    return { eq: order === 0, ne: order !== 0, gt: order > 0, ge: order >= 0, lt: order < 0, le: order <= 0 }[
      operator as "eq" | "ne" | "gt" | "ge" | "lt" | "le"
    ];
  }
  switch (operator) {
    case "eq":
      return actual === wanted;
    case "ne":
      return actual !== wanted;
    case "startswith":
      return actual.startsWith(wanted as string);
    case "contains":
      return actual.includes(wanted as string);
    case "notcontains":
      return !actual.includes(wanted as string);
    case "in":
      return (wanted as string[]).includes(actual);
    case "notin":
      return !(wanted as string[]).includes(actual);
    default:
      return false;
  }
}

function compareVersions(left: string, right: string): number | undefined {
  const parts = (text: string) => text.split(".").map(Number);
  const a = parts(left);
  const b = parts(right);
  if (a.some(Number.isNaN) || b.some(Number.isNaN)) return undefined;
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}
