import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { DetectionType, FileDetectionSubType, Operator, RegistryDetectionSubType } from "../enums/index.ts";
import { appendSegment, enumSchema, FlagSchema, nullable, stringifyOrdered } from "../schema/index.ts";
import { decodeNestedJson } from "./nested-json.ts";

/** One `DetectionRule` entry as the IME receives it: `DetectionText` is itself JSON text (ime.md §2.3). */
export const DetectionRuleWireSchema = Type.Object({
  DetectionType: enumSchema(DetectionType),
  DetectionText: Type.String(),
});
export type DetectionRuleWire = Static<typeof DetectionRuleWireSchema>;

/**
 * Registry DetectionText (outer type 0). Field names follow S14 (`Path` + `KeyName`), the choice ime.md §2.3
 * recommends; `KeyName` is the value name, empty (or null) for a key check.
 */
export const RegistryDetectionTextSchema = Type.Object({
  Path: Type.String(),
  KeyName: nullable(Type.String()),
  Check32BitOn64System: Type.Boolean(),
  DetectionType: enumSchema(RegistryDetectionSubType),
  Operator: enumSchema(Operator),
  DetectionValue: nullable(Type.String()),
});
export type RegistryDetectionText = Static<typeof RegistryDetectionTextSchema>;

/** MSI product-code DetectionText (outer type 1, ime.md §2.3). */
export const MsiDetectionTextSchema = Type.Object({
  ProductCode: Type.String(),
  ProductVersion: nullable(Type.String()),
  ProductVersionOperator: enumSchema(Operator),
});
export type MsiDetectionText = Static<typeof MsiDetectionTextSchema>;

/** File/folder DetectionText (outer type 2), as in the real example of ime.md §2.1. */
export const FileDetectionTextSchema = Type.Object({
  Path: Type.String(),
  FileOrFolderName: Type.String(),
  Check32BitOn64System: Type.Boolean(),
  DetectionType: enumSchema(FileDetectionSubType),
  Operator: enumSchema(Operator),
  DetectionValue: nullable(Type.String()),
});
export type FileDetectionText = Static<typeof FileDetectionTextSchema>;

/** PowerShell script DetectionText (outer type 3): `ScriptBody` is base64 of the script bytes (ime.md §2.3). */
export const ScriptDetectionTextSchema = Type.Object({
  ScriptBody: Type.String(),
  EnforceSignatureCheck: FlagSchema,
  RunAs32Bit: FlagSchema,
});
export type ScriptDetectionText = Static<typeof ScriptDetectionTextSchema>;

/** A decoded detection rule: the discriminant `DetectionType` selects the shape of `DetectionText`. */
export type DetectionRule =
  | { DetectionType: typeof DetectionType.Registry; DetectionText: RegistryDetectionText }
  | { DetectionType: typeof DetectionType.MsiProductCode; DetectionText: MsiDetectionText }
  | { DetectionType: typeof DetectionType.FileSystem; DetectionText: FileDetectionText }
  | { DetectionType: typeof DetectionType.Script; DetectionText: ScriptDetectionText };

export type RegistryDetectionRule = Extract<DetectionRule, { DetectionType: 0 }>;
export type MsiDetectionRule = Extract<DetectionRule, { DetectionType: 1 }>;
export type FileDetectionRule = Extract<DetectionRule, { DetectionType: 2 }>;
export type ScriptDetectionRule = Extract<DetectionRule, { DetectionType: 3 }>;

const wireRules = Compile(Type.Array(DetectionRuleWireSchema));
const textCheckers = {
  [DetectionType.Registry]: Compile(RegistryDetectionTextSchema),
  [DetectionType.MsiProductCode]: Compile(MsiDetectionTextSchema),
  [DetectionType.FileSystem]: Compile(FileDetectionTextSchema),
  [DetectionType.Script]: Compile(ScriptDetectionTextSchema),
} as const;

// Member order of each DetectionText as the service writes it. The file order is confirmed (ime.md §2.1);
// the others follow the field lists of ime.md §2.3 [I].
const TEXT_ORDER = {
  [DetectionType.Registry]: [
    "Path",
    "KeyName",
    "Check32BitOn64System",
    "DetectionType",
    "Operator",
    "DetectionValue",
  ],
  [DetectionType.MsiProductCode]: ["ProductCode", "ProductVersion", "ProductVersionOperator"],
  [DetectionType.FileSystem]: [
    "Path",
    "FileOrFolderName",
    "Check32BitOn64System",
    "DetectionType",
    "Operator",
    "DetectionValue",
  ],
  [DetectionType.Script]: ["ScriptBody", "EnforceSignatureCheck", "RunAs32Bit"],
} as const;

/** Parses the `DetectionRule` member text into typed rules; errors name e.g. `DetectionRule[1].DetectionText.Operator`. */
export function decodeDetectionRules(text: unknown, path = "DetectionRule"): DetectionRule[] {
  const wire = decodeNestedJson(text, wireRules, "DetectionRule", path);
  return wire.map((rule, index) => decodeDetectionRule(rule, appendSegment(path, index)));
}

/** Decodes one wire rule (its `DetectionText` JSON) into a typed rule. */
export function decodeDetectionRule(rule: DetectionRuleWire, path: string): DetectionRule {
  const textPath = appendSegment(path, "DetectionText");
  const what = "DetectionText";
  switch (rule.DetectionType) {
    case DetectionType.Registry:
      return {
        ...rule,
        DetectionType: rule.DetectionType,
        DetectionText: decodeNestedJson(rule.DetectionText, textCheckers[0], what, textPath),
      };
    case DetectionType.MsiProductCode:
      return {
        ...rule,
        DetectionType: rule.DetectionType,
        DetectionText: decodeNestedJson(rule.DetectionText, textCheckers[1], what, textPath),
      };
    case DetectionType.FileSystem:
      return {
        ...rule,
        DetectionType: rule.DetectionType,
        DetectionText: decodeNestedJson(rule.DetectionText, textCheckers[2], what, textPath),
      };
    case DetectionType.Script:
      return {
        ...rule,
        DetectionType: rule.DetectionType,
        DetectionText: decodeNestedJson(rule.DetectionText, textCheckers[3], what, textPath),
      };
  }
}

/** Serializes typed detection rules into the exact `DetectionRule` string the IME receives. */
export function encodeDetectionRules(rules: readonly DetectionRule[]): string {
  return JSON.stringify(rules.map(encodeDetectionRule));
}

/** One typed rule as its wire object (DetectionText as JSON text). */
export function encodeDetectionRule(rule: DetectionRule): DetectionRuleWire {
  return {
    DetectionType: rule.DetectionType,
    DetectionText: stringifyOrdered(rule.DetectionText, TEXT_ORDER[rule.DetectionType]),
  };
}
