// What the loader hands to the runner: the validated file plus everything resolved once (ids, absolute
// package paths, times in ms, parsed pasted policies), so nothing downstream re-reads or re-checks YAML.
import type { Win32LobApp } from "@imesim/contracts/graph";
import type { DecodedImePolicy } from "@imesim/contracts/ime";
import type { Action, AppDefinition, Assignment, ScenarioFile } from "./schema.ts";

/** Where an app's content comes from, with paths made absolute. */
export type ResolvedPackage =
  | { readonly kind: "folder"; readonly path: string }
  | { readonly kind: "intunewin"; readonly path: string }
  | {
      readonly kind: "files";
      readonly files: Readonly<Record<string, string>>;
      readonly setupFile: string | undefined;
    };

/** The app form a scenario used; all three reach the device as the same IME policy. */
export type AppForm = "graph" | "policy" | "short";

export interface LoadedApp {
  readonly name: string;
  readonly id: string;
  readonly form: AppForm;
  readonly definition: AppDefinition;
  /** The checked Graph app (forms "graph" and "short"). */
  readonly graphApp: Win32LobApp | undefined;
  /** The decoded pasted policy (form "policy"). */
  readonly pastedPolicy: DecodedImePolicy | undefined;
  /** Who receives the app and how; a pasted policy without assignments keeps its own Intent/TargetType. */
  readonly assignments: readonly Assignment[];
  readonly package: ResolvedPackage | undefined;
}

export interface LoadedUser {
  readonly name: string;
  readonly objectId: string;
  readonly sid: string;
  readonly loggedOn: boolean;
}

export type TimedAction = Action & { readonly atMs: number };

export interface LoadedScenario {
  /** The scenario file as given on the command line (for messages). */
  readonly file: string;
  /** Folder relative package paths resolve against. */
  readonly baseDir: string;
  readonly source: ScenarioFile;
  readonly name: string;
  readonly durationMs: number;
  readonly clockMode: "virtual" | "real";
  /** Epoch ms the device clocks start at. */
  readonly startMs: number;
  readonly devices: number;
  readonly users: readonly LoadedUser[];
  readonly apps: readonly LoadedApp[];
  /** Sorted by time; equal times keep file order. */
  readonly actions: readonly TimedAction[];
}

/**
 * Default start of simulated time: a fixed Monday morning, so logs, GRS timestamps and reports are the
 * same on every run unless a scenario sets `clock.start`.
 */
export const DEFAULT_START = "2026-01-05T08:00:00.000Z";
