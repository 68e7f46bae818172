import { DEFAULT_RETURN_CODES, nameOf, ReturnCodeType } from "../enums/index.ts";
import type { GraphReturnCodeType } from "./graph-enums.ts";
import type { GraphReturnCode } from "./win32-lob-app.ts";

/** Graph's name of an IME return-code type (Success → "success", SoftReboot → "softReboot"). */
export function graphReturnCodeType(type: ReturnCodeType): GraphReturnCodeType {
  const name = nameOf(ReturnCodeType, type) ?? "Failed";
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}` as GraphReturnCodeType;
}

/** The return codes the portal pre-fills and clients send (graph-win32.md §1.4), in Graph's form. */
export const DEFAULT_GRAPH_RETURN_CODES: readonly GraphReturnCode[] = Object.freeze(
  DEFAULT_RETURN_CODES.map((code) => ({ returnCode: code.ReturnCode, type: graphReturnCodeType(code.Type) })),
);
