import { filterViewOf } from "../filters/device-filter-view.ts";
import { matchesFilter } from "../filters/filter-evaluate.ts";
import { parseFilterRule } from "../filters/filter-rule.ts";
import type { AssignmentRecord } from "../store/records.ts";
import type { Store } from "../store/store.ts";

/** Applicability the service puts in a policy whose assignment filter leaves the device out (ime.md §7.6). */
export const filteredOut = 1010;

/**
 * `AppApplicabilityStateDueToAssginmentFilters` for one device and assignment: 1010 when the assignment's
 * include filter does not match the device or its exclude filter does, null otherwise. The service evaluates
 * filters and sends the verdict with the policy; the device only obeys it (ime.md §7.6, §11b). A filter id
 * that names no filter leaves the assignment unfiltered (Graph refuses such an assignment; older data may hold one).
 */
export function filterApplicability(
  store: Store,
  deviceId: string,
  assignment: AssignmentRecord,
): 1010 | null {
  const target = assignment.body.target as Record<string, unknown> | undefined;
  const filterId = target?.deviceAndAppManagementAssignmentFilterId;
  const filterType = String(target?.deviceAndAppManagementAssignmentFilterType ?? "none").toLowerCase();
  if (typeof filterId !== "string" || (filterType !== "include" && filterType !== "exclude")) return null;
  const filter = store.getAssignmentFilter(filterId);
  const device = store.getDevice(deviceId);
  if (filter === undefined || device === undefined) return null;
  const matched = matchesFilter(
    parseFilterRule(String(filter.body.rule)),
    filterViewOf(device, store.getDeviceFilterProperties(device.id)),
  );
  return matched === (filterType === "include") ? null : filteredOut;
}
