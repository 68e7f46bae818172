// The steps of the script workloads (issue 16): platform scripts and remediations. Appended to the event
// vocabulary through types.ts, so the log writer, `explain` and expectations read them like every step.

/**
 * Which workload a step belongs to: platform scripts (PolicyRequest), remediations (GetScript) or custom
 * compliance (GetComplianceScript, imesim's request type).
 */
export type ScriptWorkload = "platform" | "health" | "compliance";

/** Where a script runs: platform script, remediation detect / remediate, compliance discovery. */
export type ScriptStage = "platform" | "detect" | "remediate" | "discover";

/** One evaluated compliance setting (contracts/compliance SettingResult). */
export interface ComplianceSettingOutcome {
  readonly settingName: string;
  readonly state: "compliant" | "nonCompliant" | "error";
  readonly actualValue: string | null;
  readonly remediationTitle: string | null;
  readonly errorDetail: string | null;
}

/** How a script process ran, for AgentExecutor.log (ime.md §1.5, §11b). */
export interface ScriptLaunch {
  readonly policyId: string;
  readonly version: number;
  /** The .ps1 the IME wrote for this run. */
  readonly scriptPath: string;
  /** `-powershell` for platform scripts, `-remediationScript` for remediations (ime.md §1.5). */
  readonly mode: "powershell" | "remediationScript";
  readonly powershellPath: string;
  readonly processId: number;
  readonly timeoutSeconds: number;
}

/** What a script process left: exit code and its two streams. */
export interface ScriptOutcome {
  readonly exitCode: number;
  readonly output: string;
  readonly error: string;
  /** AgentExecutor killed the script at its timeout (ime.md §11b, S12 REM-INSTALL-MODULE). */
  readonly timedOut?: boolean;
}

/** Why a platform script was not run at this fetch. */
export type PlatformSkipReason = "succeeded" | "downloadLimit";

/** Remediation statuses as the device records them (ime.md §11b). */
export type RemediationStatusName =
  | "Fixed"
  | "Recurred"
  | "RemediationFailed"
  | "WithoutIssues"
  | "DetectionOnly";

export type ScriptEventBody =
  | { phase: "scripts.requesting"; details: { workload: ScriptWorkload } }
  | { phase: "scripts.received"; details: { workload: ScriptWorkload; policyIds: readonly string[] } }
  | { phase: "scripts.requestFailed"; details: { workload: ScriptWorkload; message: string } }
  | {
      phase: "platformScript.skipped";
      details: { policyId: string; version: number; reason: PlatformSkipReason; downloadCount: number };
    }
  /** A user-context policy on an Entra-registered device: downloaded, never run (ime.md §11b, S12 "Join type"). */
  | { phase: "scripts.userContextSkipped"; details: { workload: ScriptWorkload; policyId: string } }
  | { phase: "script.launched"; details: ScriptLaunch & { stage: ScriptStage } }
  | { phase: "script.exited"; details: ScriptLaunch & ScriptOutcome & { stage: ScriptStage } }
  | {
      phase: "compliance.evaluated";
      details: {
        policyId: string;
        version: number;
        compliant: boolean;
        settings: readonly ComplianceSettingOutcome[];
      };
    }
  | {
      phase: "platformScript.completed";
      details: {
        policyId: string;
        version: number;
        result: "Success" | "Failed";
        downloadCount: number;
        keyPath: string;
      };
    }
  | { phase: "remediation.queued"; details: { at: number } }
  | {
      phase: "remediation.scheduled";
      details: {
        policyId: string;
        version: number;
        schedule: "Once" | "Hourly" | "Daily";
        interval: number;
        time: string | null;
        date: string | null;
        useUtc: boolean;
        lastRunAt: number | null;
        nextRunAt: number | null;
      };
    }
  | {
      phase: "remediation.detected";
      details: {
        policyId: string;
        version: number;
        stage: "pre" | "post";
        compliant: boolean;
        output: string;
      };
    }
  | { phase: "remediation.remediated"; details: { policyId: string; version: number; exitCode: number } }
  | {
      phase: "remediation.completed";
      details: {
        policyId: string;
        version: number;
        status: number | null;
        statusName: RemediationStatusName;
        keyPath: string;
      };
    }
  | { phase: "scripts.reported"; details: { workload: ScriptWorkload; count: number } }
  | { phase: "scripts.reportFailed"; details: { workload: ScriptWorkload; message: string } };
