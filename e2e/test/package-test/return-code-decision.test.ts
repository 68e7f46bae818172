// One table of exit-code outcomes (ime.md §5.1, §5.4) fed to both consumers of the IME's decision: the
// agent's enforcement chart (its guards, with every effect faked) and `imesim test`'s return-code report.
// They must agree with the table and therefore with each other.
import {
  type EnforcementContext,
  type EnforcementLogic,
  type EnforcementResult,
  enforcementMachine,
} from "@imesim/agent/machines";
import { DEFAULT_RETURN_CODES, DeviceRestartBehavior, Intent, TargetType } from "@imesim/contracts/enums";
import type { DecodedImePolicy } from "@imesim/contracts/ime";
import { describe, expect, it } from "vitest";
import { createActor, waitFor } from "xstate";
import { returnCodeOutcomes } from "../../src/package-test/return-code-outcomes.ts";

const APP = "0a0a0a0a-0000-4000-8000-00000000000a";

function policyWith(restart: DeviceRestartBehavior): DecodedImePolicy {
  return {
    Id: APP,
    Name: "Table app",
    Version: 1,
    Intent: Intent.Required,
    TargetType: TargetType.Device,
    AppApplicabilityStateDueToAssginmentFilters: null,
    AssignmentFilterIds: null,
    DetectionRule: [],
    InstallCommandLine: "setup.exe /quiet",
    UninstallCommandLine: "setup.exe /uninstall",
    RequirementRules: {
      RequiredOSArchitecture: 96,
      MinimumFreeDiskSpaceInMB: null,
      MinimumWindows10BuildNumer: null,
      MinimumMemoryInMB: null,
      MinimumNumberOfProcessors: null,
      MinimumCpuSpeed: null,
      RunAs32Bit: false,
    },
    ExtendedRequirementRules: [],
    InstallEx: {
      RunAs: 1,
      RequiresLogon: false,
      InstallProgramVisibility: 3,
      // No retries, so a Retry code's final outcome is reached at once.
      MaxRetries: 0,
      RetryIntervalInMinutes: 5,
      MaxRunTimeInMinutes: 60,
      DeviceRestartBehavior: restart,
    },
    ReturnCodes: [...DEFAULT_RETURN_CODES],
    AvailableAppEnforcement: 0,
    SetUpFilePath: "setup.exe",
    ToastState: 2,
    Targeted: 1,
    FlatDependencies: null,
    MetadataVersion: 4,
    RelationVersion: 0,
    RebootEx: { GracePeriod: -1, Countdown: -1, Snooze: -1 },
    InstallBehavior: 0,
    StartDeadlineEx: { TimeFormat: "", StartTime: null, Deadline: null },
    ReevaluationInterval: 480,
  };
}

/** Runs the real enforcement chart over faked effects until it records; the installer exits with `exitCode`. */
async function chartOutcome(policy: DecodedImePolicy, exitCode: number) {
  // The context the chart hands to the recorder, which the test reads.
  let recorded: EnforcementContext | undefined;
  const logic: EnforcementLogic = {
    steps: {
      checkGrs: () => "noValue",
      detect: () => ({ detected: false, lines: [] }),
      checkApplicability: () => ({ applicability: 0, lines: [] }),
      record: (context) => {
        recorded = context;
        return {} as EnforcementResult;
      },
    },
    actors: {
      detectAfterDownload: async () => ({
        outcome: { detected: false, lines: [] },
        supersededDetected: false,
      }),
      fetchContentInfo: async () => ({
        url: "http://127.0.0.1/content.bin",
        encryption: { EncryptionKey: "", IV: "", ProfileIdentifier: "NoEncryption" },
      }),
      download: async () => ({ bytes: 0, via: "DO" }),
      verify: async () => undefined,
      decrypt: async () => undefined,
      unzip: async () => undefined,
      runInstaller: async () => ({ exitCode, durationMs: 0, stdout: "", stderr: "" }),
      redetect: async () => ({ outcome: { detected: true, lines: [] }, supersededDetected: false }),
    },
    effects: {
      announceDesiredState() {},
      announceGrsBlocked() {},
      recordInProgress() {},
      recordDownloadCompleted() {},
      landInstallerEffects() {},
      announceExitCode() {},
      announceRetry() {},
      announceReboot() {},
      cleanUp() {},
    },
  };
  const actor = createActor(enforcementMachine, {
    input: {
      policy,
      userId: "00000000-0000-0000-0000-000000000000",
      session: 0,
      hash: "hash",
      targeting: "required",
      mode: "install",
      targetingMethod: 0,
      logic,
    },
  }).start();
  await waitFor(actor, (s) => s.status === "done", { timeout: 2_000 });
  if (recorded === undefined) throw new Error("the chart finished without recording");
  return recorded;
}

const { BasedOnReturnCode, Allow, Suppress, Force } = DeviceRestartBehavior;

// [exit code, DeviceRestartBehavior, EnforcementState, unsigned ErrorCode, pending reboot, re-detected]
const TABLE: ReadonlyArray<readonly [number, DeviceRestartBehavior, number, number, boolean, boolean]> = [
  [0, BasedOnReturnCode, 1000, 0, false, true],
  [1707, BasedOnReturnCode, 1000, 0, false, true],
  [3010, BasedOnReturnCode, 1000, 0, false, true],
  [1641, BasedOnReturnCode, 2008, 0, true, false],
  [1641, Allow, 2008, 0, true, false],
  [1641, Suppress, 1000, 0, false, true],
  [3010, Suppress, 1000, 0, false, true],
  [0, Force, 2008, 0, true, false],
  [3010, Force, 2008, 0, true, false],
  [1641, Force, 2008, 0, true, false],
  [1618, BasedOnReturnCode, 5000, 0x80070652, false, false],
  [1603, BasedOnReturnCode, 5000, 0x80070643, false, false],
  [1603, Force, 5000, 0x80070643, false, false],
];

describe("the install decision: one table, both consumers", () => {
  it.each(TABLE)(
    "exit %i with DeviceRestartBehavior %i ends in %i",
    async (exitCode, restart, state, error, pending, redetected) => {
      const policy = policyWith(restart);
      const reported = returnCodeOutcomes(policy).find((outcome) => outcome.exitCode === exitCode);
      expect(reported).toMatchObject({ enforcementState: state, errorCode: error, pendingReboot: pending });
      const chart = await chartOutcome(policy, exitCode);
      expect(chart.finalState).toBe(state);
      expect(chart.errorCode >>> 0).toBe(error);
      expect(chart.rebootPending).toBe(pending);
      expect(chart.detectedAfter !== undefined).toBe(redetected);
    },
  );

  it("explains a pending reboot as InProgressPendingReboot, not success", () => {
    const hard = returnCodeOutcomes(policyWith(BasedOnReturnCode)).find(
      (outcome) => outcome.exitCode === 1641,
    );
    expect(hard?.explanation).toMatch(/^InProgressPendingReboot \(2008\)/);
    const suppressed = returnCodeOutcomes(policyWith(Suppress)).find((outcome) => outcome.exitCode === 1641);
    expect(suppressed?.explanation).not.toMatch(/no further apps/);
  });
});
