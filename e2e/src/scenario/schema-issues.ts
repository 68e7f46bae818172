// Turns TypeBox's raw error list into the few messages a person should read. A failed union reports
// every branch's errors; we keep only the branch the input most resembles, so `do: logn` says
// "must be one of logon, logoff, …" and a misspelt member of an expectation names that member,
// instead of printing every expectation kind's complaints.
import type { TLocalizedValidationError } from "typebox/error";

/** A path into the scenario document: member names and array indexes. */
export type DocumentPath = ReadonlyArray<string | number>;

/** One problem with the input, at a path; `atKey` points at the member's name rather than its value. */
export interface SchemaIssue {
  readonly path: DocumentPath;
  readonly message: string;
  readonly atKey: boolean;
}

/** Converts a JSON pointer (`/apps/0/name`) to path segments (`["apps", 0, "name"]`). */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .split("/")
    .slice(1)
    .map((raw) => raw.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/** Reduces a TypeBox error list to one issue per real problem, resolving unions to their closest branch. */
export function schemaIssues(
  errors: readonly TLocalizedValidationError[],
  rootSchema: object,
): SchemaIssue[] {
  // "boolean" errors repeat each additionalProperties error once per extra member: drop them.
  let remaining: TLocalizedValidationError[] = errors.filter((error) => error.keyword !== "boolean");
  const unions = remaining
    .filter((error) => error.keyword === "anyOf")
    .sort(
      (a, b) => b.schemaPath.length - a.schemaPath.length || b.instancePath.length - a.instancePath.length,
    );
  const synthesized: SchemaIssue[] = [];
  for (const union of unions) {
    const branches = new Map<number, TLocalizedValidationError[]>();
    const prefix = `${union.schemaPath}/anyOf/`;
    for (const error of remaining) {
      if (!error.schemaPath.startsWith(prefix) || !isWithin(error.instancePath, union.instancePath)) continue;
      const index = Number(error.schemaPath.slice(prefix.length).split("/")[0]);
      branches.set(index, [...(branches.get(index) ?? []), error]);
    }
    const all: TLocalizedValidationError[] = [...branches.values()].flat();
    const consumed = new Set<TLocalizedValidationError>([union, ...all]);
    remaining = remaining.filter((error) => !consumed.has(error));
    if (all.length > 0 && all.every((e) => e.keyword === "const" && e.instancePath === union.instancePath)) {
      const allowed = all.map((e) => (e.keyword === "const" ? String(e.params.allowedValue) : ""));
      synthesized.push({
        path: pointerToPath(union.instancePath),
        message: `must be one of ${allowed.join(", ")}`,
        atKey: false,
      });
      continue;
    }
    const discriminator = sharedDiscriminator([...branches.values()], union.instancePath);
    if (discriminator !== undefined) {
      synthesized.push(discriminator);
      continue;
    }
    const best = closestBranch([...branches.values()], union.instancePath);
    if (best === undefined) {
      synthesized.push({
        path: pointerToPath(union.instancePath),
        message: "does not match any allowed form",
        atKey: false,
      });
      continue;
    }
    remaining.push(...best);
  }
  const issues = [...synthesized, ...remaining.flatMap((error) => toIssues(error, rootSchema))];
  return dedupe(issues);
}

function isWithin(instancePath: string, base: string): boolean {
  return instancePath === base || instancePath.startsWith(`${base}/`);
}

/**
 * A tagged union (`do: logon | syncapp | …`) whose every branch rejects the same member's constant:
 * the tag itself is wrong, so list the tags instead of one branch's complaints.
 */
function sharedDiscriminator(
  branches: readonly TLocalizedValidationError[][],
  unionPath: string,
): SchemaIssue | undefined {
  let member: string | undefined;
  const allowed: string[] = [];
  for (const branch of branches) {
    const tag = branch.find(
      (error) =>
        error.keyword === "const" &&
        error.instancePath.startsWith(`${unionPath}/`) &&
        !error.instancePath.slice(unionPath.length + 1).includes("/"),
    );
    if (tag === undefined || tag.keyword !== "const") return undefined;
    if (member !== undefined && member !== tag.instancePath) return undefined;
    member = tag.instancePath;
    allowed.push(String(tag.params.allowedValue));
  }
  if (member === undefined || branches.length < 2) return undefined;
  return { path: pointerToPath(member), message: `must be one of ${allowed.join(", ")}`, atKey: false };
}

/**
 * The branch the input most resembles: a mismatched discriminator (`do: syncapp` against the logon branch)
 * or a member the branch does not know counts heavily; otherwise fewer complaints win.
 */
function closestBranch(
  branches: readonly TLocalizedValidationError[][],
  unionPath: string,
): TLocalizedValidationError[] | undefined {
  let best: TLocalizedValidationError[] | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const branch of branches) {
    let score = 0;
    for (const error of branch) {
      const depth = error.instancePath.split("/").length - unionPath.split("/").length;
      if (error.keyword === "const" && depth === 1) score += 100;
      else if (error.keyword === "type" && depth === 0) score += 50;
      else if (error.keyword === "additionalProperties" && error.instancePath === unionPath)
        score += 10 * error.params.additionalProperties.length;
      else if (error.keyword === "required" && error.instancePath === unionPath)
        score += 10 * error.params.requiredProperties.length;
      else score += 1;
    }
    if (score < bestScore) {
      bestScore = score;
      best = branch;
    }
  }
  return best;
}

function toIssues(error: TLocalizedValidationError, rootSchema: object): SchemaIssue[] {
  const path = pointerToPath(error.instancePath);
  switch (error.keyword) {
    case "required":
      return error.params.requiredProperties.map((name) => ({
        path,
        message: `required member "${name}" is missing`,
        atKey: false,
      }));
    case "additionalProperties":
      return error.params.additionalProperties.map((name) => ({
        path: [...path, name],
        message: `"${name}" is not a known member here`,
        atKey: true,
      }));
    case "pattern":
    case "format": {
      const description = schemaAt(rootSchema, error.schemaPath)?.description;
      const expected =
        typeof description === "string"
          ? description
          : `the form ${error.keyword === "pattern" ? error.params.pattern : error.params.format}`;
      return [{ path, message: `must be ${expected}`, atKey: false }];
    }
    case "enum":
      return [
        {
          path,
          message: `must be one of ${error.params.allowedValues.map(String).join(", ")}`,
          atKey: false,
        },
      ];
    case "const":
      return [{ path, message: `must be ${JSON.stringify(error.params.allowedValue)}`, atKey: false }];
    default:
      return [{ path, message: error.message, atKey: false }];
  }
}

function dedupe(issues: readonly SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${JSON.stringify(issue.path)}|${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The subschema a TypeBox `schemaPath` (`#/properties/apps/items/properties/name`) points at. */
function schemaAt(root: object, schemaPath: string): { description?: unknown } | undefined {
  let node: unknown = root;
  for (const segment of pointerToPath(schemaPath.replace(/^#/, ""))) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node !== null && typeof node === "object" ? (node as { description?: unknown }) : undefined;
}
