// The short app form is ours: it becomes the Graph win32LobApp body an admin would have sent, so it
// reaches the device through the same Graph → IME conversion (contracts/graph) as every other app.
import { DEFAULT_RETURN_CODES, ReturnCodeType } from "@imesim/contracts/enums";
import { parseDuration } from "./duration.ts";
import type { ShortApp, ShortDetectionRule, ShortRequirementRule } from "./schema.ts";

const OPERATORS: Readonly<Record<string, string>> = {
  "==": "equal",
  "=": "equal",
  "!=": "notEqual",
  ">": "greaterThan",
  ">=": "greaterThanOrEqual",
  "<": "lessThan",
  "<=": "lessThanOrEqual",
};

const RETURN_TYPE_NAMES: Readonly<Record<number, string>> = {
  [ReturnCodeType.Failed]: "failed",
  [ReturnCodeType.Success]: "success",
  [ReturnCodeType.SoftReboot]: "softReboot",
  [ReturnCodeType.HardReboot]: "hardReboot",
  [ReturnCodeType.Retry]: "retry",
};

/** Splits `>= 1.2.3` into Graph's operator name and the value. */
export function parseComparison(text: string): { operator: string; value: string } {
  const match = /^(==|=|!=|>=|<=|>|<)\s*(.*)$/.exec(text.trim());
  return { operator: OPERATORS[match?.[1] ?? "=="] ?? "equal", value: (match?.[2] ?? text).trim() };
}

function splitPath(full: string): { path: string; name: string } {
  const trimmed = full.replace(/[\\/]+$/, "");
  const index = Math.max(trimmed.lastIndexOf("\\"), trimmed.lastIndexOf("/"));
  return index < 0
    ? { path: "", name: trimmed }
    : { path: trimmed.slice(0, index), name: trimmed.slice(index + 1) };
}

function scriptContent(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

function fileRule(
  rule: Extract<ShortDetectionRule, { file: string }>,
  ruleType: "detection" | "requirement",
) {
  const { path, name } = splitPath(rule.file);
  const comparisons = [
    ["version", rule.version],
    ["sizeInMB", rule.sizeMB],
    ["modifiedDate", rule.modified],
    ["createdDate", rule.created],
  ] as const;
  const compared = comparisons.find(([, value]) => value !== undefined);
  const base = {
    "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule",
    ruleType,
    path,
    fileOrFolderName: name,
    check32BitOn64System: rule.check32BitOn64System ?? false,
  };
  if (compared !== undefined && compared[1] !== undefined) {
    const { operator, value } = parseComparison(compared[1]);
    return { ...base, operationType: compared[0], operator, comparisonValue: value };
  }
  return {
    ...base,
    operationType: rule.exists === false ? "doesNotExist" : "exists",
    operator: "notConfigured",
    comparisonValue: null,
  };
}

function registryRule(
  rule: Extract<ShortDetectionRule, { registry: string }>,
  ruleType: "detection" | "requirement",
) {
  const base = {
    "@odata.type": "#microsoft.graph.win32LobAppRegistryRule",
    ruleType,
    keyPath: rule.registry,
    valueName: rule.value ?? null,
    check32BitOn64System: rule.check32BitOn64System ?? false,
  };
  const comparisons = [
    ["string", rule.string],
    ["integer", rule.integer],
    ["version", rule.version],
  ] as const;
  const compared = comparisons.find(([, value]) => value !== undefined);
  if (compared !== undefined && compared[1] !== undefined) {
    const { operator, value } = parseComparison(compared[1]);
    return { ...base, operationType: compared[0], operator, comparisonValue: value };
  }
  return {
    ...base,
    operationType: rule.exists === false ? "doesNotExist" : "exists",
    operator: "notConfigured",
    comparisonValue: null,
  };
}

function detectionRule(rule: ShortDetectionRule): Record<string, unknown> {
  if ("file" in rule) return fileRule(rule, "detection");
  if ("registry" in rule) return registryRule(rule, "detection");
  if ("msi" in rule) {
    const comparison = rule.version === undefined ? undefined : parseComparison(rule.version);
    return {
      "@odata.type": "#microsoft.graph.win32LobAppProductCodeRule",
      ruleType: "detection",
      productCode: rule.msi,
      productVersionOperator: comparison?.operator ?? "notConfigured",
      productVersion: comparison?.value ?? null,
    };
  }
  // A detection script runs in the app's install context; operator and type stay notConfigured (graph-win32.md §1.7.2).
  return {
    "@odata.type": "#microsoft.graph.win32LobAppPowerShellScriptRule",
    ruleType: "detection",
    scriptContent: scriptContent(rule.script),
    enforceSignatureCheck: rule.enforceSignatureCheck ?? false,
    runAs32Bit: rule.runAs32Bit ?? false,
    operationType: "notConfigured",
    operator: "notConfigured",
  };
}

function requirementRule(rule: ShortRequirementRule): Record<string, unknown> {
  if ("file" in rule) return fileRule(rule, "requirement");
  if ("registry" in rule) return registryRule(rule, "requirement");
  const { operator, value } = parseComparison(rule.compare);
  return {
    "@odata.type": "#microsoft.graph.win32LobAppPowerShellScriptRule",
    ruleType: "requirement",
    displayName: "requirement.ps1",
    scriptContent: scriptContent(rule.script),
    enforceSignatureCheck: rule.enforceSignatureCheck ?? false,
    runAs32Bit: rule.runAs32Bit ?? false,
    runAsAccount: rule.runAsUser === true ? "user" : "system",
    operationType: rule.output,
    operator,
    comparisonValue: value,
  };
}

/** The Graph win32LobApp body a short app stands for (with the defaults IntuneWin32App sends, graph-win32.md §1.9). */
export function shortAppToGraph(
  name: string,
  id: string,
  app: ShortApp,
  setupFile: string | undefined,
): Record<string, unknown> {
  const requirements = app.requirements;
  const returnCodes =
    app.returnCodes === undefined
      ? DEFAULT_RETURN_CODES.map((code) => ({
          returnCode: code.ReturnCode,
          type: RETURN_TYPE_NAMES[code.Type],
        }))
      : Object.entries(app.returnCodes).map(([code, type]) => ({ returnCode: Number(code), type }));
  return {
    "@odata.type": "#microsoft.graph.win32LobApp",
    id,
    displayName: name,
    publisher: app.publisher ?? "imesim",
    displayVersion: app.version ?? null,
    fileName: `${name}.intunewin`,
    setupFilePath: app.setupFile ?? setupFile ?? null,
    installCommandLine: app.install,
    uninstallCommandLine: app.uninstall ?? "",
    installExperience: {
      runAsAccount: app.runAs ?? "system",
      deviceRestartBehavior: app.restart ?? "basedOnReturnCode",
      maxRunTimeInMinutes:
        app.maxRunTime === undefined ? 60 : Math.max(1, Math.round(parseDuration(app.maxRunTime) / 60_000)),
    },
    returnCodes,
    applicableArchitectures: requirements?.architectures === undefined ? "x64,x86" : "none",
    ...(requirements?.architectures === undefined
      ? {}
      : { allowedArchitectures: requirements.architectures.join(",") }),
    minimumSupportedWindowsRelease: requirements?.minimumWindowsRelease ?? "2H20",
    minimumFreeDiskSpaceInMB: requirements?.minimumFreeDiskSpaceMB ?? null,
    minimumMemoryInMB: requirements?.minimumMemoryMB ?? null,
    minimumNumberOfProcessors: requirements?.minimumProcessors ?? null,
    minimumCpuSpeedInMHz: requirements?.minimumCpuSpeedMHz ?? null,
    rules: [...app.detection.map(detectionRule), ...(requirements?.rules ?? []).map(requirementRule)],
  };
}
