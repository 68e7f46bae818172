import type { TLocalizedValidationError } from "typebox/error";
import { ImesimError } from "../errors/index.ts";
import { appendSegment, joinPath } from "./path.ts";

/** What a compiled TypeBox validator offers that `assertSchema` needs. */
export interface SchemaChecker<T> {
  Check(value: unknown): value is T;
  Errors(value: unknown): TLocalizedValidationError[];
}

/** Throws an ImesimError naming the first bad member unless `value` matches the schema. */
export function assertSchema<T>(
  checker: SchemaChecker<T>,
  value: unknown,
  context: { code: string; what: string; path: string },
): asserts value is T {
  if (checker.Check(value)) return;
  const { path, problem } = describeFirstError(checker.Errors(value), context.path);
  const where = path === "" ? context.what : `${context.what} at ${path}`;
  throw new ImesimError(context.code, `Invalid ${where}: ${problem}`, { path });
}

/**
 * Picks the most useful error of a TypeBox error list and words it for a person.
 * Unions of constants report as one error listing the allowed values, and a missing member is
 * reported at the member's own path, so `path` always names the member a user has to fix.
 */
export function describeFirstError(
  errors: readonly TLocalizedValidationError[],
  basePath: string,
): { path: string; problem: string } {
  const first = errors.find((e) => e.keyword !== "anyOf") ?? errors[0];
  if (first === undefined) return { path: basePath, problem: "does not match its schema" };
  const path = joinPath(basePath, first.instancePath);
  switch (first.keyword) {
    case "required": {
      const missing = first.params.requiredProperties[0] ?? "";
      return { path: appendSegment(path, missing), problem: "required member is missing" };
    }
    case "const": {
      const allowed = errors
        .filter((e) => e.keyword === "const" && e.instancePath === first.instancePath)
        .map((e) => (e.keyword === "const" ? JSON.stringify(e.params.allowedValue) : ""));
      return { path, problem: `must be one of ${allowed.join(", ")}` };
    }
    case "enum":
      return {
        path,
        problem: `must be one of ${first.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "additionalProperties":
      return {
        path: appendSegment(path, first.params.additionalProperties[0] ?? ""),
        problem: "is not a known member",
      };
    default:
      return { path, problem: first.message };
  }
}
