import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { nullable, stringifyOrdered } from "../schema/index.ts";
import { decodeNestedJson } from "./nested-json.ts";

/**
 * One `Scripts` entry, present for the "PowerShell script" installer type (ime.md §2.1).
 * `Type` 1 is the only value seen (the install script) [?]; `Data` was null in the real example.
 */
export const PolicyScriptSchema = Type.Object({
  Id: Type.String(),
  Type: Type.Integer(),
  Data: nullable(Type.String()),
  EnforceSignatureCheck: Type.Boolean(),
});
export type PolicyScript = Static<typeof PolicyScriptSchema>;

/** `Scripts[].Type` value we write for the install script (the only value observed, ime.md §2.1). */
export const PolicyScriptType = { Install: 1 } as const;

const checker = Compile(Type.Array(PolicyScriptSchema));
const ORDER = ["Id", "Type", "Data", "EnforceSignatureCheck"] as const;

/** Parses the `Scripts` member text. */
export function decodeScripts(text: unknown, path = "Scripts"): PolicyScript[] {
  return decodeNestedJson(text, checker, "Scripts", path);
}

/** Serializes scripts into the exact `Scripts` string. */
export function encodeScripts(scripts: readonly PolicyScript[]): string {
  return `[${scripts.map((script) => stringifyOrdered(script, ORDER)).join(",")}]`;
}
