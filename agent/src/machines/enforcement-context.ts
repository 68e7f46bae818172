import { EnforcementState } from "@imesim/contracts/enums";
import type { EnforcementContext, EnforcementInput } from "./enforcement-types.ts";

/** A fresh enforcement context for `input`, as the chart starts it (with whatever else the input carries). */
export function initialEnforcementContext<I extends EnforcementInput>(input: I): EnforcementContext & I {
  return {
    ...input,
    grs: undefined,
    detection: undefined,
    applicability: undefined,
    contentInfo: undefined,
    downloadedBytes: 0,
    deliveredVia: "DO",
    retry: 0,
    outcome: undefined,
    mapping: undefined,
    finalState: EnforcementState.Unknown,
    errorCode: 0,
    keepImeCache: false,
    blockedByGrs: false,
    rebootPending: false,
    detectedAfter: undefined,
    supersededDetected: undefined,
    result: undefined,
  };
}
