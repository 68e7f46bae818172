import { Compile } from "typebox/compile";
import type { ReturnCode } from "../enums/index.ts";
import { ImesimError } from "../errors/index.ts";
import { appendSegment, describeType, frozenParseMemo, parseJsonText } from "../schema/index.ts";
import { type DetectionRule, decodeDetectionRules, encodeDetectionRules } from "./detection-rule.ts";
import { ImeContractErrorCode } from "./error-codes.ts";
import {
  decodeExtendedRequirementRules,
  type ExtendedRequirementRule,
  encodeExtendedRequirementRules,
} from "./extended-requirement-rules.ts";
import { decodeInstallEx, encodeInstallEx, type InstallEx } from "./install-ex.ts";
import { escapeMsDates, formatMsDate, parseMsDate } from "./ms-date.ts";
import { checkPolicyValue } from "./nested-json.ts";
import { type ImePolicy, ImePolicySchema } from "./policy-schema.ts";
import {
  decodeRequirementRules,
  encodeRequirementRules,
  type RequirementRules,
} from "./requirement-rules.ts";
import { decodeReturnCodes, encodeReturnCodes } from "./return-codes.ts";
import { decodeScripts, encodeScripts, type PolicyScript } from "./scripts.ts";

/** `StartDeadlineEx` decoded: epoch milliseconds, null = not set (DateTime.MinValue). */
export interface StartDeadline {
  TimeFormat: string;
  StartTime: number | null;
  Deadline: number | null;
}

/** A policy with every JSON-inside-JSON member decoded into typed values; member order as received. */
export interface DecodedImePolicy
  extends Omit<
    ImePolicy,
    | "DetectionRule"
    | "RequirementRules"
    | "ExtendedRequirementRules"
    | "InstallEx"
    | "ReturnCodes"
    | "Scripts"
    | "StartDeadlineEx"
  > {
  DetectionRule: DetectionRule[];
  RequirementRules: RequirementRules;
  ExtendedRequirementRules: ExtendedRequirementRule[];
  InstallEx: InstallEx;
  ReturnCodes: ReturnCode[];
  StartDeadlineEx: StartDeadline;
  Scripts?: PolicyScript[] | null;
}

const policyChecker = Compile(ImePolicySchema);

/**
 * Parses the "Get policies" JSON text (an array) into decoded policies; errors name e.g.
 * `[0].DetectionRule[1].DetectionText.Operator`.
 *
 * Every device of a fleet receives the same list text: each distinct text is parsed and checked once per process,
 * the newest 8 kept (a fleet's generations of the list, and a few more), and the result is deep-frozen so that one
 * device cannot change what another reads (issue 18).
 */
export const parsePolicies: (jsonText: string) => DecodedImePolicy[] = frozenParseMemo(parsePoliciesOnce, 8);

function parsePoliciesOnce(jsonText: string): DecodedImePolicy[] {
  const value = parseJsonText(jsonText, {
    code: ImeContractErrorCode.PolicyMalformedJson,
    what: "policy list",
    path: "",
  });
  if (!Array.isArray(value)) {
    throw new ImesimError(
      ImeContractErrorCode.PolicyInvalid,
      `Invalid policy list: expected a JSON array, got ${describeType(value)}`,
      { path: "" },
    );
  }
  return value.map((policy, index) => decodePolicy(policy, appendSegment("", index)));
}

/** Parses one policy, given as JSON text or as an already-parsed object. */
export function parsePolicy(json: unknown): DecodedImePolicy {
  const value =
    typeof json === "string"
      ? parseJsonText(json, { code: ImeContractErrorCode.PolicyMalformedJson, what: "policy", path: "" })
      : json;
  return decodePolicy(value, "");
}

/** Checks a wire policy and decodes its nested members; `path` prefixes every error path. */
export function decodePolicy(value: unknown, path = ""): DecodedImePolicy {
  const wire = checkPolicyValue(value, policyChecker, "policy", path);
  const at = (member: string) => appendSegment(path, member);
  const { Scripts, ...rest } = wire;
  const decoded: DecodedImePolicy = {
    ...rest,
    DetectionRule: decodeDetectionRules(wire.DetectionRule, at("DetectionRule")),
    RequirementRules: decodeRequirementRules(wire.RequirementRules, at("RequirementRules")),
    ExtendedRequirementRules: decodeExtendedRequirementRules(
      wire.ExtendedRequirementRules,
      at("ExtendedRequirementRules"),
    ),
    InstallEx: decodeInstallEx(wire.InstallEx, at("InstallEx")),
    ReturnCodes: decodeReturnCodes(wire.ReturnCodes, at("ReturnCodes")),
    StartDeadlineEx: {
      ...wire.StartDeadlineEx,
      StartTime: parseMsDate(
        wire.StartDeadlineEx.StartTime,
        appendSegment(at("StartDeadlineEx"), "StartTime"),
      ),
      Deadline: parseMsDate(wire.StartDeadlineEx.Deadline, appendSegment(at("StartDeadlineEx"), "Deadline")),
    },
  };
  if (Scripts === undefined) return decoded;
  // Put `Scripts` back where it was received, so re-encoding keeps the member order.
  return reinsertMember(
    decoded,
    wire,
    "Scripts",
    Scripts === null ? null : decodeScripts(Scripts, at("Scripts")),
  );
}

/** Encodes a decoded policy back to the wire object, nested members as the exact strings the IME receives. */
export function encodePolicy(decoded: DecodedImePolicy): ImePolicy {
  const { Scripts, ...rest } = decoded;
  const wire: ImePolicy = {
    ...rest,
    DetectionRule: encodeDetectionRules(decoded.DetectionRule),
    RequirementRules: encodeRequirementRules(decoded.RequirementRules),
    ExtendedRequirementRules: encodeExtendedRequirementRules(decoded.ExtendedRequirementRules),
    InstallEx: encodeInstallEx(decoded.InstallEx),
    ReturnCodes: encodeReturnCodes(decoded.ReturnCodes),
    StartDeadlineEx: {
      ...decoded.StartDeadlineEx,
      StartTime: formatMsDate(decoded.StartDeadlineEx.StartTime),
      Deadline: formatMsDate(decoded.StartDeadlineEx.Deadline),
    },
  };
  // Keep `Scripts` where it was in the decoded object (member order matters for byte-identical output).
  if (Scripts === undefined) return wire;
  return reinsertMember(wire, decoded, "Scripts", Scripts === null ? null : encodeScripts(Scripts));
}

/** Serializes policies into "Get policies" JSON text, dates written `\/Date(ms)\/` as the service sends them. */
export function serializePolicies(policies: readonly DecodedImePolicy[]): string {
  return escapeMsDates(JSON.stringify(policies.map(encodePolicy)));
}

/** A copy of `target` with `key` set to `value`, members ordered as in `order`. */
function reinsertMember<T extends object>(target: T, order: object, key: string, value: unknown): T {
  const source = target as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(order)) out[name] = name === key ? value : source[name];
  return out as T;
}
