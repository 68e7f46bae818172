import { Intent, TargetType } from "@imesim/contracts/enums";
import { isImesimError } from "@imesim/contracts/errors";
import {
  flattenRelationships,
  graphAppToImePolicy,
  type MobileAppRelationship,
} from "@imesim/contracts/graph";
import type { DecodedImePolicy } from "@imesim/contracts/ime";
import { deviceCache } from "../device-cache.ts";
import { isPublished, storedApp } from "../graph/app-model.ts";
import {
  allDevicesGroupId,
  allUsersGroupId,
  assignmentTarget,
  storedAssignment,
} from "../graph/assignment-model.ts";
import { deliveredPolicy } from "../graph/policy-override.ts";
import type { AppRecord, AssignmentRecord } from "../store/records.ts";
import type { Store } from "../store/store.ts";
import { filterApplicability } from "./filter-applicability.ts";

/** The policy JSON's InstallContext as devices receive it (ime.md §11a Other). */
const POLICY_INSTALL_CONTEXT = 1;

/** Which app list a gateway request asks for (ime.md §3.1 item 5). */
export type AppListKind = "required" | "available" | "selected";

/** One app that reaches a device, with the assignment that brings it and how it is targeted. */
export interface TargetedApp {
  readonly app: AppRecord;
  readonly assignment: AssignmentRecord;
  readonly targetType: "device" | "user";
}

// When several assignments bring one app, the strongest intent wins (required over uninstall over
// available), device targeting before user targeting. Real Intune's conflict rules are richer; this
// order is the mock's choice.
const intentRank: Record<string, number> = { required: 0, uninstall: 1, available: 2 };

/** What every device's lists are derived from, read once per store generation (shared, so only read). */
interface PolicyInputs {
  readonly generation: number;
  /** Every assignment grouped by app id, apps in the order of their first assignment (rowid). */
  readonly assignmentsByApp: ReadonlyMap<string, readonly AssignmentRecord[]>;
  readonly apps: Map<string, AppRecord | undefined>;
  readonly relationships: Map<string, readonly MobileAppRelationship[]>;
  /** Each distinct policy a list carries, made once (see SharedPolicy); undefined: the app has no IME policy. */
  readonly policies: Map<string, SharedPolicy | undefined>;
  /** Each distinct list, by the numbers of its policies in order: devices whose lists match share one array. */
  readonly lists: ReturnType<typeof deviceCache<readonly DecodedImePolicy[]>>;
}

/**
 * One policy as lists carry it, numbered in the order first made. It is a function of the app, the assignment, how
 * the assignment reaches the device, the filter outcome and whether the app comes along through an edge, all read
 * within one generation: a fleet's devices share their assignments, and converting every app for every device was
 * most of an app list's cost. The per-device part (groups, filter outcome) is still worked out per device.
 */
interface SharedPolicy {
  readonly number: number;
  readonly policy: DecodedImePolicy;
}

// Distinct lists kept per generation: one per assignment set and filter outcome, a few per tenant.
const SHARED_LISTS = 256;

// Per store: a fleet's devices all ask for lists made of the same few apps and assignments, and reading them
// from SQLite (and parsing their JSON) per device and check-in was most of the mock's share of a policy request.
// A write of any policy input bumps the store's generation, which starts the reading over.
const policyInputs = new WeakMap<Store, PolicyInputs>();

function inputsOf(store: Store): PolicyInputs {
  const known = policyInputs.get(store);
  if (known !== undefined && known.generation === store.generation) return known;
  const assignmentsByApp = new Map<string, AssignmentRecord[]>();
  for (const assignment of store.listAllAssignments()) {
    const list = assignmentsByApp.get(assignment.appId) ?? [];
    list.push(assignment);
    assignmentsByApp.set(assignment.appId, list);
  }
  const inputs: PolicyInputs = {
    generation: store.generation,
    assignmentsByApp,
    apps: new Map(),
    relationships: new Map(),
    policies: new Map(),
    lists: deviceCache<readonly DecodedImePolicy[]>(SHARED_LISTS),
  };
  policyInputs.set(store, inputs);
  return inputs;
}

/** The app with this id (as the store matches it, case-insensitively), read once per generation. */
function appOf(store: Store, id: string): AppRecord | undefined {
  const { apps } = inputsOf(store);
  if (apps.has(id)) return apps.get(id);
  const app = store.getApp(id);
  apps.set(id, app);
  return app;
}

/** An app's relationships, read once per generation. */
function relationshipsOf(store: Store): (appId: string) => readonly MobileAppRelationship[] {
  const { relationships } = inputsOf(store);
  return (appId) => {
    const known = relationships.get(appId);
    if (known !== undefined) return known;
    const read = store.listRelationships(appId) as unknown as readonly MobileAppRelationship[];
    relationships.set(appId, read);
    return read;
  };
}

/**
 * The apps assigned to a device (and, when given, its signed-in user): group memberships, the
 * all-devices/all-users targets and exclusions applied, published apps only, one assignment per app.
 */
export function targetedApps(store: Store, deviceId: string, userId: string | undefined): TargetedApp[] {
  const deviceGroups = store.groupsOf([deviceId]);
  deviceGroups.add(allDevicesGroupId);
  const userGroups = userId === undefined ? new Set<string>() : store.groupsOf([userId]);
  if (userId !== undefined) userGroups.add(allUsersGroupId);

  const result: TargetedApp[] = [];
  for (const [appId, assignments] of inputsOf(store).assignmentsByApp) {
    const excluded = assignments.some((assignment) => {
      const { groupId, exclusion } = assignmentTarget(assignment);
      return exclusion && (deviceGroups.has(groupId) || userGroups.has(groupId));
    });
    if (excluded) continue;
    const candidates: TargetedApp[] = [];
    for (const assignment of assignments) {
      const { groupId: group, exclusion } = assignmentTarget(assignment);
      if (exclusion) continue;
      const targetType = deviceGroups.has(group) ? "device" : userGroups.has(group) ? "user" : undefined;
      if (targetType === undefined) continue;
      const app = appOf(store, appId);
      if (app === undefined || !isPublished(app)) continue;
      candidates.push({ app, assignment, targetType });
    }
    candidates.sort(
      (a, b) =>
        (intentRank[String(a.assignment.body.intent)] ?? 9) -
          (intentRank[String(b.assignment.body.intent)] ?? 9) ||
        (a.targetType === "device" ? 0 : 1) - (b.targetType === "device" ? 0 : 1),
    );
    const chosen = candidates[0];
    if (chosen !== undefined) result.push(chosen);
  }
  return result;
}

/**
 * The IME policies of one app list. Required lists carry required and uninstall intents; the
 * available list the available ones; the ESP "selected" list is the device-targeted required apps
 * (the mock has no ESP profile to select from, so it takes what ESP would track). Apps whose
 * settings have no IME equivalent are left out rather than failing the whole check-in.
 * Devices whose lists are made of the same policies get the same (shared, read-only) array.
 */
export function policiesFor(
  store: Store,
  deviceId: string,
  userId: string | undefined,
  kind: AppListKind,
): readonly DecodedImePolicy[] {
  const wanted = (targeted: TargetedApp): boolean => {
    const intent = String(targeted.assignment.body.intent);
    if (kind === "required") return intent === "required" || intent === "uninstall";
    if (kind === "available") return intent === "available";
    return intent === "required" && targeted.targetType === "device";
  };
  const inputs = inputsOf(store);
  const relationships = relationshipsOf(store);
  const chosen = reachOf(store, deviceId, userId).targeted.filter(wanted);
  const listed = new Set(chosen.map((targeted) => targeted.app.id));
  const shared = (
    targeted: TargetedApp,
    app: AppRecord,
    filtered: 1010 | null,
    related: boolean,
  ): SharedPolicy | undefined => {
    const key = `${app.id}|${targeted.assignment.id}|${targeted.targetType}|${filtered ?? ""}|${related ? "edge" : ""}`;
    if (inputs.policies.has(key)) return inputs.policies.get(key);
    let made: SharedPolicy | undefined;
    try {
      const derived = graphAppToImePolicy(storedApp(app), storedAssignment(targeted.assignment), {
        targetType: targeted.targetType,
        flatDependencies: flattenRelationships(app.id, relationships),
      });
      // The policy JSON's InstallContext was 1 in every sample seen, on system apps too (ime.md §11a Other, S10:
      // "InstallContext 1 always"); it is not the state messages' InstallContext, which the IME takes from RunAs.
      // A pasted policy is served as given.
      const delivered = deliveredPolicy(app, { ...derived, InstallContext: POLICY_INSTALL_CONTEXT });
      const policy =
        filtered === null
          ? delivered
          : { ...delivered, AppApplicabilityStateDueToAssginmentFilters: filtered };
      // Apps reached only through a dependency or supersedence edge come along, not targeted
      // themselves: Intent 0, Targeted 0, TargetType 0 (ime.md §2.2, §2.8).
      made = {
        number: inputs.policies.size,
        policy: related
          ? { ...policy, Intent: Intent.NotTargeted, Targeted: 0, TargetType: TargetType.None }
          : policy,
      };
    } catch (error) {
      if (!isImesimError(error)) throw error;
      made = undefined;
    }
    inputs.policies.set(key, made);
    return made;
  };
  const convert = (targeted: TargetedApp, app: AppRecord, related: boolean): SharedPolicy | undefined => {
    let filtered: 1010 | null;
    try {
      filtered = filterApplicability(store, deviceId, targeted.assignment);
    } catch (error) {
      if (!isImesimError(error)) throw error;
      return undefined;
    }
    return shared(targeted, app, filtered, related);
  };
  const policies: DecodedImePolicy[] = [];
  const numbers: number[] = [];
  for (const targeted of chosen) {
    const made = convert(targeted, targeted.app, false);
    if (made === undefined) continue;
    policies.push(made.policy);
    numbers.push(made.number);
    for (const edge of made.policy.FlatDependencies ?? []) {
      if (listed.has(edge.ChildId)) continue;
      const child = appOf(store, edge.ChildId);
      if (child === undefined || !isPublished(child)) continue;
      const related = convert(targeted, child, true);
      if (related === undefined) continue;
      listed.add(child.id);
      policies.push(related.policy);
      numbers.push(related.number);
    }
  }
  const key = numbers.join(",");
  const known = inputs.lists.get(key);
  if (known !== undefined) return known;
  inputs.lists.set(key, policies);
  return policies;
}

// Per store, by device and user: a device asks for its app list, reports each app's result and asks for each app's
// content, and every one of those calls worked out its targeted apps by reading its groups from SQLite and walking
// the assignments again. Kept for one generation (any policy input, group membership included, bumps it) and
// bounded like the other per-device caches; the app list and the reachable set share one reading (issue 18).
interface DeviceReach {
  readonly targeted: readonly TargetedApp[];
  /** Made from `targeted` when first asked for. */
  ids: Set<string> | undefined;
}
const reaches = new WeakMap<
  Store,
  { generation: number; devices: ReturnType<typeof deviceCache<DeviceReach>> }
>();

function reachOf(store: Store, deviceId: string, userId: string | undefined): DeviceReach {
  let known = reaches.get(store);
  if (known === undefined || known.generation !== store.generation) {
    known = { generation: store.generation, devices: deviceCache<DeviceReach>() };
    reaches.set(store, known);
  }
  const key = `${deviceId}|${userId ?? ""}`;
  let reach = known.devices.get(key);
  if (reach === undefined) {
    reach = { targeted: targetedApps(store, deviceId, userId), ids: undefined };
    known.devices.set(key, reach);
  }
  return reach;
}

/**
 * Ids (lower case) of the apps a device may see: those assigned to it or its user, and those
 * reached from them through dependency or supersedence edges. GetContentInfo and status reports
 * are limited to these.
 */
export function reachableAppIds(
  store: Store,
  deviceId: string,
  userId: string | undefined,
): ReadonlySet<string> {
  const reach = reachOf(store, deviceId, userId);
  reach.ids ??= idsOf(store, reach.targeted);
  return reach.ids;
}

function idsOf(store: Store, targeted: readonly TargetedApp[]): Set<string> {
  const relationships = relationshipsOf(store);
  const ids = new Set<string>();
  for (const { app } of targeted) {
    ids.add(app.id.toLowerCase());
    for (const edge of flattenRelationships(app.id, relationships) ?? []) ids.add(edge.ChildId.toLowerCase());
  }
  return ids;
}
