// Reads a scenario file: YAML syntax → schema → cross-references, collecting every problem with its
// YAML path and line:column before giving up, so one run of `imesim run` shows all of them.
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ImesimError } from "@imesim/contracts/errors";
import { Compile } from "typebox/compile";
import { Settings } from "typebox/system";
import { LineCounter, parseDocument } from "yaml";
import { parseDuration } from "./duration.ts";
import { issueAt, ScenarioError, ScenarioErrorCode, type ScenarioIssue } from "./errors.ts";
import { DEFAULT_START, type LoadedScenario } from "./model.ts";
import { type ScenarioFile, ScenarioSchema } from "./schema.ts";
import { type DocumentPath, schemaIssues } from "./schema-issues.ts";
import { resolveScenario } from "./semantics.ts";
import { formatPath, positionOf } from "./yaml-position.ts";

const checker = Compile(ScenarioSchema);

/** What the loader may ask of the file system; tests pass a fake. */
export interface PathProbe {
  kind(path: string): "file" | "directory" | undefined;
}

const diskProbe: PathProbe = {
  kind(path) {
    try {
      const stat = statSync(path);
      return stat.isDirectory() ? "directory" : "file";
    } catch {
      return undefined;
    }
  },
};

/** What a caller of the loader may relax. */
export interface LoadOptions {
  /**
   * A scenario without `apps` is valid: `imesim agent --scenario` takes only the device and what its
   * installers, programs and scripts do, the apps come from the service it enrolls with.
   */
  readonly appsOptional?: boolean;
}

/** Reads and validates a scenario file; throws a ScenarioError listing every problem with line:column. */
export function loadScenarioFile(
  file: string,
  probe: PathProbe = diskProbe,
  loadOptions: LoadOptions = {},
): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new ImesimError(
      ScenarioErrorCode.Unreadable,
      `Cannot read scenario file ${file}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return parseScenario(text, { file, baseDir: dirname(resolve(file)), probe, ...loadOptions });
}

/** Validates scenario YAML text; `baseDir` is where relative package paths resolve. */
export function parseScenario(
  text: string,
  options: { file: string; baseDir: string; probe?: PathProbe } & LoadOptions,
): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      options.file,
      doc.errors.map((error) => {
        const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
        return {
          path: "(yaml)",
          line: pos.line,
          column: pos.col,
          message: (error.message.split("\n")[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, ""),
        };
      }),
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 1000 });
  const report = (path: DocumentPath, message: string, atKey = false): ScenarioIssue =>
    issueAt(formatPath(path), positionOf(doc, lines, path, atKey), message);

  if (!checker.Check(value)) {
    const issues = schemaIssues(allErrors(value), ScenarioSchema).map((issue) =>
      report(issue.path, issue.message, issue.atKey),
    );
    throw new ScenarioError(options.file, sortIssues(issues));
  }
  const scenario: ScenarioFile = value;
  const problems: ScenarioIssue[] = [];
  if (scenario.apps === undefined && options.appsOptional !== true)
    problems.push(
      report([], 'required member "apps" is missing (only `imesim agent --scenario` may leave it out)'),
    );
  const loaded = resolveScenario(scenario, {
    baseDir: options.baseDir,
    probe: options.probe ?? diskProbe,
    report: (path, message, atKey) => problems.push(report(path, message, atKey)),
  });
  if (problems.length > 0) throw new ScenarioError(options.file, sortIssues(problems));
  return {
    ...loaded,
    file: options.file,
    baseDir: options.baseDir,
    source: scenario,
    name: scenario.name,
    durationMs: parseDuration(scenario.duration),
    clockMode: scenario.clock?.mode ?? "virtual",
    startMs: Date.parse(scenario.clock?.start ?? DEFAULT_START),
    devices: scenario.devices ?? 1,
  };
}

/**
 * Every schema error of a scenario. TypeBox buffers 8 by default (a guard for servers); a scenario file is
 * the user's own input and we want every problem, and a union's summary error comes after its branches'.
 */
function allErrors(value: unknown) {
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: 10_000 });
  try {
    return checker.Errors(value);
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}

function sortIssues(issues: ScenarioIssue[]): ScenarioIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}
