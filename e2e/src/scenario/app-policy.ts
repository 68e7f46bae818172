// One way from any app form to what the device receives: short → Graph body → (contracts/graph)
// graphAppToImePolicy; Graph body → the same; a pasted policy → (contracts/ime) decodePolicy.
import { Intent, TargetType } from "@imesim/contracts/enums";
import {
  graphAppToImePolicy,
  type MobileAppAssignment,
  parseMobileAppAssignment,
  parseWin32LobApp,
  type Win32LobApp,
} from "@imesim/contracts/graph";
import { type DecodedImePolicy, decodePolicy, type FlatDependency } from "@imesim/contracts/ime";
import { parseDuration } from "./duration.ts";
import type { AppDefinition, Assignment } from "./schema.ts";
import { shortAppToGraph } from "./short-app.ts";
import { stableGuid } from "./stable-id.ts";

const ALL_DEVICES = "#microsoft.graph.allDevicesAssignmentTarget";
const ALL_USERS = "#microsoft.graph.allLicensedUsersAssignmentTarget";
const GROUP = "#microsoft.graph.groupAssignmentTarget";

/** The group a `user:<name>` target assigns to: one group per scenario user, with a stable id. */
export function userGroupId(userName: string): string {
  return stableGuid("group", userName);
}

/** The assignments of an app; a pasted policy without any is delivered as its own Intent/TargetType say. */
export function assignmentsOf(definition: AppDefinition, policy: DecodedImePolicy | undefined): Assignment[] {
  if (definition.assignments !== undefined) return definition.assignments;
  if (policy === undefined) return [];
  const intent =
    policy.Intent === Intent.Available
      ? "available"
      : policy.Intent === Intent.Uninstall
        ? "uninstall"
        : "required";
  return [{ intent, target: policy.TargetType === TargetType.User ? "allUsers" : "allDevices" }];
}

/** A scenario assignment as the Graph mobileAppAssignment an admin would POST (graph-win32.md §3). */
export function graphAssignmentOf(assignment: Assignment): MobileAppAssignment {
  const target = assignment.target ?? "allDevices";
  const filterId = assignment.filteredOut === true ? stableGuid("filter", "excludes-device") : null;
  const restart = assignment.restartSettings;
  return parseMobileAppAssignment({
    "@odata.type": "#microsoft.graph.mobileAppAssignment",
    intent: assignment.intent,
    target: {
      "@odata.type": target === "allDevices" ? ALL_DEVICES : target === "allUsers" ? ALL_USERS : GROUP,
      ...(target.startsWith("user:") ? { groupId: userGroupId(target.slice(5)) } : {}),
      deviceAndAppManagementAssignmentFilterId: filterId,
      deviceAndAppManagementAssignmentFilterType: filterId === null ? "none" : "include",
    },
    settings: {
      "@odata.type": "#microsoft.graph.win32LobAppAssignmentSettings",
      notifications: assignment.notifications ?? "showAll",
      deliveryOptimizationPriority: assignment.deliveryOptimizationPriority ?? "notConfigured",
      installTimeSettings: null,
      restartSettings:
        restart === undefined
          ? null
          : {
              gracePeriodInMinutes: minutes(restart.gracePeriod),
              countdownDisplayBeforeRestartInMinutes:
                restart.countdown === undefined ? 15 : minutes(restart.countdown),
              restartNotificationSnoozeDurationInMinutes:
                restart.snooze === undefined ? null : minutes(restart.snooze),
            },
    },
  });
}

function minutes(duration: string): number {
  return Math.max(1, Math.round(parseDuration(duration) / 60_000));
}

/** The Graph app of a graph- or short-form app (checked by contracts/graph), or undefined for a pasted policy. */
export function graphAppOf(
  definition: AppDefinition,
  id: string,
  setupFile: string | undefined,
  path: string,
): Win32LobApp | undefined {
  if (definition.graph !== undefined) return parseWin32LobApp({ ...definition.graph, id }, `${path}.graph`);
  if (definition.short !== undefined)
    return parseWin32LobApp(
      shortAppToGraph(definition.name, id, definition.short, setupFile),
      `${path}.short`,
    );
  return undefined;
}

/** What the device receives for one assignment of the app. */
export function policyFor(
  app: {
    readonly id: string;
    readonly graphApp: Win32LobApp | undefined;
    readonly pastedPolicy: DecodedImePolicy | undefined;
  },
  assignment: Assignment,
  options: { version?: number; flatDependencies?: FlatDependency[] | null } = {},
): DecodedImePolicy {
  const graphAssignment = graphAssignmentOf(assignment);
  const targetType = assignment.target?.startsWith("user:") ? "user" : "device";
  if (app.graphApp !== undefined) {
    const policy = graphAppToImePolicy(app.graphApp, graphAssignment, { targetType, ...options });
    return assignment.filteredOut === true
      ? { ...policy, AppApplicabilityStateDueToAssginmentFilters: 1010 }
      : policy;
  }
  if (app.pastedPolicy === undefined) throw new Error(`app ${app.id} has neither a Graph body nor a policy`);
  const intent = { required: Intent.Required, available: Intent.Available, uninstall: Intent.Uninstall }[
    assignment.intent
  ];
  return {
    ...app.pastedPolicy,
    Id: app.id,
    Intent: intent,
    TargetType:
      assignment.target === undefined || assignment.target === "allDevices"
        ? TargetType.Device
        : TargetType.User,
    ...(options.flatDependencies === undefined ? {} : { FlatDependencies: options.flatDependencies }),
    ...(assignment.filteredOut === true ? { AppApplicabilityStateDueToAssginmentFilters: 1010 } : {}),
  };
}

/** Decodes a pasted policy object (contracts/ime), errors naming e.g. `apps[1].policy.InstallEx.RunAs`. */
export function decodePastedPolicy(
  policy: Readonly<Record<string, unknown>>,
  path: string,
): DecodedImePolicy {
  return decodePolicy(policy, `${path}.policy`);
}
