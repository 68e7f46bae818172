// The gateway's side of custom compliance: `GetComplianceScript` answers the compliance policies (with a
// discovery script) that reach the device session, `ComplianceScriptResult` records the device's evaluation
// as Graph's device status. Both request types are imesim's invention (contracts compliance-policies.ts).
// Discovery scripts are evaluated in the device (userless) session only [our choice: ime.md is silent; the
// device's compliance state is per device], so a policy reaches a device through its device groups.
import {
  ComplianceRequestType,
  type ComplianceScriptPolicy,
  parseComplianceScriptResults,
} from "@imesim/contracts/gateway";
import { reachedScripts } from "../scripts/gateway-answers.ts";
import { scriptStore } from "../scripts/script-store.ts";
import type { Store } from "../store/store.ts";
import { complianceStateOf, toCompliancePolicy } from "./compliance-model.ts";

const DEVICE_USER_ID = "00000000-0000-0000-0000-000000000000";

export const complianceRequestTypes: ReadonlySet<string> = new Set(Object.values(ComplianceRequestType));

function reachedPolicies(
  store: Store,
  deviceId: string,
  userId: string | undefined,
): ComplianceScriptPolicy[] {
  if (userId !== undefined) return [];
  const scripts = scriptStore(store);
  return reachedScripts(store, "compliancePolicy", deviceId, undefined).flatMap(({ record }) => {
    const ref = record.body.deviceCompliancePolicyScript as { deviceComplianceScriptId?: string } | null;
    const script = ref?.deviceComplianceScriptId
      ? scripts.getPolicy("complianceScript", ref.deviceComplianceScriptId)
      : undefined;
    const policy = toCompliancePolicy(record, script);
    return policy === undefined ? [] : [policy];
  });
}

/** The answer to one compliance request type (null for the result upload). */
export function answerComplianceRequest(
  store: Store,
  type: string,
  deviceId: string,
  userId: string | undefined,
  requestPayload: string,
): string | null {
  if (type === ComplianceRequestType.GetComplianceScript)
    return JSON.stringify(reachedPolicies(store, deviceId, userId));
  const results = parseComplianceScriptResults(requestPayload);
  const reachable = new Set(reachedPolicies(store, deviceId, userId).map((p) => p.PolicyId.toLowerCase()));
  const scripts = scriptStore(store);
  const now = new Date().toISOString();
  store.transaction(() => {
    for (const result of results) {
      if (!reachable.has(result.PolicyId.toLowerCase())) continue;
      scripts.putRunState("compliancePolicy", {
        policyId: result.PolicyId,
        deviceId,
        userId: DEVICE_USER_ID,
        body: complianceStateOf(result, now),
        updatedAt: now,
      });
    }
  });
  return null;
}
