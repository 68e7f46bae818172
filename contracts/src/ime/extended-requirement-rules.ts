import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import {
  ExtendedRequirementType,
  FileDetectionSubType,
  Operator,
  RegistryDetectionSubType,
  ScriptOutputType,
} from "../enums/index.ts";
import { appendSegment, enumSchema, FlagSchema, nullable, stringifyOrdered } from "../schema/index.ts";
import { decodeNestedJson } from "./nested-json.ts";

/** One `ExtendedRequirementRules` entry as the IME receives it: `RequirementText` is JSON text (ime.md §2.5). */
export const ExtendedRequirementRuleWireSchema = Type.Object({
  Type: enumSchema(ExtendedRequirementType),
  RequirementText: Type.String(),
});
export type ExtendedRequirementRuleWire = Static<typeof ExtendedRequirementRuleWireSchema>;

/** Registry requirement (Type 0): the detection sub-types, with `Value` in place of `DetectionValue`. */
export const RegistryRequirementTextSchema = Type.Object({
  Path: Type.String(),
  KeyName: nullable(Type.String()),
  Check32BitOn64System: Type.Boolean(),
  Type: enumSchema(RegistryDetectionSubType),
  Operator: enumSchema(Operator),
  Value: nullable(Type.String()),
});
export type RegistryRequirementText = Static<typeof RegistryRequirementTextSchema>;

/** File/folder requirement (Type 2). */
export const FileRequirementTextSchema = Type.Object({
  Path: Type.String(),
  FileOrFolderName: Type.String(),
  Check32BitOn64System: Type.Boolean(),
  Type: enumSchema(FileDetectionSubType),
  Operator: enumSchema(Operator),
  Value: nullable(Type.String()),
});
export type FileRequirementText = Static<typeof FileRequirementTextSchema>;

/**
 * Script requirement (Type 3): `Type` is the output data type (1 String … 6 Boolean); `RunAsAccount`
 * non-zero runs as the signed-in user (ime.md §2.5) — we write 0 for system and 1 for user.
 */
export const ScriptRequirementTextSchema = Type.Object({
  ScriptBody: Type.String(),
  Type: enumSchema(ScriptOutputType),
  Operator: enumSchema(Operator),
  Value: nullable(Type.String()),
  RunAsAccount: Type.Integer({ minimum: 0 }),
  RunAs32Bit: FlagSchema,
  EnforceSignatureCheck: FlagSchema,
});
export type ScriptRequirementText = Static<typeof ScriptRequirementTextSchema>;

/** Script `RunAsAccount` values we write (ime.md §2.5: non-zero = signed-in user). */
export const ScriptRunAsAccount = { System: 0, User: 1 } as const;

/** A decoded extended requirement: `Type` selects the shape of `RequirementText`. */
export type ExtendedRequirementRule =
  | { Type: typeof ExtendedRequirementType.Registry; RequirementText: RegistryRequirementText }
  | { Type: typeof ExtendedRequirementType.FileSystem; RequirementText: FileRequirementText }
  | { Type: typeof ExtendedRequirementType.Script; RequirementText: ScriptRequirementText };

export type RegistryRequirementRule = Extract<ExtendedRequirementRule, { Type: 0 }>;
export type FileRequirementRule = Extract<ExtendedRequirementRule, { Type: 2 }>;
export type ScriptRequirementRule = Extract<ExtendedRequirementRule, { Type: 3 }>;

const wireRules = Compile(Type.Array(ExtendedRequirementRuleWireSchema));
const registryText = Compile(RegistryRequirementTextSchema);
const fileText = Compile(FileRequirementTextSchema);
const scriptText = Compile(ScriptRequirementTextSchema);

// Member order as listed in ime.md §2.5 [I: no real non-empty example is known].
const TEXT_ORDER = {
  [ExtendedRequirementType.Registry]: [
    "Path",
    "KeyName",
    "Check32BitOn64System",
    "Type",
    "Operator",
    "Value",
  ],
  [ExtendedRequirementType.FileSystem]: [
    "Path",
    "FileOrFolderName",
    "Check32BitOn64System",
    "Type",
    "Operator",
    "Value",
  ],
  [ExtendedRequirementType.Script]: [
    "ScriptBody",
    "Type",
    "Operator",
    "Value",
    "RunAsAccount",
    "RunAs32Bit",
    "EnforceSignatureCheck",
  ],
} as const;

/** Parses the `ExtendedRequirementRules` member text into typed rules. */
export function decodeExtendedRequirementRules(
  text: unknown,
  path = "ExtendedRequirementRules",
): ExtendedRequirementRule[] {
  const wire = decodeNestedJson(text, wireRules, "ExtendedRequirementRules", path);
  return wire.map((rule, index) => decodeExtendedRequirementRule(rule, appendSegment(path, index)));
}

/** Decodes one wire requirement (its `RequirementText` JSON). */
export function decodeExtendedRequirementRule(
  rule: ExtendedRequirementRuleWire,
  path: string,
): ExtendedRequirementRule {
  const textPath = appendSegment(path, "RequirementText");
  const what = "RequirementText";
  switch (rule.Type) {
    case ExtendedRequirementType.Registry:
      return {
        ...rule,
        Type: rule.Type,
        RequirementText: decodeNestedJson(rule.RequirementText, registryText, what, textPath),
      };
    case ExtendedRequirementType.FileSystem:
      return {
        ...rule,
        Type: rule.Type,
        RequirementText: decodeNestedJson(rule.RequirementText, fileText, what, textPath),
      };
    case ExtendedRequirementType.Script:
      return {
        ...rule,
        Type: rule.Type,
        RequirementText: decodeNestedJson(rule.RequirementText, scriptText, what, textPath),
      };
  }
}

/** Serializes typed requirements into the exact `ExtendedRequirementRules` string (`"[]"` when empty). */
export function encodeExtendedRequirementRules(rules: readonly ExtendedRequirementRule[]): string {
  return JSON.stringify(rules.map(encodeExtendedRequirementRule));
}

/** One typed requirement as its wire object. */
export function encodeExtendedRequirementRule(rule: ExtendedRequirementRule): ExtendedRequirementRuleWire {
  return { Type: rule.Type, RequirementText: stringifyOrdered(rule.RequirementText, TEXT_ORDER[rule.Type]) };
}
