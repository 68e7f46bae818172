// Where the IME keeps what it ran of platform scripts and remediations (ime.md §4.5, §11b):
// `Policies\<userId>\<policyId>` with `Result`, `ErrorCode`, `DownloadCount` for platform scripts, and the
// remediation result cache `SideCarPolicies\Scripts\Reports\<userId>\<policyId>_<version>\Result`. Two
// values are imesim's own, since the reference does not say how the IME notices a changed script or when a
// remediation last ran: `PolicyVersion` beside the platform-script values, and the key
// `SideCarPolicies\Scripts\Execution\<userId>\<policyId>_<version>` with `RemediationStatus` and `LastExecution`
// (that key's name is the one admins' tools read; its values are our choice).
import type { Registry } from "../../host/types.ts";
import { formatRegistryTimestamp } from "../../log/lines.ts";
import { IME_INSTALL_DIR, IME_REGISTRY_ROOT } from "../paths.ts";

/** Platform-script results (ime.md §4.5). */
export const POLICIES_KEY = `${IME_REGISTRY_ROOT}\\Policies`;
/** Remediation result cache (ime.md §4.5, §11b). */
export const SCRIPT_REPORTS_KEY = `${IME_REGISTRY_ROOT}\\SideCarPolicies\\Scripts\\Reports`;
/** Remediation run bookkeeping (see the module comment). */
export const SCRIPT_EXECUTION_KEY = `${IME_REGISTRY_ROOT}\\SideCarPolicies\\Scripts\\Execution`;

/** The .ps1 a platform script runs from (ime.md §11b). */
export const platformScriptPath = (userId: string, policyId: string): string =>
  `${IME_INSTALL_DIR}\\Policies\\Scripts\\${userId}_${policyId}.ps1`;
/** The folder a remediation's two scripts are cached in (ime.md §3.5, §11b). */
export const healthScriptFolder = (policyId: string, version: number): string =>
  `C:\\Windows\\IMECache\\HealthScripts\\${policyId}_${version}`;

/** What the device remembers of one platform script. */
export interface PlatformScriptRecord {
  readonly version: number;
  readonly result: "Success" | "Failed" | undefined;
  readonly errorCode: number;
  readonly downloadCount: number;
}

const dword = (data: number) => ({ type: "REG_DWORD" as const, data: data >>> 0 });
const sz = (data: string) => ({ type: "REG_SZ" as const, data });

/** Reads and writes the script workloads' registry state. */
export function createScriptState(registry: Registry) {
  const num = (key: string, name: string): number | undefined => {
    const value = registry.getValue(key, name);
    return value?.type === "REG_DWORD" ? value.data : undefined;
  };
  const text = (key: string, name: string): string | undefined => {
    const value = registry.getValue(key, name);
    return value?.type === "REG_SZ" ? value.data : undefined;
  };
  return {
    platformKey: (userId: string, policyId: string) => `${POLICIES_KEY}\\${userId}\\${policyId}`,
    /** The stored record, or undefined when the script never ran here (or its key was reset). */
    readPlatform(userId: string, policyId: string): PlatformScriptRecord | undefined {
      const key = `${POLICIES_KEY}\\${userId}\\${policyId}`;
      if (!registry.keyExists(key)) return undefined;
      const result = text(key, "Result");
      return {
        version: num(key, "PolicyVersion") ?? 0,
        result: result === "Success" || result === "Failed" ? result : undefined,
        errorCode: num(key, "ErrorCode") ?? 0,
        downloadCount: num(key, "DownloadCount") ?? 0,
      };
    },
    writePlatform(userId: string, policyId: string, record: PlatformScriptRecord): string {
      const key = `${POLICIES_KEY}\\${userId}\\${policyId}`;
      registry.setValue(key, "PolicyVersion", dword(record.version));
      registry.setValue(key, "DownloadCount", dword(record.downloadCount));
      registry.setValue(key, "ErrorCode", dword(record.errorCode));
      if (record.result !== undefined) registry.setValue(key, "Result", sz(record.result));
      return key;
    },
    /** When the remediation last ran for this user and version (epoch ms), if it ever did. */
    lastRemediationRun(userId: string, policyId: string, version: number): number | undefined {
      const stamp = text(`${SCRIPT_EXECUTION_KEY}\\${userId}\\${policyId}_${version}`, "LastExecution");
      if (stamp === undefined) return undefined;
      const match = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(stamp);
      if (match === null) return undefined;
      const [, mo, d, y, h, mi, s] = match.map(Number);
      return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
    },
    /** Records one remediation run: its bookkeeping and the result cache JSON. Returns the Reports key. */
    writeRemediation(
      userId: string,
      policyId: string,
      version: number,
      at: number,
      status: number | null,
      result: Readonly<Record<string, unknown>>,
    ): string {
      const execution = `${SCRIPT_EXECUTION_KEY}\\${userId}\\${policyId}_${version}`;
      registry.setValue(execution, "LastExecution", sz(formatRegistryTimestamp(at)));
      if (status !== null) registry.setValue(execution, "RemediationStatus", dword(status));
      const reports = `${SCRIPT_REPORTS_KEY}\\${userId}\\${policyId}_${version}`;
      registry.setValue(reports, "Result", sz(JSON.stringify(result)));
      return reports;
    },
  };
}

export type ScriptState = ReturnType<typeof createScriptState>;
