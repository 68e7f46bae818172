// The rules JSON of a custom compliance policy (Graph beta `deviceCompliancePolicyScript.rulesContent`,
// base64 of a `{"Rules":[…]}` document the admin uploads). Member names and the data-type / operator names
// are the documented ones (Graph beta `deviceComplianceScriptRule`: settingName, operator, dataType,
// operand; the uploaded file spells them PascalCase and adds MoreInfoUrl and RemediationStrings).
// imesim evaluates ONE rule set per policy and the common operators and scalar data types below; the Graph
// enums list more (between, contains, oneOf, the array types, base64, xml …) — those are rejected with
// COMPLIANCE_RULE_UNSUPPORTED naming the rule, not silently passed (imesim's choice, issue 16 scope).
import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { ImesimError } from "../errors/index.ts";
import { assertSchema, parseJsonText } from "../schema/index.ts";
import { ComplianceErrorCode } from "./error-codes.ts";

/** Operators imesim evaluates, as the rules file spells them. */
export const RULE_OPERATORS = [
  "IsEquals",
  "NotEquals",
  "GreaterThan",
  "GreaterEquals",
  "LessThan",
  "LessEquals",
] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

/** Scalar data types imesim evaluates, as the rules file spells them. */
export const RULE_DATA_TYPES = ["Boolean", "Int64", "Double", "String", "DateTime", "Version"] as const;
export type RuleDataType = (typeof RULE_DATA_TYPES)[number];

const RemediationStringSchema = Type.Object({
  Language: Type.String(),
  Title: Type.String(),
  Description: Type.String(),
});

const RawRuleSchema = Type.Object({
  SettingName: Type.String({ minLength: 1 }),
  Operator: Type.String(),
  DataType: Type.String(),
  Operand: Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
  MoreInfoUrl: Type.Optional(Type.String()),
  RemediationStrings: Type.Array(RemediationStringSchema, { minItems: 1 }),
});

const RulesDocumentSchema = Type.Object({ Rules: Type.Array(RawRuleSchema, { minItems: 1 }) });
const rulesChecker = Compile(RulesDocumentSchema);

export type RemediationString = Static<typeof RemediationStringSchema>;

/** One checked rule. */
export interface ComplianceRule {
  readonly settingName: string;
  readonly operator: RuleOperator;
  readonly dataType: RuleDataType;
  readonly operand: string | number | boolean;
  readonly moreInfoUrl: string | undefined;
  readonly remediationStrings: readonly RemediationString[];
}

function matchName<T extends string>(names: readonly T[], value: string): T | undefined {
  // The Graph enum is camelCase (isEquals, int64), the uploaded file PascalCase: accept either spelling.
  return names.find((n) => n.toLowerCase() === value.toLowerCase());
}

/** Parses a rules document (JSON text), errors naming the rule index and member. */
export function parseComplianceRules(text: unknown): ComplianceRule[] {
  const what = "custom compliance rules";
  const doc = parseJsonText(text, { code: ComplianceErrorCode.RulesInvalid, what, path: "Rules" });
  assertSchema(rulesChecker, doc, { code: ComplianceErrorCode.RulesInvalid, what, path: "" });
  return doc.Rules.map((raw, i) => {
    const operator = matchName(RULE_OPERATORS, raw.Operator);
    if (operator === undefined)
      throw new ImesimError(
        ComplianceErrorCode.RuleUnsupported,
        `Rule '${raw.SettingName}' has operator '${raw.Operator}'; imesim evaluates ${RULE_OPERATORS.join(", ")}.`,
        { path: `Rules[${i}].Operator` },
      );
    const dataType = matchName(RULE_DATA_TYPES, raw.DataType);
    if (dataType === undefined)
      throw new ImesimError(
        ComplianceErrorCode.RuleUnsupported,
        `Rule '${raw.SettingName}' has data type '${raw.DataType}'; imesim evaluates ${RULE_DATA_TYPES.join(", ")}.`,
        { path: `Rules[${i}].DataType` },
      );
    if (dataType === "Boolean" && operator !== "IsEquals" && operator !== "NotEquals")
      throw new ImesimError(
        ComplianceErrorCode.RuleUnsupported,
        `Rule '${raw.SettingName}' orders a Boolean with '${raw.Operator}'; only IsEquals and NotEquals apply.`,
        { path: `Rules[${i}].Operator` },
      );
    return {
      settingName: raw.SettingName,
      operator,
      dataType,
      operand: raw.Operand,
      moreInfoUrl: raw.MoreInfoUrl,
      remediationStrings: raw.RemediationStrings,
    };
  });
}
