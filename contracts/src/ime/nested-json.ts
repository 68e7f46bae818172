import { assertSchema, parseJsonText, type SchemaChecker } from "../schema/index.ts";
import { ImeContractErrorCode } from "./error-codes.ts";

/** Parses a JSON-inside-JSON policy member and checks it, reporting failures at `path`. */
export function decodeNestedJson<T>(text: unknown, checker: SchemaChecker<T>, what: string, path: string): T {
  const value = parseJsonText(text, { code: ImeContractErrorCode.PolicyMalformedJson, what, path });
  assertSchema(checker, value, { code: ImeContractErrorCode.PolicyInvalid, what, path });
  return value;
}

/** Checks an already-parsed policy value, reporting failures at `path`. */
export function checkPolicyValue<T>(
  value: unknown,
  checker: SchemaChecker<T>,
  what: string,
  path: string,
): T {
  assertSchema(checker, value, { code: ImeContractErrorCode.PolicyInvalid, what, path });
  return value;
}
