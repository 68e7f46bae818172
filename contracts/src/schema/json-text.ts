import { ImesimError } from "../errors/index.ts";

/** Parses JSON text, reporting malformed text as an ImesimError at `path` instead of a SyntaxError. */
export function parseJsonText(text: unknown, context: { code: string; what: string; path: string }): unknown {
  if (typeof text !== "string") {
    throw new ImesimError(
      context.code,
      `Invalid ${context.what} at ${context.path || "(root)"}: expected a JSON string, got ${describeType(text)}`,
      { path: context.path },
    );
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ImesimError(
      context.code,
      `Malformed JSON in ${context.what}${context.path === "" ? "" : ` at ${context.path}`}: ${reason}`,
      { path: context.path, cause },
    );
  }
}

/** Names a value's JSON type for error messages (`null`, `array`, `string`, ...). */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
