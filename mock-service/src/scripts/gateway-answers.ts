// The gateway's side of the script workloads (ime.md §3.1 items 4–5): `PolicyRequest` answers the platform
// scripts that reach the caller, `GetScript` the remediations, `PolicyResult` records what the device ran
// as the Graph run states. Which scripts reach a session is imesim's choice, mirroring apps (ime.md §11a
// Sessions): the userless session gets system-context scripts assigned to the device's groups; a user's
// session gets those assigned to the user's groups and the user-context ones assigned to the device's.
import { parseScriptResults, RequestContentType } from "@imesim/contracts/gateway";
import { answerComplianceRequest, complianceRequestTypes } from "../compliance/gateway-answers.ts";
import { allDevicesGroupId, allUsersGroupId, assignmentTarget } from "../graph/assignment-model.ts";
import type { JsonObject } from "../store/records.ts";
import type { Store } from "../store/store.ts";
import { runStateOf, toHealthPolicy, toPlatformPolicy } from "./script-model.ts";
import { type ScriptKind, type ScriptPolicyRecord, type StoredKind, scriptStore } from "./script-store.ts";

/** The all-zero id the IME keeps userless state under (ime.md §4.1). */
const DEVICE_USER_ID = "00000000-0000-0000-0000-000000000000";

interface Reached<K extends StoredKind> {
  readonly record: ScriptPolicyRecord<K>;
  readonly assignment: JsonObject;
}

/** The policies of `kind` whose assignments reach the session (exclusions win). */
export function reachedScripts<K extends StoredKind>(
  store: Store,
  kind: K,
  deviceId: string,
  userId: string | undefined,
): Reached<K>[] {
  const scripts = scriptStore(store);
  const deviceGroups = store.groupsOf([deviceId]);
  deviceGroups.add(allDevicesGroupId);
  const userGroups = userId === undefined ? new Set<string>() : store.groupsOf([userId]);
  if (userId !== undefined) userGroups.add(allUsersGroupId);
  const reached: Reached<K>[] = [];
  for (const record of scripts.listPolicies(kind)) {
    const assignments = scripts.listAssignments(kind, record.id);
    const targets = assignments.map((a) => ({
      a,
      ...assignmentTarget({ id: a.id, appId: record.id, body: a.body }),
    }));
    if (targets.some((t) => t.exclusion && (deviceGroups.has(t.groupId) || userGroups.has(t.groupId))))
      continue;
    const userContext = record.body.runAsAccount === "user";
    const hit = targets.find(
      (t) =>
        !t.exclusion &&
        (userId === undefined
          ? deviceGroups.has(t.groupId) && !userContext
          : userGroups.has(t.groupId) || (deviceGroups.has(t.groupId) && userContext)),
    );
    if (hit !== undefined) reached.push({ record, assignment: hit.a.body });
  }
  return reached;
}

/** The `PolicyRequest` answer: JSON text of the platform scripts for the session. */
export function platformScriptsPayload(store: Store, deviceId: string, userId: string | undefined): string {
  return JSON.stringify(
    reachedScripts(store, "platform", deviceId, userId).map((r) => toPlatformPolicy(r.record)),
  );
}

/** The `GetScript` answer: JSON text of the remediations for the session, each with its schedule. */
export function healthScriptsPayload(store: Store, deviceId: string, userId: string | undefined): string {
  return JSON.stringify(
    reachedScripts(store, "health", deviceId, userId).map((r) => toHealthPolicy(r.record, r.assignment)),
  );
}

/** Records a `PolicyResult` upload; results for scripts that do not reach the caller are dropped. */
export function recordScriptResults(
  store: Store,
  deviceId: string,
  userId: string | undefined,
  payload: string,
): void {
  const scripts = scriptStore(store);
  const results = parseScriptResults(payload);
  const now = new Date().toISOString();
  const reachable = {
    platform: new Set(
      reachedScripts(store, "platform", deviceId, userId).map((r) => r.record.id.toLowerCase()),
    ),
    health: new Set(reachedScripts(store, "health", deviceId, userId).map((r) => r.record.id.toLowerCase())),
  };
  store.transaction(() => {
    for (const result of results) {
      const kind: ScriptKind = result.PolicyType === "PlatformScript" ? "platform" : "health";
      if (!reachable[kind].has(result.PolicyId.toLowerCase())) continue;
      scripts.putRunState(kind, {
        policyId: result.PolicyId,
        deviceId,
        userId: userId ?? DEVICE_USER_ID,
        body: runStateOf(kind, result, now),
        updatedAt: now,
      });
    }
  });
}

/** The request types this workload answers (custom compliance's ride along: compliance/gateway-answers.ts). */
export const scriptRequestTypes: ReadonlySet<string> = new Set([
  RequestContentType.PolicyRequest,
  RequestContentType.GetScript,
  RequestContentType.PolicyResult,
  ...complianceRequestTypes,
]);

/** The `ResponsePayload` for one of `scriptRequestTypes` (null for the result upload). */
export function answerScriptRequest(
  store: Store,
  type: string,
  deviceId: string,
  userId: string | undefined,
  requestPayload: string,
): string | null {
  if (type === RequestContentType.PolicyRequest) return platformScriptsPayload(store, deviceId, userId);
  if (type === RequestContentType.GetScript) return healthScriptsPayload(store, deviceId, userId);
  if (complianceRequestTypes.has(type))
    return answerComplianceRequest(store, type, deviceId, userId, requestPayload);
  recordScriptResults(store, deviceId, userId, requestPayload);
  return null;
}
