import { ImesimError } from "@imesim/contracts/errors";
import type { SourcePosition } from "./yaml-position.ts";

/** One invalid input in a scenario file, with where it is. */
export interface ScenarioIssue {
  /** `apps[0].assignments[1].intent` */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Stable error codes of scenario loading. */
export const ScenarioErrorCode = {
  Invalid: "SCENARIO_INVALID",
  Unreadable: "SCENARIO_UNREADABLE",
} as const;

/** Thrown when a scenario file is invalid; `issues` lists every problem found, each with line and column. */
export class ScenarioError extends ImesimError {
  readonly issues: readonly ScenarioIssue[];
  readonly file: string;

  constructor(file: string, issues: readonly ScenarioIssue[]) {
    const first = issues[0];
    super(
      ScenarioErrorCode.Invalid,
      `${file} is not a valid scenario (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${issues
        .map((issue) => `  ${formatIssue(file, issue)}`)
        .join("\n")}`,
      first === undefined ? {} : { path: first.path },
    );
    this.name = "ScenarioError";
    this.issues = issues;
    this.file = file;
  }
}

/** `demo.yaml:12:7: apps[0].name: must be ...` — the compiler-style form editors can jump to. */
export function formatIssue(file: string, issue: ScenarioIssue): string {
  return `${file}:${issue.line}:${issue.column}: ${issue.path}: ${issue.message}`;
}

/** Builds an issue from a position. */
export function issueAt(path: string, position: SourcePosition, message: string): ScenarioIssue {
  return { path, line: position.line, column: position.column, message };
}
