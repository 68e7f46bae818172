// The app definition `imesim test --app` reads: a Graph win32LobApp body (JSON, as admins POST it), an IME
// policy pasted from a log (one object, an array of one, or the `Get policies = [...]` line), or the
// scenario short form (YAML or JSON with `install` and `detection`). All become the IME policy to lint.
import { readFileSync } from "node:fs";
import { ImesimError, isImesimError } from "@imesim/contracts/errors";
import { parseWin32LobApp, type Win32LobApp } from "@imesim/contracts/graph";
import { type DecodedImePolicy, decodePolicy } from "@imesim/contracts/ime";
import { Compile } from "typebox/compile";
import { parse as parseYaml } from "yaml";
import { policyFor } from "../scenario/app-policy.ts";
import { ShortAppSchema } from "../scenario/schema.ts";
import { schemaIssues } from "../scenario/schema-issues.ts";
import { shortAppToGraph } from "../scenario/short-app.ts";
import { stableGuid } from "../scenario/stable-id.ts";
import { formatPath } from "../scenario/yaml-position.ts";

/** Input errors of `imesim test` (exit code 2). */
export const TestInputErrorCode = {
  AppUnreadable: "TEST_APP_UNREADABLE",
  AppInvalid: "TEST_APP_INVALID",
  PackageUnreadable: "TEST_PACKAGE_UNREADABLE",
} as const;

/** An app definition as `imesim test` uses it. */
export interface TestedApp {
  readonly name: string;
  readonly form: "graph" | "policy" | "short";
  readonly graphApp: Win32LobApp | undefined;
  /** The policy a required, all-devices assignment gives the device. */
  readonly policy: DecodedImePolicy;
}

const shortChecker = Compile(ShortAppSchema);

/** Reads and converts an app definition file; every problem is an ImesimError naming the file and member. */
export function readTestedApp(file: string, setupFile: string | undefined): TestedApp {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new ImesimError(
      TestInputErrorCode.AppUnreadable,
      `Cannot read app definition ${file}: ${(cause as Error).message}`,
      { cause },
    );
  }
  try {
    return testedAppOf(text, setupFile);
  } catch (error) {
    if (isImesimError(error))
      throw new ImesimError(error.code, `${file}: ${error.message}`, {
        ...(error.path === undefined ? {} : { path: error.path }),
        cause: error,
      });
    throw error;
  }
}

/**
 * Why text that YAML read as a single scalar is no app: YAML takes almost any text as a plain string,
 * so the file was most likely meant as JSON, and JSON's own complaint says what is wrong with it.
 */
function notJsonReason(text: string): string {
  try {
    JSON.parse(text);
    return "it is a single value, not an object";
  } catch (cause) {
    return `not valid JSON (${(cause as Error).message})`;
  }
}

/** Converts app definition text (JSON or YAML, any of the three forms) to the policy the device would get. */
export function testedAppOf(text: string, setupFile: string | undefined): TestedApp {
  const trimmed = text
    .trim()
    .replace(/^\uFEFF/, "")
    .replace(/^Get policies\s*=\s*/, "");
  let value: unknown;
  try {
    value = parseYaml(trimmed);
  } catch (cause) {
    // YAML reads JSON too, and its message places the fault at a line and column.
    throw new ImesimError(TestInputErrorCode.AppInvalid, `not JSON or YAML: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (Array.isArray(value)) {
    if (value.length !== 1)
      throw new ImesimError(TestInputErrorCode.AppInvalid, `holds ${value.length} policies; give one app`);
    value = value[0];
  }
  if (value === null || typeof value !== "object")
    throw new ImesimError(
      TestInputErrorCode.AppInvalid,
      `is not an app definition object: ${notJsonReason(trimmed)}`,
    );
  const body = value as Record<string, unknown>;
  const assignment = { intent: "required", target: "allDevices" } as const;
  if ("InstallCommandLine" in body) {
    const policy = decodePolicy(body, "");
    return {
      name: policy.Name,
      form: "policy",
      graphApp: undefined,
      policy: { ...policy, Intent: 3, TargetType: 2 },
    };
  }
  if ("installCommandLine" in body) {
    const name = typeof body.displayName === "string" ? body.displayName : "app";
    const id = typeof body.id === "string" ? body.id : stableGuid("app", name);
    const graphApp = parseWin32LobApp({ "@odata.type": "#microsoft.graph.win32LobApp", ...body, id });
    return {
      name,
      form: "graph",
      graphApp,
      policy: policyFor({ id, graphApp, pastedPolicy: undefined }, assignment),
    };
  }
  const { name: _name, ...withoutName } = body;
  const shortBody = "short" in body ? body.short : withoutName;
  if (!shortChecker.Check(shortBody)) {
    const looksShort =
      typeof shortBody === "object" &&
      shortBody !== null &&
      ("install" in shortBody || "detection" in shortBody);
    if (looksShort) {
      // Close to a short app: say what is wrong with it rather than that it is none of the three forms.
      const [first, ...more] = schemaIssues(shortChecker.Errors(shortBody), ShortAppSchema);
      const where = first === undefined ? "" : `${formatPath(first.path)}: ${first.message}`;
      throw new ImesimError(
        TestInputErrorCode.AppInvalid,
        `is a short app, but ${where}${more.length > 0 ? ` (and ${more.length} more problem${more.length === 1 ? "" : "s"})` : ""}`,
      );
    }
    throw new ImesimError(
      TestInputErrorCode.AppInvalid,
      "is neither a Graph win32LobApp (installCommandLine), an IME policy (InstallCommandLine) nor a short app (install, detection)",
    );
  }
  const name = typeof body.name === "string" ? body.name : "app";
  const id = stableGuid("app", name);
  const graphApp = parseWin32LobApp(shortAppToGraph(name, id, shortBody, setupFile));
  return {
    name,
    form: "short",
    graphApp,
    policy: policyFor({ id, graphApp, pastedPolicy: undefined }, assignment),
  };
}
