// Registry rules, shared by detection (DetectionType 0) and requirements (Type 0): ime.md §2.3, §7.3.
import { RegistryDetectionSubType } from "@imesim/contracts/enums";
import type { RegistryValue } from "../host/index.ts";
import type { CheckResult, RuleContext } from "./context.ts";
import { compareNumbers, parseInteger, satisfies } from "./operators.ts";
import { compareTextIgnoreCase, compareVersionText } from "./version.ts";

/** A registry rule's fields, whichever member names the policy used for them. */
export interface RegistryCheck {
  readonly path: string;
  /** The value name; empty or null = a key check (exists / does not exist) or the default value. */
  readonly valueName: string | null;
  readonly check32BitOn64System: boolean;
  readonly subType: number;
  readonly operator: number;
  readonly value: string | null;
}

/** The text .NET's RegistryKey.GetValue(...).ToString() gives, which string and version rules compare. */
function valueText(value: RegistryValue): string {
  switch (value.type) {
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      return value.data;
    case "REG_DWORD":
      // GetValue returns a DWORD as a signed Int32.
      return String(value.data | 0);
    case "REG_QWORD":
      return BigInt.asIntN(64, value.data).toString();
    case "REG_MULTI_SZ":
      return "System.String[]";
    case "REG_BINARY":
    case "REG_NONE":
      return "System.Byte[]";
  }
}

/** The integer an integer rule reads: DWORD/QWORD as numbers, a REG_SZ that holds an integer parsed (ime.md §7.3). */
function valueInteger(value: RegistryValue): bigint | undefined {
  if (value.type === "REG_DWORD") return BigInt(value.data | 0);
  if (value.type === "REG_QWORD") return BigInt.asIntN(64, value.data);
  if (value.type === "REG_SZ" || value.type === "REG_EXPAND_SZ") return parseInteger(value.data);
  return undefined;
}

/** Evaluates a registry rule; `resultWord` is `applicationDetected` or `requirementMet` for the log line. */
export function checkRegistry(check: RegistryCheck, context: RuleContext, resultWord: string): CheckResult {
  const access = { view: check.check32BitOn64System ? 32 : 64, userSid: context.userSid } as const;
  const { registry } = context.host;
  const valueName = check.valueName ?? "";
  const keyExists = registry.keyExists(check.path, access);
  const value = keyExists ? registry.getValue(check.path, valueName, access) : undefined;
  // A key check has no value name; "exists"/"does not exist" with a name checks the value (ime.md §2.3).
  const isKeyCheck = valueName === "";
  const exists = isKeyCheck ? keyExists : value !== undefined;

  let met: boolean;
  switch (check.subType) {
    case RegistryDetectionSubType.Exists:
      met = exists;
      break;
    case RegistryDetectionSubType.DoesNotExist:
      met = !exists;
      break;
    case RegistryDetectionSubType.StringComparison:
      met =
        value !== undefined &&
        check.value !== null &&
        satisfies(check.operator, compareTextIgnoreCase(valueText(value), check.value));
      break;
    case RegistryDetectionSubType.IntegerComparison: {
      const actual = value === undefined ? undefined : valueInteger(value);
      const expected = check.value === null ? undefined : parseInteger(check.value);
      met =
        actual !== undefined &&
        expected !== undefined &&
        satisfies(check.operator, compareNumbers(actual, expected));
      break;
    }
    case RegistryDetectionSubType.VersionComparison:
      met =
        value !== undefined &&
        check.value !== null &&
        satisfies(check.operator, compareVersionText(valueText(value), check.value));
      break;
    default:
      met = false;
  }
  // The real line (ime.md §1.3.4) has a space before the comma after the value.
  const line =
    `[Win32App] Checked reg path: ${check.path}, name: ${valueName}, operator: ${check.operator}, type: ${check.subType}, ` +
    `value: ${check.value ?? ""} , result of ${resultWord}: ${met ? "True" : "False"}`;
  return { met, lines: [line] };
}
