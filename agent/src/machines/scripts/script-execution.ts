// One script process as AgentExecutor runs it (ime.md §1.5, §11b): the launch lines, the script on the
// virtual device's PowerShell (or the scenario's scripted result), the exit lines. A run takes simulated
// time: S12 saw about 15 s per remediation pair; we give every script process 5 s [our choice].
import { createHash } from "node:crypto";
import type { Clock } from "../../clock/clock.ts";
import type { ScriptLaunch, ScriptOutcome, ScriptStage } from "../../events/script-events.ts";
import type { ImeEventStream } from "../../events/stream.ts";
import type { ScriptRunner } from "../../host/scripts/script-runner.ts";
import type { Host, ProcessContext } from "../../host/types.ts";

/** Simulated duration of one script process. */
export const SCRIPT_PROCESS_MS = 5_000;
/**
 * The exit code the IME records for a script AgentExecutor killed at its timeout: S12 (ime.md §11b) saw
 * `exitCode = 2147483647` (int.MaxValue) after `Error:Powershell script execution timed out. timeout = 3600
 * seconds`, and Graph's detectionState scriptError.
 */
export const TIMED_OUT_EXIT_CODE = 2_147_483_647;
/** AgentExecutor's timeout argument: 1800 s for platform scripts, 3600 s for remediations (ime.md §11b). */
export const PLATFORM_TIMEOUT_SECONDS = 1800;
export const REMEDIATION_TIMEOUT_SECONDS = 3600;
/** The thread AgentExecutor.log lines carry: AgentExecutor is its own process (ime.md §1.2 example). */
const EXECUTOR_THREAD = 1;

const POWERSHELL_64 = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
const POWERSHELL_32 = "C:\\Windows\\SysWOW64\\WindowsPowerShell\\v1.0\\powershell.exe";

/** One script to run. */
export interface ScriptJob {
  readonly stage: ScriptStage;
  readonly policyId: string;
  readonly version: number;
  readonly userId: string;
  readonly script: string;
  readonly scriptPath: string;
  readonly context: ProcessContext;
  readonly enforceSignatureCheck: boolean;
}

export interface ScriptExecutionDeps {
  readonly host: Host;
  readonly clock: Clock;
  readonly events: ImeEventStream;
  readonly runner: ScriptRunner;
}

/** A pid that looks like Windows' (a multiple of 4), the same for the same script run. */
function processIdOf(job: ScriptJob): number {
  const digest = createHash("sha1")
    .update(`${job.policyId}|${job.version}|${job.stage}|${job.userId}`)
    .digest();
  return 2000 + (digest.readUInt32BE(0) % 12000) * 4;
}

const PURPOSE = {
  platform: "platformScript",
  detect: "remediationDetection",
  remediate: "remediation",
  // A compliance discovery script is a detection script to the runner (ScriptRunner's purposes are fixed);
  // scripted results tell it apart by policy id [our choice].
  discover: "remediationDetection",
} as const;

/** Runs `job` and returns what the process left; the script file is written before and stays for the caller. */
export async function executeScript(deps: ScriptExecutionDeps, job: ScriptJob): Promise<ScriptOutcome> {
  const launch: ScriptLaunch = {
    policyId: job.policyId,
    version: job.version,
    scriptPath: job.scriptPath,
    mode: job.stage === "platform" ? "powershell" : "remediationScript",
    powershellPath: job.context.bitness === 32 ? POWERSHELL_32 : POWERSHELL_64,
    processId: processIdOf(job),
    timeoutSeconds: job.stage === "platform" ? PLATFORM_TIMEOUT_SECONDS : REMEDIATION_TIMEOUT_SECONDS,
  };
  deps.host.fs.writeFile(job.scriptPath, job.script);
  const subject = { userId: job.userId, thread: EXECUTOR_THREAD };
  deps.events.emit({ phase: "script.launched", details: { ...launch, stage: job.stage } }, subject);
  const result = deps.runner.run(
    {
      purpose: PURPOSE[job.stage],
      appId: job.policyId,
      scriptPath: job.scriptPath,
      script: job.script,
      context: job.context,
      enforceSignatureCheck: job.enforceSignatureCheck,
      timeoutMs: launch.timeoutSeconds * 1000,
    },
    deps.host,
  );
  // A script that outlives its timeout is killed then, with what it wrote so far lost [our choice: S12 saw no
  // output reported for the killed script]; the runner waited the whole timeout (one hung script holds the queue).
  const timeoutMs = launch.timeoutSeconds * 1000;
  const runMs = result.durationMs ?? SCRIPT_PROCESS_MS;
  const timedOut = runMs > timeoutMs;
  await deps.clock.sleep(timedOut ? timeoutMs : runMs);
  const outcome: ScriptOutcome = timedOut
    ? { exitCode: TIMED_OUT_EXIT_CODE, output: "", error: "", timedOut: true }
    : { exitCode: result.exitCode, output: result.stdout, error: result.stderr };
  deps.events.emit({ phase: "script.exited", details: { ...launch, ...outcome, stage: job.stage } }, subject);
  return outcome;
}
