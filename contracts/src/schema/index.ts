export { deepFreeze, frozenParseMemo } from "./frozen-memo.ts";
export { type JsonMemberCodec, jsonMemberCodec } from "./json-member.ts";
export { describeType, parseJsonText } from "./json-text.ts";
export { coerceLenient, matchEnumMember } from "./lenient.ts";
export { orderKeys, stringifyOrdered } from "./ordered-json.ts";
export { appendSegment, joinPath } from "./path.ts";
export { enumSchema, type Flag, FlagSchema, flagValue, nullable } from "./types.ts";
export { assertSchema, describeFirstError, type SchemaChecker } from "./validate.ts";
