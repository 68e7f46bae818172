import { jsonMemberCodec } from "../schema/index.ts";
import { ImeContractErrorCode } from "./error-codes.ts";

/** A policy's JSON-inside-JSON members (rules, return codes, InstallEx), and already-parsed policy values. */
const policyMember = jsonMemberCodec({
  malformed: ImeContractErrorCode.PolicyMalformedJson,
  invalid: ImeContractErrorCode.PolicyInvalid,
});

export const decodeNestedJson = policyMember.decode;
export const checkPolicyValue = policyMember.check;
