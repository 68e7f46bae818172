export { formatDuration, parseDuration } from "./duration.ts";
export { formatIssue, ScenarioError, ScenarioErrorCode, type ScenarioIssue } from "./errors.ts";
export { SCENARIO_SCHEMA_FILE, scenarioJsonSchemaText } from "./json-schema.ts";
export { type LoadOptions, loadScenarioFile, type PathProbe, parseScenario } from "./loader.ts";
export type {
  AppForm,
  LoadedApp,
  LoadedScenario,
  LoadedUser,
  ResolvedPackage,
  TimedAction,
} from "./model.ts";
export { DEFAULT_START } from "./model.ts";
export * from "./schema.ts";
export { sidFromObjectId, stableGuid } from "./stable-id.ts";
