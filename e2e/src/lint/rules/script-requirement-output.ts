import { ScriptOutputType } from "@imesim/contracts/enums";
import type { ExtendedRequirementRule } from "@imesim/contracts/ime";
import { decodeScriptBody } from "../package-files.ts";
import { literalOutputs } from "../script-text.ts";
import type { Finding, LintInput } from "../types.ts";

// The IME converts the whole STDOUT to the declared type; output that does not convert means
// "requirements not met" (ime.md §7.6).
const PARSERS: Readonly<Record<number, { name: string; parses: (text: string) => boolean }>> = {
  [ScriptOutputType.String]: { name: "String", parses: () => true },
  [ScriptOutputType.DateTime]: { name: "Date and Time", parses: (text) => !Number.isNaN(Date.parse(text)) },
  [ScriptOutputType.Integer]: { name: "Integer", parses: (text) => /^[+-]?\d+$/.test(text) },
  [ScriptOutputType.Float]: {
    name: "Floating point",
    parses: (text) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text),
  },
  [ScriptOutputType.Version]: { name: "Version", parses: (text) => /^\d+(\.\d+){1,3}$/.test(text) },
  [ScriptOutputType.Boolean]: { name: "Boolean", parses: (text) => /^(true|false)$/i.test(text) },
};

/** Requirement scripts whose literal outputs, or whose comparison value, cannot be the declared output type. */
export function scriptRequirementOutputRule(input: LintInput): Finding[] {
  const findings: Finding[] = [];
  input.policy.ExtendedRequirementRules.forEach((rule: ExtendedRequirementRule, index) => {
    if (rule.Type !== 3) return;
    const text = rule.RequirementText;
    const parser = PARSERS[text.Type];
    if (parser === undefined) return;
    const path = `ExtendedRequirementRules[${index}].RequirementText`;
    if (text.Value !== null && !parser.parses(text.Value.trim())) {
      findings.push({
        code: "SCRIPT_REQUIREMENT_VALUE_NOT_OF_TYPE",
        severity: "error",
        path: `${path}.Value`,
        message: `the requirement compares with "${text.Value}", which is not a ${parser.name} value: the requirement can never be met`,
      });
    }
    const outputs = literalOutputs(decodeScriptBody(text.ScriptBody).text);
    const bad = outputs.filter((output) => !parser.parses(output.trim()));
    if (outputs.length > 0 && bad.length > 0) {
      findings.push({
        code: "SCRIPT_REQUIREMENT_OUTPUT_NOT_OF_TYPE",
        severity: bad.length === outputs.length ? "error" : "warning",
        path: `${path}.ScriptBody`,
        message: `the requirement script outputs ${bad.map((o) => JSON.stringify(o)).join(", ")}, which cannot be read as ${parser.name}: the IME then treats the requirement as not met (Applicability 1008)`,
      });
    }
  });
  return findings;
}
