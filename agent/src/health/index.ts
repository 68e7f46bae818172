export type { HealthHookDeps, HealthOptions } from "./agent-hook.ts";
export { startHealthEvaluation } from "./agent-hook.ts";
export type { HealthCheck } from "./health-check-xml.ts";
export {
  DEFAULT_MEMORY_THRESHOLD_MB,
  defaultHealthChecks,
  formatHealthCheckXml,
  HEALTH_CHECK_XML_PATH,
  IME_PROCESS_NAME,
  IME_SERVICE_NAME,
  parseHealthCheckXml,
} from "./health-check-xml.ts";
export type { HealthReport, HealthReportCheck } from "./health-report.ts";
export { HEALTH_REPORT_PATH, parseHealthReport } from "./health-report.ts";
export { HEALTH_RANDOM_DELAY_MS, nextHealthRun, randomDelayMs } from "./health-schedule.ts";
export { HEALTH_TASK_NAME, runHealthEvaluation } from "./health-task.ts";
export {
  IME_BASELINE_WORKING_SET_MB,
  imeService,
  imeStartsAtBoot,
  installImeService,
  recordImeRunning,
  setImeStartType,
  setImeWorkingSetMb,
} from "./ime-service.ts";
