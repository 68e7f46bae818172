// The expected outcome of every operator when the actual value is compared with a smaller, an equal and a
// greater rule value (ime.md §2.3 operator numbers), written out by hand.
import { Operator } from "@imesim/contracts/enums";

export const OPERATOR_MATRIX: ReadonlyArray<
  [name: string, operator: number, vsSmaller: boolean, vsEqual: boolean, vsGreater: boolean]
> = [
  ["Equal", Operator.Equal, false, true, false],
  ["NotEqual", Operator.NotEqual, true, false, true],
  ["GreaterThan", Operator.GreaterThan, true, false, false],
  ["GreaterThanOrEqual", Operator.GreaterThanOrEqual, true, true, false],
  ["LessThan", Operator.LessThan, false, false, true],
  ["LessThanOrEqual", Operator.LessThanOrEqual, false, true, true],
];

/** Rows of [operator name, operator, rule value, expected] for a (smaller, equal, greater) triple of rule values. */
export function operatorRows(
  smaller: string,
  equal: string,
  greater: string,
): Array<[string, number, string, boolean]> {
  return OPERATOR_MATRIX.flatMap(([name, operator, lt, eq, gt]) => [
    [name, operator, smaller, lt] as [string, number, string, boolean],
    [name, operator, equal, eq] as [string, number, string, boolean],
    [name, operator, greater, gt] as [string, number, string, boolean],
  ]);
}
