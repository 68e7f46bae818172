import { type MobileAppAssignment, parseMobileAppAssignment } from "@imesim/contracts/graph";
import type { AssignmentRecord, JsonObject } from "../store/records.ts";

/** Virtual group ids of the all-users and all-devices targets (graph-win32.md §3.1). */
export const allUsersGroupId = "acacacac-9df4-4c7d-9d50-4ef0226f57a9";
export const allDevicesGroupId = "adadadad-808e-44e2-905a-0b7873a8a531";

// Intent numbers in observed assignment ids: available 0, required 1, uninstall 2 (graph-win32.md §3.1).
const intentNumber: Record<string, number> = {
  available: 0,
  required: 1,
  uninstall: 2,
  availableWithoutEnrollment: 3,
};

/**
 * Checks a mobileAppAssignment body (contracts `parseMobileAppAssignment`) and returns the stored
 * form with the id shape seen on real tenants, `{groupId}_{intent}_{exclusion}` (graph-win32.md §3.1).
 */
export function assignmentFromBody(appId: string, body: unknown, path = ""): AssignmentRecord {
  const parsed = parseMobileAppAssignment(body, path);
  const stored = JSON.parse(
    JSON.stringify({ ...parsed, id: undefined, "@odata.type": undefined }),
  ) as JsonObject;
  const { groupId, exclusion } = assignmentTarget({ id: "", appId, body: stored });
  if (exclusion) stored.settings = null;
  return { id: `${groupId}_${intentNumber[parsed.intent]}_${exclusion ? 1 : 0}`, appId, body: stored };
}

/** The group an assignment targets (the virtual ids for all devices / all users) and whether it excludes. */
export function assignmentTarget(assignment: AssignmentRecord): { groupId: string; exclusion: boolean } {
  const target = assignment.body.target as {
    "@odata.type"?: string;
    groupId?: string | null;
    collectionId?: string | null;
  };
  const type = target["@odata.type"];
  const groupId =
    type === "#microsoft.graph.allDevicesAssignmentTarget"
      ? allDevicesGroupId
      : type === "#microsoft.graph.allLicensedUsersAssignmentTarget"
        ? allUsersGroupId
        : String(target.groupId ?? target.collectionId ?? "").toLowerCase();
  return { groupId, exclusion: type === "#microsoft.graph.exclusionGroupAssignmentTarget" };
}

/** The stored assignment as the contracts' checked type. */
export function storedAssignment(assignment: AssignmentRecord): MobileAppAssignment {
  return { ...(assignment.body as unknown as MobileAppAssignment), id: assignment.id };
}

/** The assignment as Graph returns it. */
export function renderAssignment(assignment: AssignmentRecord): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.mobileAppAssignment",
    id: assignment.id,
    ...assignment.body,
    source: "direct",
    sourceId: null,
  };
}
