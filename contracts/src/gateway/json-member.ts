import { assertSchema, parseJsonText, type SchemaChecker } from "../schema/index.ts";
import { GatewayContractErrorCode } from "./error-codes.ts";

/** Parses a JSON-text gateway member (RequestPayload, ClientInfo, ContentInfo, ...) and checks it, errors at `path`. */
export function decodeJsonMember<T>(text: unknown, checker: SchemaChecker<T>, what: string, path: string): T {
  const value = parseJsonText(text, { code: GatewayContractErrorCode.MalformedJson, what, path });
  assertSchema(checker, value, { code: GatewayContractErrorCode.Invalid, what, path });
  return value;
}

/** Checks an already-parsed gateway value, errors at `path`. */
export function checkGatewayValue<T>(
  value: unknown,
  checker: SchemaChecker<T>,
  what: string,
  path: string,
): T {
  assertSchema(checker, value, { code: GatewayContractErrorCode.Invalid, what, path });
  return value;
}
