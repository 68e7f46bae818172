// What one `imesim run` produced, in a shape every report (text, JSON, JUnit, fleet summary, explain)
// reads; the composition root fills it, nothing here runs anything.
import { DEVICE_USER_ID } from "@imesim/agent/events";
import type { DeviceOutcome, ExpectationResult } from "../scenario/expectations.ts";
import type { LoadedScenario } from "../scenario/index.ts";

/** One app's state on one device for one user (or the device), as the IME's registry holds it. */
export interface AppFinalState {
  readonly appId: string;
  readonly appName: string;
  /** Entra object id, or the all-zero device id. */
  readonly userId: string;
  readonly userName: string | undefined;
  readonly version: number;
  readonly enforcementState: number | undefined;
  readonly errorCode: number | undefined;
  readonly complianceState: number | undefined;
  readonly applicability: number | undefined;
}

export interface DeviceRun {
  readonly outcome: DeviceOutcome;
  readonly deviceId: string;
  readonly deviceName: string;
  readonly finalStates: readonly AppFinalState[];
  /**
   * Set when the device ran in a fleet worker (its events stayed there): the app ids, lower case, of every app
   * list it received, or null when it never received one. Otherwise the fleet summary reads the events.
   */
  readonly receivedApps?: readonly string[] | null;
}

export interface RunResult {
  readonly scenario: LoadedScenario;
  readonly devices: readonly DeviceRun[];
  readonly expectations: readonly ExpectationResult[];
  /** True when every expectation held and no device's agent stopped on an unexpected error. */
  readonly passed: boolean;
  /** Problems that are not expectations: an agent that crashed, a device that could not start. */
  readonly errors: readonly string[];
  readonly wallMs: number;
  readonly simulatedMs: number;
  /** Where logs and .reg exports were written (--out). */
  readonly outDir: string | undefined;
}

/** A run's result from its parts: it passed when every expectation held and no agent stopped on an error. */
export function runResultOf(
  parts: Pick<RunResult, "scenario" | "devices" | "expectations" | "errors" | "outDir">,
  wallStart: number,
): RunResult {
  return {
    ...parts,
    passed: parts.errors.length === 0 && parts.expectations.every((check) => check.passed),
    wallMs: performance.now() - wallStart,
    simulatedMs: parts.scenario.durationMs,
  };
}

/** Reads every app's final state on a device from the IME's registry (ime.md §4.1). */
export function finalStatesOf(scenario: LoadedScenario, outcome: DeviceOutcome): AppFinalState[] {
  const contexts = [
    { userId: DEVICE_USER_ID, userName: undefined as string | undefined },
    ...scenario.users.map((user) => ({ userId: user.objectId, userName: user.name as string | undefined })),
  ];
  const states: AppFinalState[] = [];
  for (const context of contexts) {
    for (const revision of outcome.state.listAppStates(context.userId)) {
      const app = scenario.apps.find(
        (candidate) => candidate.id.toLowerCase() === revision.appId.toLowerCase(),
      );
      const ref = { userId: context.userId, appId: revision.appId, version: revision.version };
      const enforcement = outcome.state.readEnforcement(ref);
      const compliance = outcome.state.readCompliance(ref);
      states.push({
        appId: revision.appId,
        appName: app?.name ?? revision.appId,
        userId: context.userId,
        userName: context.userName,
        version: revision.version,
        enforcementState: enforcement?.EnforcementState,
        errorCode: enforcement?.ErrorCode ?? undefined,
        complianceState: compliance?.ComplianceState ?? undefined,
        applicability: compliance?.Applicability ?? undefined,
      });
    }
  }
  return states;
}
