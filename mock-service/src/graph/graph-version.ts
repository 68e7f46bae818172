/**
 * What Graph v1.0 lacks that beta has, for the Win32 app surface this service serves
 * (graph-win32.md §1.1, §1.2, §1.8, §3.1, §4.1, §4.2): members v1.0 neither shows nor accepts, and
 * route families v1.0 does not have.
 */

/** App members that exist only in beta (graph-win32.md §1.1–1.2, and the beta-only navigations). */
export const betaOnlyAppMembers = [
  "uploadState",
  "isAssigned",
  "roleScopeTagIds",
  "dependentAppCount",
  "supersedingAppCount",
  "supersededAppCount",
  "minimumSupportedOperatingSystem",
  "detectionRules",
  "requirementRules",
  "displayVersion",
  "allowAvailableUninstall",
  "activeInstallScript",
  "activeUninstallScript",
  "relationships",
  "installSummary",
  "deviceStatuses",
  "userStatuses",
] as const;

/** `installExperience` members that exist only in beta (graph-win32.md §1.2). */
const betaOnlyInstallExperienceMembers = ["maxRunTimeInMinutes"];

/** Assignment members that exist only in beta (graph-win32.md §3.1). */
const betaOnlyAssignmentMembers = ["source", "sourceId"];

/** Assignment target members that exist only in beta (graph-win32.md §3.1). */
export const betaOnlyTargetMembers = [
  "deviceAndAppManagementAssignmentFilterId",
  "deviceAndAppManagementAssignmentFilterType",
] as const;

/**
 * Members a v1.0 write may carry although v1.0 does not define them: both Microsoft samples send
 * `minimumSupportedOperatingSystem` to v1.0, and it is accepted (graph-win32.md §1.10).
 */
const toleratedOnV1Writes = new Set<string>(["minimumSupportedOperatingSystem"]);

type Entity = Record<string, unknown>;

function without(entity: Entity, members: readonly string[]): Entity {
  return Object.fromEntries(Object.entries(entity).filter(([key]) => !members.includes(key)));
}

/** An app as v1.0 shows it: the beta-only members left out, nested assignments too. */
export function v1App(app: Entity): Entity {
  const shown = without(app, betaOnlyAppMembers);
  const experience = shown.installExperience;
  if (experience !== null && typeof experience === "object")
    shown.installExperience = without(experience as Entity, betaOnlyInstallExperienceMembers);
  if (Array.isArray(shown.assignments))
    shown.assignments = shown.assignments.map((item) => v1Assignment(item as Entity));
  return shown;
}

/** An assignment as v1.0 shows it: no `source`/`sourceId`, no filter on the target. */
export function v1Assignment(assignment: Entity): Entity {
  const shown = without(assignment, betaOnlyAssignmentMembers);
  const target = shown.target;
  if (target !== null && typeof target === "object")
    shown.target = without(target as Entity, betaOnlyTargetMembers);
  return shown;
}

/** Which v1.0 view an `@odata.context` fragment's entities take, if any. */
export function v1ViewFor(fragment: string): ((entity: Entity) => Entity) | undefined {
  if (/^deviceAppManagement\/mobileApps(\/\$entity)?$/.test(fragment)) return v1App;
  if (/\/assignments(\/\$entity)?$/.test(fragment)) return v1Assignment;
  return undefined;
}

/**
 * The first member of a v1.0 write body that v1.0 does not define, as `path` (e.g. `displayVersion`,
 * `mobileAppAssignments[0].target.deviceAndAppManagementAssignmentFilterId`), or undefined when none.
 * `kind` says what the body is: an app, one assignment, or an `assign` action's list.
 */
export function betaOnlyMemberIn(kind: "app" | "assignment" | "assign", body: unknown): string | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const object = body as Entity;
  if (kind === "app") {
    const writable = betaOnlyAppMembers.filter((name) => !toleratedOnV1Writes.has(name));
    return firstMember(object, writable, "installExperience", betaOnlyInstallExperienceMembers);
  }
  if (kind === "assign") {
    const list = object.mobileAppAssignments;
    if (!Array.isArray(list)) return undefined;
    for (const [index, item] of list.entries()) {
      const found = betaOnlyMemberIn("assignment", item);
      if (found !== undefined) return `mobileAppAssignments[${index}].${found}`;
    }
    return undefined;
  }
  return firstMember(object, betaOnlyAssignmentMembers, "target", betaOnlyTargetMembers);
}

// The first of `members` in `object`, else the first of `innerMembers` in its `inner` object, as a path.
function firstMember(
  object: Entity,
  members: readonly string[],
  inner: string,
  innerMembers: readonly string[],
): string | undefined {
  const member = members.find((name) => name in object);
  if (member !== undefined) return member;
  const nested = object[inner];
  if (nested === null || typeof nested !== "object") return undefined;
  const found = innerMembers.find((name) => name in (nested as Entity));
  return found === undefined ? undefined : `${inner}.${found}`;
}
