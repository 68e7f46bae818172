import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { nullable, stringifyOrdered } from "../schema/index.ts";
import { decodeNestedJson } from "./nested-json.ts";

/** The `RequirementRules` member (JSON text of one object, ime.md §2.4). `MinimumWindows10BuildNumer` is the IME's own spelling. */
export const RequirementRulesSchema = Type.Object({
  /** Legacy 1/2/3 or current bit flags (32 x64, 64 x86, 16 arm64 [I]); see `allowedArchitectures`. */
  RequiredOSArchitecture: nullable(Type.Integer({ minimum: 0 })),
  MinimumFreeDiskSpaceInMB: nullable(Type.Integer({ minimum: 0 })),
  MinimumWindows10BuildNumer: nullable(Type.String()),
  MinimumMemoryInMB: nullable(Type.Integer({ minimum: 0 })),
  MinimumNumberOfProcessors: nullable(Type.Integer({ minimum: 0 })),
  MinimumCpuSpeed: nullable(Type.Integer({ minimum: 0 })),
  RunAs32Bit: Type.Boolean(),
});
export type RequirementRules = Static<typeof RequirementRulesSchema>;

const checker = Compile(RequirementRulesSchema);
const ORDER = [
  "RequiredOSArchitecture",
  "MinimumFreeDiskSpaceInMB",
  "MinimumWindows10BuildNumer",
  "MinimumMemoryInMB",
  "MinimumNumberOfProcessors",
  "MinimumCpuSpeed",
  "RunAs32Bit",
] as const;

/** Parses the `RequirementRules` member text. */
export function decodeRequirementRules(text: unknown, path = "RequirementRules"): RequirementRules {
  return decodeNestedJson(text, checker, "RequirementRules", path);
}

/** Serializes requirement rules into the exact `RequirementRules` string the IME receives (nulls kept). */
export function encodeRequirementRules(rules: RequirementRules): string {
  return stringifyOrdered(rules, ORDER);
}
