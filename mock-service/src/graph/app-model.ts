import { ImesimError } from "@imesim/contracts/errors";
import { parseWin32LobApp, type Win32LobApp } from "@imesim/contracts/graph";
import type { AppRecord, JsonObject } from "../store/records.ts";
import type { Store } from "../store/store.ts";
import { isODataType } from "./odata.ts";
import { graphVisibleBody, keepPolicyOverride, POLICY_OVERRIDE_MEMBER } from "./policy-override.ts";

/** Members the service owns: ignored when a client sends them (graph-win32.md §1.1 read-only). */
const readOnlyMembers = new Set([
  "id",
  "createdDateTime",
  "lastModifiedDateTime",
  "publishingState",
  "isAssigned",
  "uploadState",
  "size",
  "dependentAppCount",
  "supersedingAppCount",
  "supersededAppCount",
  "@odata.context",
  POLICY_OVERRIDE_MEMBER,
]);

/**
 * Checks a win32LobApp create body with the rules the real service applies (graph-win32.md
 * §1.7.3, §1.1) and returns what to store. Throws ImesimError naming the bad member.
 */
export function appFromCreateBody(body: unknown): JsonObject {
  const object = requireObject(body);
  if (object["@odata.type"] === undefined) {
    throw invalid("@odata.type", "A mobileApp needs '@odata.type'; mobileApp is abstract.");
  }
  if (!isODataType(object["@odata.type"], "win32LobApp")) {
    throw invalid(
      "@odata.type",
      `'${String(object["@odata.type"])}' is not a type this service stores; use #microsoft.graph.win32LobApp.`,
    );
  }
  const written = withoutReadOnly(object);
  // fileName is required at create (graph-win32.md §1.1, IntuneGet #203).
  if (typeof written.fileName !== "string" || written.fileName.trim() === "") {
    throw invalid("fileName", "fileName is required.");
  }
  if (written.committedContentVersion !== undefined && written.committedContentVersion !== null) {
    throw invalid(
      "committedContentVersion",
      "committedContentVersion can only be set once content is committed.",
    );
  }
  return parsedForStorage(written);
}

/** The stored body as the contracts' checked win32LobApp (it was stored from `parseWin32LobApp`'s output). */
export function storedApp(app: AppRecord): Win32LobApp {
  return { ...(graphVisibleBody(app.body) as unknown as Win32LobApp), id: app.id };
}

/**
 * Applies a PATCH to a stored app: refuses a type change and an uncommitted content version
 * (graph-win32.md §2.7), then re-checks the rules on the result.
 */
export function appAfterPatch(store: Store, current: AppRecord, patch: unknown): JsonObject {
  const object = requireObject(patch);
  if (object["@odata.type"] !== undefined && !isODataType(object["@odata.type"], "win32LobApp")) {
    throw invalid("@odata.type", "The type of an app cannot be changed.");
  }
  const changes = withoutReadOnly(object);
  const merged: JsonObject = { ...asWritten(graphVisibleBody(current.body)), ...changes };
  // A client switching rule collections replaces the other one rather than conflicting with it.
  if (changes.rules !== undefined && changes.detectionRules === undefined) {
    delete merged.detectionRules;
    delete merged.requirementRules;
  }
  if (
    (changes.detectionRules !== undefined || changes.requirementRules !== undefined) &&
    changes.rules === undefined
  ) {
    delete merged.rules;
  }
  merged["@odata.type"] = "#microsoft.graph.win32LobApp";
  if (object.committedContentVersion !== undefined) {
    const version = object.committedContentVersion;
    const number = typeof version === "string" && /^\d+$/.test(version) ? Number(version) : Number.NaN;
    const files = Number.isNaN(number) ? [] : store.listFiles(current.id, number);
    if (files.length === 0 || files.some((file) => !file.isCommitted)) {
      throw invalid(
        "committedContentVersion",
        `Content version '${String(version)}' has no committed files.`,
      );
    }
  }
  return keepPolicyOverride(current.body, parsedForStorage(merged));
}

/** The app as Graph returns it: stored body plus the service-owned members (graph-win32.md §1.9). */
export function renderApp(store: Store, app: AppRecord): Record<string, unknown> {
  const committed = app.body.committedContentVersion;
  const committedVersion = typeof committed === "string" ? Number(committed) : Number.NaN;
  const size = Number.isNaN(committedVersion)
    ? 0
    : store.listFiles(app.id, committedVersion).reduce((total, file) => total + file.sizeEncrypted, 0);
  const published = !Number.isNaN(committedVersion);
  return {
    "@odata.type": "#microsoft.graph.win32LobApp",
    id: app.id,
    ...graphVisibleBody(app.body),
    createdDateTime: app.createdAt,
    lastModifiedDateTime: app.modifiedAt,
    publishingState: published ? "published" : "notPublished",
    isAssigned: store.listAssignments(app.id).length > 0,
    uploadState: published ? 1 : 0,
    committedContentVersion: typeof committed === "string" ? committed : null,
    size,
    roleScopeTagIds: Array.isArray(app.body.roleScopeTagIds) ? app.body.roleScopeTagIds : ["0"],
    dependentAppCount: 0,
    supersedingAppCount: 0,
    supersededAppCount: 0,
  };
}

/** True once the app has committed content (it may then be assigned, graph-win32.md §3.3). */
export function isPublished(app: AppRecord): boolean {
  return typeof app.body.committedContentVersion === "string";
}

/**
 * Checks the body with the service's rules (contracts `parseWin32LobApp`: schema, `rules` xor the
 * legacy collections, at least one detection rule) and returns its normalized form for storage.
 */
function parsedForStorage(written: JsonObject): JsonObject {
  const parsed = parseWin32LobApp({ ...written, "@odata.type": "#microsoft.graph.win32LobApp" });
  return JSON.parse(JSON.stringify(parsed)) as JsonObject;
}

/**
 * The stored body as the client wrote it: when the client used the legacy collections, the
 * unified `rules` the parser derived are dropped again, so re-checking does not see both.
 */
function asWritten(body: JsonObject): JsonObject {
  const { rules, ...rest } = body;
  const legacy = body.detectionRules !== undefined || body.requirementRules !== undefined;
  return legacy ? rest : { ...rest, rules: rules ?? null };
}

function requireObject(body: unknown): JsonObject {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalid("", "The request body must be a JSON object.");
  }
  return body as JsonObject;
}

function withoutReadOnly(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !readOnlyMembers.has(key)));
}

function invalid(member: string, message: string): ImesimError {
  return new ImesimError("GRAPH_MODEL_VALIDATION", message, { path: member });
}
