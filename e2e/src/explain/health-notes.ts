// `imesim explain` for the health evaluation task (issue 16, ime.md §8): what ClientHealthEval.exe does at each
// step and why. The reference knows the task, its daily schedule with a random delay, HealthCheck.xml's element
// grammar and what the checks cover; the check ids, the remediation of each check, every ClientHealth.log line
// and HealthReport.json's shape are imesim's choices, and the notes say so.
import type { PhaseNote } from "./phase-notes.ts";

export const HEALTH_PHASE_NOTES: Readonly<Record<string, PhaseNote>> = {
  "health.scheduled": {
    title: "Health evaluation scheduled",
    why: "The scheduled task \"Intune Management Extension Health Evaluation\" runs ClientHealthEval.exe daily with a random delay of up to an hour (ime.md §8). Its daily trigger is the IME's install time (imesim's choice); imesim draws each day's delay from a seed, so a run repeats exactly.",
  },
  "health.started": {
    title: "Health evaluation started",
    why: "ClientHealthEval.exe runs outside the IME service, so it runs while the service is stopped. It reads the checks from HealthCheck.xml in the install dir (its <HealthCheck ID Type Description>, <Applicability> and ordered <PARAM> grammar is from ime.md §8; the checks in it are imesim's). Every ClientHealth.log line is imesim's wording: no real line is public.",
  },
  "health.configInvalid": {
    title: "HealthCheck.xml unreadable",
    why: "The task could not read its checks, so it checked nothing and reported Unhealthy (imesim's choice).",
  },
  "health.checked": {
    title: "Health check",
    why: "One check of HealthCheck.xml: the IME service installed, set to automatic, running, its process under the memory limit (IME 1.103's ProcessMonitoring type), the install and log folders present (ime.md §8). The 500 MB default limit is imesim's choice.",
  },
  "health.remediated": {
    title: "Health check remediated",
    why: "ime.md §8 says the task restarts or repairs the IME when checks fail; which repair goes with which check is imesim's choice: reset the start-up type to automatic, start the stopped service (through the same path as Restart-Service, so the IME starts, delays and checks in with AgentRestart), restart a process over its memory limit, create a missing folder. A disabled service cannot be started (Windows error 1058) unless the start-up check re-enabled it first.",
  },
  "health.completed": {
    title: "Health report written",
    why: "HealthReport.json records the run: no public sample of the real file is known (ime.md §8, §11), so its shape (Schema imesim-health-report/1, OverallState Healthy, Remediated or Unhealthy, one entry per check) and its place beside HealthCheck.xml are imesim's own.",
  },
};
