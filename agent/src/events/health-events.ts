// The steps of the IME health evaluation (issue 16; ime.md §8): the scheduled task "Intune Management
// Extension Health Evaluation" running ClientHealthEval.exe. Appended to the event vocabulary through
// types.ts, so the log writer (ClientHealth.log), `explain` and expectations read them like every step.

/** What one HealthCheck.xml check looks at (the `Type` attribute of its element). */
export type HealthCheckType =
  | "ServiceExistence"
  | "ServiceStartupType"
  | "ServiceStatus"
  | "ProcessMonitoring"
  | "FolderExistence";

/** What a failed check's remediation did. */
export type HealthRemediation = "resetStartupType" | "startService" | "restartService" | "createFolder";

/** How a run ended, as HealthReport.json's `OverallState` says it. */
export type HealthOverallState = "Healthy" | "Remediated" | "Unhealthy";

export type HealthEventBody =
  /** The task's next run: its daily trigger plus the random delay drawn for that day. */
  | { phase: "health.scheduled"; details: { triggerAt: number; delayMs: number; runAt: number } }
  | { phase: "health.started"; details: { taskName: string; checks: number; configPath: string } }
  | {
      phase: "health.checked";
      details: {
        checkId: string;
        type: HealthCheckType;
        description: string;
        passed: boolean;
        expected: string;
        observed: string;
      };
    }
  | {
      phase: "health.remediated";
      details: { checkId: string; action: HealthRemediation; succeeded: boolean; message: string };
    }
  /** A HealthCheck.xml the task could not read: nothing is checked, the report says so. */
  | { phase: "health.configInvalid"; details: { configPath: string; message: string } }
  | {
      phase: "health.completed";
      details: { overallState: HealthOverallState; reportPath: string; failed: number; remediated: number };
    };
