// Script rules: custom detection scripts (ime.md §7.5) and script requirements with an output type (§7.6).
import { ScriptOutputType } from "@imesim/contracts/enums";
import { ImesimError } from "@imesim/contracts/errors";
import type { ScriptResult } from "../host/index.ts";
import { type CheckResult, installExRunAs, type RuleContext } from "./context.ts";
import { compareNumbers, parseInteger, parseUtcDate, satisfies } from "./operators.ts";
import { compareTextIgnoreCase, compareVersionText } from "./version.ts";

/** AgentExecutor's timeout for detection and requirement scripts: 60 min (ime.md §7.5). */
export const SCRIPT_TIMEOUT_MS = 3_600_000;

/** The script text of a base64 `ScriptBody`, UTF-8 with its BOM (the usual `77u/` prefix) removed. */
export function decodeScriptBody(body: string): string {
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}$/.test(body.trim())) {
    throw new ImesimError("RULE_INVALID_SCRIPT", "ScriptBody is not base64", { path: "ScriptBody" });
  }
  return Buffer.from(body, "base64")
    .toString("utf8")
    .replace(/^\uFEFF/, "");
}

/** A pid that looks like Windows' (a multiple of 4) and stays the same for the same app and script. */
function processIdFor(appId: string | undefined, script: string): number {
  let hash = 2166136261;
  for (const char of `${appId ?? ""}|${script}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return 1000 + ((hash >>> 0) % 15000) * 4;
}

interface ScriptRun {
  readonly result: ScriptResult;
  readonly lines: string[];
}

function runScript(
  manager: "SideCarScriptDetectionManager" | "SideCarScriptRequirementManager",
  purpose: "detection" | "requirement",
  scriptBody: string,
  options: { runAs32Bit: boolean; enforceSignatureCheck: boolean; asUser: boolean },
  context: RuleContext,
): ScriptRun {
  const script = decodeScriptBody(scriptBody);
  const account = options.asUser ? "user" : "system";
  const result = context.scripts.run(
    {
      purpose,
      appId: context.appId,
      script,
      context: {
        account,
        userSid: options.asUser ? context.userSid : undefined,
        bitness: options.runAs32Bit ? 32 : 64,
      },
      enforceSignatureCheck: options.enforceSignatureCheck,
      timeoutMs: SCRIPT_TIMEOUT_MS,
    },
    context.host,
  );
  // Lines of ime.md §1.3.4; "user session" for user-context scripts is our wording [I].
  const lines = [
    `[Win32App] ${manager} Launch powershell executor in ${options.asUser ? "user" : "machine"} session`,
    `[Win32App] ${manager} Create proxy process successfully.`,
    `[Win32App] ${manager} process id = ${processIdFor(context.appId, script)}`,
    `[Win32App] ${manager} Powershell execution got lpExitCode: 0 lastWin32Error: 0`,
    `[Win32App] ${manager} Powershell ExitCode: ${result.exitCode}`,
  ];
  return { result, lines };
}

const flag = (value: boolean): 0 | 1 => (value ? 1 : 0);

/** A detection script's fields. */
export interface DetectionScriptCheck {
  readonly scriptBody: string;
  readonly enforceSignatureCheck: boolean;
  readonly runAs32Bit: boolean;
}

/**
 * Detected iff the script exits 0 and writes something to STDOUT; anything on STDERR means not detected and
 * is reported as exit -1 (ime.md §7.5). It runs as the app's install context.
 */
export function checkDetectionScript(check: DetectionScriptCheck, context: RuleContext): CheckResult {
  const { result, lines } = runScript(
    "SideCarScriptDetectionManager",
    "detection",
    check.scriptBody,
    {
      runAs32Bit: check.runAs32Bit,
      enforceSignatureCheck: check.enforceSignatureCheck,
      asUser: context.account === "user",
    },
    context,
  );
  const wroteError = result.stderr.trim() !== "";
  const exitCode = wroteError ? -1 : result.exitCode;
  // Whitespace-only output counts as nothing written [I].
  const met = exitCode === 0 && result.stdout.trim() !== "";
  lines.push(
    `[Win32App] Checked Powershell script exitCode: ${exitCode} EnforceSignatureCheck: ${flag(check.enforceSignatureCheck)} ` +
      `RunAs32Bit: ${flag(check.runAs32Bit)} InstallExRunAs: ${installExRunAs(context)}, result of applicationDetected: ${met ? "True" : "False"}`,
  );
  return { met, lines };
}

/** A requirement script's fields. */
export interface RequirementScriptCheck {
  readonly scriptBody: string;
  readonly outputType: number;
  readonly operator: number;
  readonly value: string | null;
  readonly runAsUser: boolean;
  readonly runAs32Bit: boolean;
  readonly enforceSignatureCheck: boolean;
}

/** The outcome of a requirement script: `parsed` false when the output could not be read as the declared type. */
export interface RequirementScriptResult extends CheckResult {
  readonly parsed: boolean;
}

function parseBoolean(text: string): boolean | undefined {
  const folded = text.trim().toLowerCase();
  return folded === "true" ? true : folded === "false" ? false : undefined;
}

function parseFloatStrict(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** Compares script output with the rule value as the declared type; undefined when either does not parse. */
function compareOutput(outputType: number, output: string, expected: string): number | undefined {
  switch (outputType) {
    case ScriptOutputType.String:
      return compareTextIgnoreCase(output, expected);
    case ScriptOutputType.DateTime: {
      const a = parseUtcDate(output);
      const b = parseUtcDate(expected);
      return a === undefined || b === undefined ? undefined : compareNumbers(a, b);
    }
    case ScriptOutputType.Integer: {
      const a = parseInteger(output);
      const b = parseInteger(expected);
      return a === undefined || b === undefined ? undefined : compareNumbers(a, b);
    }
    case ScriptOutputType.Float: {
      const a = parseFloatStrict(output);
      const b = parseFloatStrict(expected);
      return a === undefined || b === undefined ? undefined : compareNumbers(a, b);
    }
    case ScriptOutputType.Version:
      return compareVersionText(output.trim(), expected.trim());
    case ScriptOutputType.Boolean: {
      const a = parseBoolean(output);
      const b = parseBoolean(expected);
      return a === undefined || b === undefined ? undefined : compareNumbers(Number(a), Number(b));
    }
    default:
      return undefined;
  }
}

/**
 * Met iff the script exits 0, writes nothing to STDERR, and its whole STDOUT (less the final newline), read
 * as the declared type, satisfies the operator against the value (ime.md §7.6).
 */
export function checkRequirementScript(
  check: RequirementScriptCheck,
  context: RuleContext,
): RequirementScriptResult {
  const { result, lines } = runScript(
    "SideCarScriptRequirementManager",
    "requirement",
    check.scriptBody,
    {
      runAs32Bit: check.runAs32Bit,
      enforceSignatureCheck: check.enforceSignatureCheck,
      asUser: check.runAsUser,
    },
    context,
  );
  const output = result.stdout.replace(/\r?\n$/, "");
  const ran = result.exitCode === 0 && result.stderr.trim() === "";
  const comparison =
    ran && check.value !== null ? compareOutput(check.outputType, output, check.value) : undefined;
  const met = comparison !== undefined && satisfies(check.operator, comparison);
  lines.push(
    `[Win32App] Checked Powershell script exitCode: ${result.exitCode} EnforceSignatureCheck: ${flag(check.enforceSignatureCheck)} ` +
      `RunAs32Bit: ${flag(check.runAs32Bit)} InstallExRunAs: ${installExRunAs(context)}, result of requirementMet: ${met ? "True" : "False"}`,
  );
  return { met, lines, parsed: !ran || comparison !== undefined };
}
