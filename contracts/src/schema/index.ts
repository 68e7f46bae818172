export { describeType, parseJsonText } from "./json-text.ts";
export { appendSegment, joinPath } from "./path.ts";
export { assertSchema, describeFirstError, type SchemaChecker } from "./validate.ts";
