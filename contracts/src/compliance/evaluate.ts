// Checks a discovery script's output against the rules of its compliance policy. The discovery script
// returns one compressed JSON object of setting name → value (`return $hash | ConvertTo-Json -Compress`, the
// documented pattern); each rule compares that setting's value with its operand as its data type.
// Where the public documentation is silent imesim chooses, and says so here:
//  - the output is the whole trimmed stdout, or failing that its last non-empty line (a script that writes
//    other lines first still reports);
//  - a setting the output lacks, or whose value is not of the rule's data type, is `error` (not compliant),
//    the detail naming the setting;
//  - String equality is case-insensitive (Windows' habit); String ordering is ordinal;
//  - Version compares up to four numeric parts, a missing part counting as 0;
//  - the remediation text is the rule's `en_US` RemediationStrings entry (else the first), with
//    `{ActualValue}` in its Title replaced by the discovered value.
import type { ComplianceRule, RuleOperator } from "./rules.ts";

export type SettingState = "compliant" | "nonCompliant" | "error";

export interface SettingResult {
  readonly settingName: string;
  readonly state: SettingState;
  /** The discovered value as text (null when the output lacked it). */
  readonly actualValue: string | null;
  /** What the admin wrote for the user to fix; null when compliant. */
  readonly remediationTitle: string | null;
  readonly remediationDescription: string | null;
  readonly moreInfoUrl: string | null;
  /** Why the setting is `error`; null otherwise. */
  readonly errorDetail: string | null;
}

export interface ComplianceEvaluation {
  readonly compliant: boolean;
  readonly settings: readonly SettingResult[];
}

/** Reads the discovery output as a JSON object; undefined when it is not one. */
export function readDiscoveryOutput(stdout: string): Record<string, unknown> | undefined {
  const trimmed = stdout.trim();
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== "");
  for (const candidate of [trimmed, lines.at(-1) ?? ""]) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value !== null && typeof value === "object" && !Array.isArray(value))
        return value as Record<string, unknown>;
    } catch {
      // not JSON: try the next candidate
    }
  }
  return undefined;
}

type Comparable =
  | { readonly kind: "equal-only"; readonly key: string }
  | { readonly kind: "ordered"; readonly key: number[] };

function versionParts(text: string): number[] | undefined {
  if (!/^\d+(\.\d+){0,3}$/.test(text.trim())) return undefined;
  const parts = text.trim().split(".").map(Number);
  while (parts.length < 4) parts.push(0);
  return parts;
}

/** The value as the rule's data type, or undefined when it is not one. */
function coerce(rule: ComplianceRule, value: unknown): Comparable | undefined {
  switch (rule.dataType) {
    case "Boolean": {
      const b =
        typeof value === "boolean" ? value : typeof value === "string" ? value.toLowerCase() : undefined;
      if (b === true || b === "true") return { kind: "equal-only", key: "true" };
      if (b === false || b === "false") return { kind: "equal-only", key: "false" };
      return undefined;
    }
    case "Int64":
    case "Double": {
      const n =
        typeof value === "number"
          ? value
          : typeof value === "string" && value.trim() !== ""
            ? Number(value)
            : Number.NaN;
      if (!Number.isFinite(n) || (rule.dataType === "Int64" && !Number.isInteger(n))) return undefined;
      return { kind: "ordered", key: [n] };
    }
    case "DateTime": {
      const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
      return Number.isNaN(ms) ? undefined : { kind: "ordered", key: [ms] };
    }
    case "Version": {
      const parts =
        typeof value === "string" || typeof value === "number" ? versionParts(String(value)) : undefined;
      return parts === undefined ? undefined : { kind: "ordered", key: parts };
    }
    case "String":
      return typeof value === "string" ? { kind: "equal-only", key: value } : undefined;
  }
}

function order(a: Comparable, b: Comparable): number {
  if (a.kind === "ordered" && b.kind === "ordered") {
    for (let i = 0; i < Math.max(a.key.length, b.key.length); i++) {
      const d = (a.key[i] ?? 0) - (b.key[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  }
  const x = a.key as string;
  const y = b.key as string;
  return x === y ? 0 : x < y ? -1 : 1;
}

function holds(operator: RuleOperator, actual: Comparable, operand: Comparable): boolean {
  if (operator === "IsEquals" || operator === "NotEquals") {
    const same =
      actual.kind === "equal-only" && operand.kind === "equal-only"
        ? actual.key.toLowerCase() === operand.key.toLowerCase()
        : order(actual, operand) === 0;
    return operator === "IsEquals" ? same : !same;
  }
  const d = order(actual, operand);
  if (operator === "GreaterThan") return d > 0;
  if (operator === "GreaterEquals") return d >= 0;
  if (operator === "LessThan") return d < 0;
  return d <= 0;
}

function remediationOf(rule: ComplianceRule, actual: string | null) {
  const chosen =
    rule.remediationStrings.find((r) => r.Language.toLowerCase().replace("-", "_") === "en_us") ??
    rule.remediationStrings[0];
  return {
    remediationTitle: chosen?.Title.replaceAll("{ActualValue}", actual ?? "") ?? null,
    remediationDescription: chosen?.Description ?? null,
    moreInfoUrl: rule.moreInfoUrl ?? null,
  };
}

function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Evaluates every rule against the discovery script's stdout. */
export function evaluateCompliance(rules: readonly ComplianceRule[], stdout: string): ComplianceEvaluation {
  const output = readDiscoveryOutput(stdout);
  const settings = rules.map((rule): SettingResult => {
    const raw = output?.[rule.settingName];
    const actualValue = textOf(raw);
    const fail = (state: SettingState, errorDetail: string | null): SettingResult => ({
      settingName: rule.settingName,
      state,
      actualValue,
      ...remediationOf(rule, actualValue),
      errorDetail,
    });
    if (output === undefined) return fail("error", "The discovery script did not return a JSON object.");
    if (raw === undefined || raw === null)
      return fail("error", `The discovery output has no value for setting '${rule.settingName}'.`);
    const actual = coerce(rule, raw);
    if (actual === undefined)
      return fail("error", `Setting '${rule.settingName}' value ${actualValue} is not a ${rule.dataType}.`);
    const operand = coerce(rule, rule.operand);
    if (operand === undefined)
      return fail(
        "error",
        `Rule '${rule.settingName}' operand ${String(rule.operand)} is not a ${rule.dataType}.`,
      );
    if (!holds(rule.operator, actual, operand)) return fail("nonCompliant", null);
    return {
      settingName: rule.settingName,
      state: "compliant",
      actualValue,
      remediationTitle: null,
      remediationDescription: null,
      moreInfoUrl: null,
      errorDetail: null,
    };
  });
  return { compliant: settings.every((s) => s.state === "compliant"), settings };
}
