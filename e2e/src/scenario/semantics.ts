// The checks a schema cannot express: names that must exist or be unique, exactly one app form,
// pasted policy text that must parse, package paths that must exist, regular expressions that must
// compile, registry data that must fit its type. Each problem is reported at its YAML path.
import { resolve } from "node:path";
import { isImesimError } from "@imesim/contracts/errors";
import type { Win32LobApp } from "@imesim/contracts/graph";
import type { DecodedImePolicy } from "@imesim/contracts/ime";
import { assignmentsOf, decodePastedPolicy, graphAppOf, policyFor } from "./app-policy.ts";
import { parseDuration } from "./duration.ts";
import type { PathProbe } from "./loader.ts";
import type { AppForm, LoadedApp, LoadedUser, ResolvedPackage, TimedAction } from "./model.ts";
import type { AppDefinition, RegistryEntry, ScenarioFile } from "./schema.ts";
import type { DocumentPath } from "./schema-issues.ts";
import { sidFromObjectId, stableGuid } from "./stable-id.ts";
import { parsePath } from "./yaml-position.ts";

type Report = (path: DocumentPath, message: string, atKey?: boolean) => void;

interface Context {
  readonly baseDir: string;
  readonly probe: PathProbe;
  readonly report: Report;
}

/** Resolves names, ids, packages and times, reporting every inconsistency through `context.report`. */
export function resolveScenario(
  scenario: ScenarioFile,
  context: Context,
): { users: LoadedUser[]; apps: LoadedApp[]; actions: TimedAction[] } {
  const { report } = context;
  const users = resolveUsers(scenario, report);
  const userNames = new Set(users.map((user) => user.name));
  const apps = resolveApps(scenario, context, userNames);
  const appNames = new Set(apps.map((app) => app.name));

  const checkApp = (path: DocumentPath, name: string | undefined) => {
    if (name !== undefined && !appNames.has(name)) report(path, `no app named "${name}" in apps`);
  };
  const checkUser = (path: DocumentPath, name: string | undefined) => {
    if (name !== undefined && !userNames.has(name)) report(path, `no user named "${name}" in device.users`);
  };

  (scenario.apps ?? []).forEach((app, i) => {
    app.dependencies?.forEach((dep, j) => {
      checkApp(["apps", i, "dependencies", j, "app"], dep.app);
      if (dep.app === app.name)
        report(["apps", i, "dependencies", j, "app"], "an app cannot depend on itself");
    });
    app.supersedes?.forEach((sup, j) => {
      checkApp(["apps", i, "supersedes", j, "app"], sup.app);
      if (sup.app === app.name) report(["apps", i, "supersedes", j, "app"], "an app cannot supersede itself");
    });
  });
  scenario.installers?.forEach((installer, i) => {
    checkApp(["installers", i, "app"], installer.app);
    checkPattern(["installers", i, "match"], installer.match, report);
  });
  scenario.scripts?.forEach((script, i) => {
    checkApp(["scripts", i, "app"], script.app);
  });
  scenario.faults?.forEach((fault, i) => {
    checkApp(["faults", i, "app"], fault.app);
    if (fault.retryAfter !== undefined && fault.status !== 429)
      report(["faults", i, "retryAfter"], "retryAfter needs status: 429", true);
    const effects = (
      ["status", "latency", "dropAfterBytes", "corruptByteAt", "truncateAt", "expireToken"] as const
    ).filter((effect) => fault[effect] !== undefined);
    if (effects.length !== 1)
      report(
        ["faults", i],
        effects.length === 0
          ? "give one effect: status, latency, dropAfterBytes, corruptByteAt, truncateAt or expireToken"
          : `give one effect per fault, not ${effects.join(" and ")}`,
      );
    if (fault.requestContentType !== undefined && fault.route !== "gateway")
      report(["faults", i, "requestContentType"], "requestContentType applies only to route: gateway", true);
  });
  for (const [i, entry] of (scenario.device?.registry ?? []).entries()) {
    checkRegistryEntry(["device", "registry", i], entry, report);
  }

  const durationMs = parseDuration(scenario.duration);
  const actions: TimedAction[] = [];
  scenario.actions?.forEach((action, i) => {
    const atMs = parseDuration(action.at);
    if (atMs > durationMs)
      report(["actions", i, "at"], `is after the end of the scenario (duration ${scenario.duration})`);
    if ("app" in action) checkApp(["actions", i, "app"], action.app);
    if ("user" in action) checkUser(["actions", i, "user"], action.user);
    if (action.do === "requestInstall") {
      const target = (scenario.apps ?? []).find((app) => app.name === action.app);
      if (target !== undefined && !target.assignments?.some((a) => a.intent === "available"))
        report(
          ["actions", i, "app"],
          `"${action.app}" has no available assignment, so it cannot be requested`,
        );
    }
    if (action.do === "setRegistry")
      for (const [j, entry] of action.entries.entries())
        checkRegistryEntry(["actions", i, "entries", j], entry, report);
    actions.push({ ...action, atMs });
  });
  actions.sort((a, b) => a.atMs - b.atMs);

  scenario.expect?.forEach((expectation, i) => {
    if ("app" in expectation) {
      checkApp(["expect", i, "app"], expectation.app);
      checkUser(["expect", i, "user"], expectation.user);
    }
    if ("service" in expectation) checkApp(["expect", i, "service"], expectation.service);
    if ("matches" in expectation && expectation.matches !== undefined)
      checkPattern(["expect", i, "matches"], `/${expectation.matches}/`, report);
    if ("log" in expectation && expectation.contains === undefined && expectation.matches === undefined)
      report(["expect", i], "a log expectation needs contains or matches");
    const device = expectation.device;
    if (device !== undefined && device > (scenario.devices ?? 1) && scenario.devices !== undefined)
      report(["expect", i, "device"], `there are only ${scenario.devices} devices`);
  });
  return { users, apps, actions };
}

function resolveUsers(scenario: ScenarioFile, report: Report): LoadedUser[] {
  const seen = new Set<string>();
  return (scenario.device?.users ?? []).map((user, i) => {
    if (seen.has(user.name)) report(["device", "users", i, "name"], `user "${user.name}" is declared twice`);
    seen.add(user.name);
    const objectId = user.objectId ?? stableGuid("user", user.name);
    return {
      name: user.name,
      objectId,
      sid: user.sid ?? sidFromObjectId(objectId),
      loggedOn: user.loggedOn ?? false,
    };
  });
}

function resolveApps(scenario: ScenarioFile, context: Context, userNames: ReadonlySet<string>): LoadedApp[] {
  const { report } = context;
  const names = new Set<string>();
  const ids = new Set<string>();
  return (scenario.apps ?? []).map((app, i) => {
    if (names.has(app.name)) report(["apps", i, "name"], `app "${app.name}" is declared twice`);
    names.add(app.name);
    const forms = (["graph", "policy", "short"] as const).filter((form) => app[form] !== undefined);
    if (forms.length !== 1)
      report(
        ["apps", i],
        forms.length === 0
          ? "give the app as graph, policy or short"
          : `give only one of ${forms.join(", ")}`,
      );
    const form: AppForm = forms[0] ?? "short";
    const policy = form === "policy" ? parsePolicy(app.policy, ["apps", i, "policy"], report) : undefined;
    // Derived from the scenario's name and the app's, so two runs of a scenario give the same registry keys,
    // GRS keys and IMECache folders, and two scenarios' apps of one name do not collide in one service.
    const id = app.id ?? policyId(policy) ?? stableGuid("app", `${scenario.name}/${app.name}`);
    if (ids.has(id.toLowerCase())) report(["apps", i, "id"], `app id ${id} is used twice`);
    ids.add(id.toLowerCase());
    app.assignments?.forEach((assignment, j) => {
      const user = assignment.target?.startsWith("user:") ? assignment.target.slice(5) : undefined;
      if (user !== undefined && !userNames.has(user))
        report(["apps", i, "assignments", j, "target"], `no user named "${user}" in device.users`);
    });
    const resolvedPackage = resolvePackage(app, ["apps", i, "package"], context);
    const converted = convertApp(app, i, id, form, policy, resolvedPackage, report);
    return {
      name: app.name,
      id,
      form,
      definition: app,
      graphApp: converted.graphApp,
      pastedPolicy: converted.pastedPolicy,
      assignments: assignmentsOf(app, converted.pastedPolicy),
      package: resolvedPackage,
    };
  });
}

/**
 * Runs the app through the same conversion the service will (contracts/graph, contracts/ime) for each
 * assignment, so a bad Graph body or pasted policy is reported now, at its YAML line.
 */
function convertApp(
  app: AppDefinition,
  index: number,
  id: string,
  form: AppForm,
  policy: Readonly<Record<string, unknown>> | undefined,
  resolvedPackage: ResolvedPackage | undefined,
  report: Report,
): { graphApp: Win32LobApp | undefined; pastedPolicy: DecodedImePolicy | undefined } {
  const base = `apps[${index}]`;
  let graphApp: Win32LobApp | undefined;
  let pastedPolicy: DecodedImePolicy | undefined;
  try {
    if (form === "policy") {
      if (policy === undefined) return { graphApp, pastedPolicy };
      pastedPolicy = decodePastedPolicy(policy, base);
    } else {
      const setupFile = resolvedPackage?.kind === "files" ? resolvedPackage.setupFile : undefined;
      graphApp = graphAppOf(app, id, setupFile, base);
    }
    for (const assignment of assignmentsOf(app, pastedPolicy))
      policyFor({ id, graphApp, pastedPolicy }, assignment);
  } catch (error) {
    if (!isImesimError(error)) throw error;
    const where = error.path === undefined || error.path === "" ? `${base}.${form}` : error.path;
    const path = where.startsWith("apps[") ? where : `${base}.${form}.${where}`;
    report(parsePath(path), error.message);
  }
  return { graphApp, pastedPolicy };
}

function policyId(policy: Readonly<Record<string, unknown>> | undefined): string | undefined {
  return typeof policy?.Id === "string" ? policy.Id : undefined;
}

/**
 * Accepts a policy as an object, as JSON text of one policy, of a one-element array, or as the whole
 * `Get policies = [...]` message copied from AppWorkload.log (ime.md §1.3.1, §2.1).
 */
function parsePolicy(
  value: AppDefinition["policy"],
  path: DocumentPath,
  report: Report,
): Readonly<Record<string, unknown>> | undefined {
  let parsed: unknown = value;
  if (typeof value === "string") {
    const text = value.trim().replace(/^Get policies\s*=\s*/, "");
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      report(path, `is not valid policy JSON: ${(cause as Error).message}`);
      return undefined;
    }
  }
  if (Array.isArray(parsed)) {
    if (parsed.length !== 1) {
      report(path, `holds ${parsed.length} policies; give one policy per app`);
      return undefined;
    }
    parsed = parsed[0];
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    report(path, "must be one IME policy object");
    return undefined;
  }
  return parsed as Record<string, unknown>;
}

function resolvePackage(
  app: AppDefinition,
  path: DocumentPath,
  context: Context,
): ResolvedPackage | undefined {
  const source = app.package;
  if (source === undefined) return undefined;
  if ("folder" in source) {
    const absolute = resolve(context.baseDir, source.folder);
    if (context.probe.kind(absolute) !== "directory")
      context.report([...path, "folder"], `folder ${absolute} does not exist`);
    return { kind: "folder", path: absolute };
  }
  if ("intunewin" in source) {
    const absolute = resolve(context.baseDir, source.intunewin);
    if (context.probe.kind(absolute) !== "file")
      context.report([...path, "intunewin"], `file ${absolute} does not exist`);
    return { kind: "intunewin", path: absolute };
  }
  if (Object.keys(source.files).length === 0) context.report([...path, "files"], "lists no files");
  if (source.setupFile !== undefined && !Object.hasOwn(source.files, source.setupFile))
    context.report([...path, "setupFile"], `"${source.setupFile}" is not one of the package files`);
  return { kind: "files", files: source.files, setupFile: source.setupFile };
}

function checkPattern(path: DocumentPath, text: string, report: Report): void {
  const match = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (match === null) return;
  try {
    new RegExp(match[1] ?? "", match[2]);
  } catch (cause) {
    report(path, `is not a valid regular expression: ${(cause as Error).message}`);
  }
}

function checkRegistryEntry(path: DocumentPath, entry: RegistryEntry, report: Report): void {
  if (entry.name === undefined) {
    if (entry.type !== undefined || entry.data !== undefined)
      report([...path, "name"], 'a value needs a name (use "" for (default))');
    return;
  }
  const type =
    entry.type ??
    (typeof entry.data === "number" ? "REG_DWORD" : Array.isArray(entry.data) ? "REG_MULTI_SZ" : "REG_SZ");
  const data = entry.data;
  const wrong = (expected: string) => report([...path, "data"], `${type} data must be ${expected}`);
  switch (type) {
    case "REG_DWORD":
      if (typeof data !== "number" || data < 0 || data > 0xffffffff) wrong("an integer from 0 to 4294967295");
      break;
    case "REG_QWORD":
      if (!(typeof data === "number" || (typeof data === "string" && /^\d+$/.test(data))))
        wrong("an integer");
      break;
    case "REG_MULTI_SZ":
      if (!Array.isArray(data)) wrong("a list of strings");
      break;
    case "REG_BINARY":
      if (typeof data !== "string" || !/^([0-9a-fA-F]{2}(,|\s)?)*$/.test(data))
        wrong("hex bytes, e.g. 01,ff,2a");
      break;
    default:
      if (typeof data !== "string" && data !== undefined) wrong("a string");
  }
}
