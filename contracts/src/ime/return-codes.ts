import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { type ReturnCode, ReturnCodeType } from "../enums/index.ts";
import { enumSchema, stringifyOrdered } from "../schema/index.ts";
import { decodeNestedJson } from "./nested-json.ts";

/** One `ReturnCodes` entry (ime.md §2.7). Exit codes are Int32 on the wire but may be written unsigned. */
export const ReturnCodeSchema = Type.Object({
  ReturnCode: Type.Integer({ minimum: -2147483648, maximum: 4294967295 }),
  Type: enumSchema(ReturnCodeType),
});
export const ReturnCodesSchema = Type.Array(ReturnCodeSchema);
export type ReturnCodeEntry = Static<typeof ReturnCodeSchema>;

const checker = Compile(ReturnCodesSchema);
const ORDER = ["ReturnCode", "Type"] as const;

/** Parses the `ReturnCodes` member text. */
export function decodeReturnCodes(text: unknown, path = "ReturnCodes"): ReturnCode[] {
  return decodeNestedJson(text, checker, "ReturnCodes", path);
}

/** Serializes return codes into the exact `ReturnCodes` string. */
export function encodeReturnCodes(codes: readonly ReturnCode[]): string {
  return `[${codes.map((code) => stringifyOrdered(code, ORDER)).join(",")}]`;
}

/** The mapped type of an exit code, or undefined when the admin did not map it (ime.md §5.1). */
export function returnCodeTypeOf(codes: readonly ReturnCode[], exitCode: number): ReturnCodeType | undefined {
  const unsigned = exitCode >>> 0;
  return codes.find((code) => code.ReturnCode >>> 0 === unsigned)?.Type;
}
