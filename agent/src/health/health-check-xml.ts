// HealthCheck.xml, the list of checks ClientHealthEval.exe runs, in the IME install dir (ime.md §8, [C*: S21]).
// Only the element grammar is public: `<HealthCheck Description ID Type>` with an `<Applicability OS
// ClientVersion/>` and ordered `<PARAM Order Description>value</PARAM>` children, and IME 1.103's
// `ProcessMonitoring` type. The root element, the check ids, the other Type names, the parameters and the
// memory threshold are imesim's choice. The task reads the file at every run, so a scenario that edits it
// (writeFiles) changes what is checked.
import { ImesimError } from "@imesim/contracts/errors";
import { XMLParser } from "fast-xml-parser";
import type { HealthCheckType } from "../events/health-events.ts";
import { IME_INSTALL_DIR, IME_LOGS_DIR } from "../ime/paths.ts";

export const HEALTH_CHECK_XML_PATH = `${IME_INSTALL_DIR}\\HealthCheck.xml`;
/** The IME's Windows service (its key under HKLM\SYSTEM\CurrentControlSet\Services). */
export const IME_SERVICE_NAME = "IntuneManagementExtension";
export const IME_SERVICE_DISPLAY_NAME = "Microsoft Intune Management Extension";
/** The service's process (ime.md §3.5, §1.5: a 32-bit process in the install dir). */
export const IME_PROCESS_NAME = "Microsoft.Management.Services.IntuneWindowsAgent";
/** Working set above which the memory check restarts the service [our choice; no public value]. */
export const DEFAULT_MEMORY_THRESHOLD_MB = 500;

const CHECK_TYPES: readonly HealthCheckType[] = [
  "ServiceExistence",
  "ServiceStartupType",
  "ServiceStatus",
  "ProcessMonitoring",
  "FolderExistence",
];

/** One `<HealthCheck>`: its id, type and its PARAM values in Order. */
export interface HealthCheck {
  readonly id: string;
  readonly type: HealthCheckType;
  readonly description: string;
  readonly params: readonly string[];
}

const xmlEscape = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The checks a fresh IME install writes, in the order they run (start-up type before status, so a disabled service is re-enabled before it is started). */
export function defaultHealthChecks(memoryThresholdMb = DEFAULT_MEMORY_THRESHOLD_MB): HealthCheck[] {
  return [
    {
      id: "IMEServiceExists",
      type: "ServiceExistence",
      description: "The Intune Management Extension service is installed",
      params: [IME_SERVICE_NAME],
    },
    {
      id: "IMEServiceStartupType",
      type: "ServiceStartupType",
      description: "The Intune Management Extension service starts automatically",
      params: [IME_SERVICE_NAME, "Automatic"],
    },
    {
      id: "IMEServiceRunning",
      type: "ServiceStatus",
      description: "The Intune Management Extension service is running",
      params: [IME_SERVICE_NAME, "Running"],
    },
    {
      id: "IMEProcessMemory",
      type: "ProcessMonitoring",
      description: "The Intune Management Extension process uses less memory than its limit",
      params: [IME_PROCESS_NAME, String(memoryThresholdMb)],
    },
    {
      id: "IMEInstallFolder",
      type: "FolderExistence",
      description: "The Intune Management Extension install folder exists",
      params: [IME_INSTALL_DIR],
    },
    {
      id: "IMELogsFolder",
      type: "FolderExistence",
      description: "The Intune Management Extension log folder exists",
      params: [IME_LOGS_DIR],
    },
  ];
}

/** The file's text for `checks` (UTF-8, CRLF, as Windows tools write it). */
export function formatHealthCheckXml(checks: readonly HealthCheck[]): string {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', "<HealthChecks>"];
  for (const check of checks) {
    lines.push(
      `  <HealthCheck Description="${xmlEscape(check.description)}" ID="${xmlEscape(check.id)}" Type="${check.type}">`,
      '    <Applicability OS="ALL" ClientVersion="ALL"/>',
      ...check.params.map(
        (value, index) =>
          `    <PARAM Order="${index + 1}" Description="${index === 0 ? "Target" : "Expected"}">${xmlEscape(value)}</PARAM>`,
      ),
      "  </HealthCheck>",
    );
  }
  lines.push("</HealthChecks>", "");
  return lines.join("\r\n");
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  textNodeName: "value",
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => name === "HealthCheck" || name === "PARAM",
});

const invalid = (message: string): ImesimError => new ImesimError("HEALTH_CHECK_XML_INVALID", message);

/** Reads HealthCheck.xml's checks in document order; PARAMs sorted by Order. Throws HEALTH_CHECK_XML_INVALID. */
export function parseHealthCheckXml(text: string): HealthCheck[] {
  let document: Record<string, unknown>;
  try {
    document = parser.parse(text.replace(/^\uFEFF/, ""), true) as Record<string, unknown>;
  } catch (error) {
    throw invalid(`HealthCheck.xml is not well-formed XML: ${(error as Error).message}`);
  }
  const root = document.HealthChecks as { HealthCheck?: unknown[] } | undefined;
  if (root === undefined || typeof root !== "object")
    throw invalid("HealthCheck.xml has no <HealthChecks> root");
  return (root.HealthCheck ?? []).map((node, index) => {
    const element = node as Record<string, unknown>;
    const type = String(element.Type ?? "");
    if (!CHECK_TYPES.includes(type as HealthCheckType))
      throw invalid(`HealthCheck ${index + 1} has Type "${type}", expected one of ${CHECK_TYPES.join(", ")}`);
    const params = ((element.PARAM as Record<string, unknown>[] | undefined) ?? [])
      .map((param) => ({ order: Number(param.Order ?? 0), value: String(param.value ?? "") }))
      .sort((a, b) => a.order - b.order)
      .map((param) => param.value);
    const id = String(element.ID ?? "");
    if (id === "") throw invalid(`HealthCheck ${index + 1} has no ID`);
    if (params.length === 0) throw invalid(`HealthCheck "${id}" has no PARAM`);
    return { id, type: type as HealthCheckType, description: String(element.Description ?? ""), params };
  });
}
