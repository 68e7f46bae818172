import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { RelationAction, RelationType } from "../enums/index.ts";
import type { FlatDependency } from "../ime/index.ts";
import { assertSchema, coerceLenient } from "../schema/index.ts";
import { DEPENDENCY_TYPES, GraphContractErrorCode, ODataType, SUPERSEDENCE_TYPES } from "./graph-enums.ts";

/** A relationship as clients write it with `updateRelationships` (graph-win32.md §1.8). */
export const MobileAppRelationshipSchema = Type.Union([
  Type.Object({
    "@odata.type": Type.Literal(ODataType.MobileAppDependency),
    targetId: Type.String(),
    dependencyType: Type.Enum(DEPENDENCY_TYPES),
  }),
  Type.Object({
    "@odata.type": Type.Literal(ODataType.MobileAppSupersedence),
    targetId: Type.String(),
    supersedenceType: Type.Enum(SUPERSEDENCE_TYPES),
  }),
]);
export type MobileAppRelationship = Static<typeof MobileAppRelationshipSchema>;

const relationshipChecker = Compile(MobileAppRelationshipSchema);

/** Checks one relationship body (lenient on casing and `#`). */
export function parseMobileAppRelationship(body: unknown, path = ""): MobileAppRelationship {
  const coerced = coerceLenient(MobileAppRelationshipSchema, body);
  assertSchema(relationshipChecker, coerced, {
    code: GraphContractErrorCode.Invalid,
    what: "relationship",
    path,
  });
  return coerced;
}

/** The IME's FlatDependencies Action of a relationship (ime.md §2.8). */
export function relationAction(relationship: MobileAppRelationship): RelationAction {
  if ("dependencyType" in relationship) {
    return relationship.dependencyType === "autoInstall"
      ? RelationAction.AutoInstall
      : RelationAction.DetectOnly;
  }
  return relationship.supersedenceType === "replace"
    ? RelationAction.SupersedeReplace
    : RelationAction.SupersedeUpdate;
}

/**
 * Flattens the relationship graph below `rootAppId` into the policy's FlatDependencies (ime.md §2.8):
 * one item per edge, `AppId` the parent (for supersedence, the superseding app), `ChildId` the target,
 * `Level` the edge's depth from the root (0 for the root's own edges [I]). Each edge is listed once even
 * when the graph reaches it twice; cycles are not followed. Returns null when there are no edges, as the
 * real policy does.
 */
export function flattenRelationships(
  rootAppId: string,
  relationshipsOf: (appId: string) => readonly MobileAppRelationship[],
): FlatDependency[] | null {
  const items: FlatDependency[] = [];
  const visited = new Set<string>([rootAppId]);
  let frontier = [rootAppId];
  for (let level = 0; frontier.length > 0; level++) {
    const next: string[] = [];
    for (const appId of frontier) {
      for (const relationship of relationshipsOf(appId)) {
        items.push({
          Action: relationAction(relationship),
          AppId: appId,
          ChildId: relationship.targetId,
          Type: "dependencyType" in relationship ? RelationType.Dependency : RelationType.Supersedence,
          Level: level,
        });
        if (!visited.has(relationship.targetId)) {
          visited.add(relationship.targetId);
          next.push(relationship.targetId);
        }
      }
    }
    frontier = next;
  }
  return items.length === 0 ? null : items;
}
