// A per-app IME policy override: the policy an admin pasted (e.g. from AppWorkload.log), served to devices as
// it was given instead of the one the service derives from the Graph app. Graph has no field for several policy
// members (MaxRetries, RetryIntervalInMinutes, RequiredOSArchitecture null, an exact MinimumWindows10BuildNumer),
// so a pasted policy cannot survive a trip through Graph; the app record in Graph still carries the content.
import { type DecodedImePolicy, decodePolicy } from "@imesim/contracts/ime";
import type { AppRecord, JsonObject, JsonValue } from "../store/records.ts";

/**
 * Where the override lives: a member of the stored app body, never rendered by Graph routes (our choice: it is
 * stored with the app, survives restarts, and goes when the app is deleted).
 */
export const POLICY_OVERRIDE_MEMBER = "imesim.imePolicy";

/** Checks a policy in its wire form (nested members as JSON strings, as the IME receives it); throws ImesimError naming the bad member. */
export function checkPolicyOverride(policy: unknown): DecodedImePolicy {
  return decodePolicy(policy, "");
}

/** The stored override of an app in its wire form, if it has one. */
export function storedPolicyOverride(app: AppRecord): JsonObject | undefined {
  const stored = app.body[POLICY_OVERRIDE_MEMBER];
  return stored !== undefined && stored !== null && typeof stored === "object" && !Array.isArray(stored)
    ? stored
    : undefined;
}

/** The app body with `policy` (wire form, checked) as its override, or without any override when undefined. */
export function bodyWithPolicyOverride(body: JsonObject, policy: JsonObject | undefined): JsonObject {
  const { [POLICY_OVERRIDE_MEMBER]: _old, ...rest } = body;
  return policy === undefined ? rest : { ...rest, [POLICY_OVERRIDE_MEMBER]: policy };
}

/** The body as Graph shows it: the override is the mock's own state, not a win32LobApp member. */
export function graphVisibleBody(body: JsonObject): JsonObject {
  return bodyWithPolicyOverride(body, undefined);
}

/** Keeps the override of `before` on a body rebuilt from a Graph PATCH. */
export function keepPolicyOverride(before: JsonObject, after: JsonObject): JsonObject {
  const policy = before[POLICY_OVERRIDE_MEMBER] as JsonValue | undefined;
  return policy === undefined ? after : { ...after, [POLICY_OVERRIDE_MEMBER]: policy };
}

/**
 * The policy a device receives for an app: `derived` (from Graph and the assignment) unless the app has an
 * override. An override is served member for member as pasted, except what the service and the assignment
 * decide: the app's id here, the assignment's Intent and TargetType (and Targeted), its filter state, and the
 * FlatDependencies of this service's relationships (a pasted policy's edges name another tenant's apps).
 */
export function deliveredPolicy(app: AppRecord, derived: DecodedImePolicy): DecodedImePolicy {
  const override = storedPolicyOverride(app);
  if (override === undefined) return derived;
  return {
    ...checkPolicyOverride(override),
    Id: derived.Id,
    Intent: derived.Intent,
    TargetType: derived.TargetType,
    Targeted: derived.Targeted,
    AppApplicabilityStateDueToAssginmentFilters: derived.AppApplicabilityStateDueToAssginmentFilters,
    AssignmentFilterIds: derived.AssignmentFilterIds,
    FlatDependencies: derived.FlatDependencies,
  };
}
