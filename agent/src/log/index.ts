export type { CmtraceEntry, CmtraceType } from "./cmtrace.ts";
export {
  CMTRACE_RECORD,
  formatCmtraceDate,
  formatCmtraceLine,
  formatCmtraceTime,
  parseCmtrace,
} from "./cmtrace.ts";
export type { ImeLogFile, RenderedLine } from "./lines.ts";
export {
  formatDotNetDateTime,
  formatRegistryTimestamp,
  formatTimeSpan,
  renderEvent,
  writesDoTelemetryLine,
} from "./lines.ts";
export type { ImeLogLevel, LogLevelSwitch } from "./log-level.ts";
export {
  agentConfigText,
  IME_AGENT_CONFIG_PATH,
  logLevelOfConfig,
  readLogLevel,
} from "./log-level.ts";
export type { LogWriter, LogWriterOptions } from "./writer.ts";
export { createLogWriter, DEFAULT_MAX_LOG_BYTES, DEFAULT_MAX_LOG_HISTORY, rotatedLogName } from "./writer.ts";
