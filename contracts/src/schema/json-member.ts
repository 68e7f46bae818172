// JSON inside JSON: the IME's wire carries many members as JSON text (policy rules, gateway payloads). Each
// family reports its own error codes, so a family gets its own pair of functions from one definition.
import { parseJsonText } from "./json-text.ts";
import { assertSchema, type SchemaChecker } from "./validate.ts";

export interface JsonMemberCodec {
  /** Parses a JSON-text member and checks it against `checker`; failures name `what` at `path`. */
  decode<T>(text: unknown, checker: SchemaChecker<T>, what: string, path: string): T;
  /** Checks an already-parsed member; failures name `what` at `path`. */
  check<T>(value: unknown, checker: SchemaChecker<T>, what: string, path: string): T;
}

/** The decode/check pair of a member family whose bad JSON is `malformed` and whose bad shape is `invalid`. */
export function jsonMemberCodec(codes: {
  readonly malformed: string;
  readonly invalid: string;
}): JsonMemberCodec {
  return {
    decode(text, checker, what, path) {
      const value = parseJsonText(text, { code: codes.malformed, what, path });
      assertSchema(checker, value, { code: codes.invalid, what, path });
      return value;
    },
    check(value, checker, what, path) {
      assertSchema(checker, value, { code: codes.invalid, what, path });
      return value;
    },
  };
}
