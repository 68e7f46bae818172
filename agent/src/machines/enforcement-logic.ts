// The effects behind the enforcement chart: device evaluation, content, installer, registry, events.
import { Applicability, EnforcementState, InstallContext, nameOf, RunAs } from "@imesim/contracts/enums";
import { ImesimError, isImesimError } from "@imesim/contracts/errors";
import type { DecodedImePolicy } from "@imesim/contracts/ime";
import { type Clock, whileHeld } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import type { DiskSpool } from "../host/files/disk-spool.ts";
import type { DiskBacking } from "../host/files/file-store.ts";
import type { Installer, InstallOutcome } from "../host/installer/types.ts";
import type { Host, ProcessContext } from "../host/types.ts";
import { imeCachePath, incomingPath, stagingPath } from "../ime/paths.ts";
import type { ImeStateStore } from "../ime/state-store.ts";
import { callService, type TokenProvider } from "../service-client/token-provider.ts";
import type { ImeServiceClient } from "../service-client/types.ts";
import { createContentDownloader, type DeliverySources } from "./content-download.ts";
import { grsAllowsEnforcement, grsVerdict, installOutcome, mapExitCode } from "./decisions.ts";
import type { EnforcementLogic } from "./enforcement-machine.ts";
import { complianceOf, createOutcomeRecorder, initialReportingState } from "./enforcement-record.ts";
import { evaluationOf, message, subjectOf } from "./enforcement-subject.ts";
import type { EnforcementContext, EnforcementResult } from "./enforcement-types.ts";
import type { AppEvaluator, ApplicabilityOutcome, ContentCodec, DetectionOutcome } from "./ports.ts";
import { type StagedHost, stageHost } from "./staged-install.ts";
import { contentStepMs, INSTALL_FLOOR_MS } from "./work-durations.ts";

export type { DeliverySources } from "./content-download.ts";

/** Everything an enforcement touches. */
export interface EnforcementDeps {
  readonly host: Host;
  readonly store: ImeStateStore;
  readonly events: ImeEventStream;
  readonly clock: Clock;
  readonly evaluator: AppEvaluator;
  readonly codec: ContentCodec;
  readonly service: ImeServiceClient;
  readonly tokens: TokenProvider;
  readonly installer: Installer;
  /** Where Delivery Optimization finds the bytes (for its telemetry); all HTTP when absent. */
  readonly deliverySources?: DeliverySources;
  /** The IME version the agent plays (`Agent version is: …`). */
  readonly agentVersion: string;
  /** The device's link in Mbit/s (work-durations.ts DEFAULT_DOWNLOAD_MBPS when absent). */
  readonly downloadMbps?: number;
  /** The real folder a large downloaded .bin streams into (content-download.ts). */
  readonly spool: DiskSpool;
}

/**
 * The Win32 error a failed CreateProcess reports. An installer that throws has no Windows error of its own;
 * we report ERROR_FILE_NOT_FOUND (2), the usual reason a command line cannot start [I].
 */
const LAUNCH_FAILURE_WIN32_ERROR = 2;

/** The words of the desired-state block (ime.md §1.3.3). */
function desiredStateWords(context: EnforcementContext) {
  const uninstall = context.mode === "uninstall";
  const targetedIntent =
    context.targeting === "available"
      ? "AvailableInstall"
      : uninstall
        ? "RequiredUninstall"
        : "RequiredInstall";
  const applicable = context.applicability === undefined || context.applicability.applicability === 0;
  const detected = context.detection?.detected === true;
  const needsAction = applicable && detected === uninstall;
  return {
    targetedIntent,
    classification: !applicable
      ? "NotApplicableOrNotTargeted"
      : needsAction
        ? "EnforcementPoint"
        : "InstalledOrNotInstalled",
    // A not-applicable app has desired state None (ime.md §11a Reporting).
    desiredState: !applicable ? "None" : uninstall ? "NotPresent" : "Present",
    detection: detected ? "Detected" : "NotDetected",
    applicability: applicable
      ? "Applicable"
      : (nameOf(Applicability, context.applicability?.applicability ?? 0) ?? "RequirementsNotMet"),
    grsExpired: context.grs !== "notExpired",
    needsAction,
  };
}

/** The DetectionState a dependency root is first reported with (ime.md §11a order). */
export const UNDETECTABLE = "Undetectable";

/** The subgraph's first look at an app: the detection, and the DetectionState it reported, if any. */
export interface Predetection {
  readonly outcome: DetectionOutcome;
  readonly reportedDetection?: string;
}

/** What an enforcement settled in place was found to be, before its lines (EnforcementLogicWithRecorder). */
export interface KnownEvaluation {
  readonly detection: DetectionOutcome;
  /** Present when the chart checks requirements (a missing app to install). */
  readonly applicability?: ApplicabilityOutcome;
}

/** The enforcement chart's logic, plus what the subgraph runs around its members. */
export interface EnforcementLogicWithRecorder extends EnforcementLogic {
  /** Records the outcome of an app the subgraph does not attempt. */
  recordOutcome(context: EnforcementContext): EnforcementResult;
  /**
   * The subgraph's first look at an app before its relatives run (ime.md §11a order): its reporting state, one
   * detection, and for a dependency root the `Undetectable` Detection delta.
   */
  predetect(context: EnforcementContext, undetectable: boolean): Predetection;
  /** The app's detection, evaluated without its line (nothing is written or emitted). */
  detectQuietly(context: EnforcementContext): DetectionOutcome;
  /** The app's requirement check, evaluated without its line (nothing is written or emitted). */
  checkApplicabilityQuietly(context: EnforcementContext): ApplicabilityOutcome;
  /**
   * The enforcement chart's run for an app that ends without fetching content (already in its desired state,
   * not applicable, or held by GRS), as plain steps with the same lines and writes in the same order; `known`
   * holds the detection and requirement check evaluated quietly just before. Returns the chart's result.
   */
  settleInPlace(context: EnforcementContext, known: KnownEvaluation): EnforcementResult;
}

/** Builds the enforcement chart's actors and effects over the device and the service. */
export function createEnforcementLogic(deps: EnforcementDeps): EnforcementLogicWithRecorder {
  const { host, store, events, clock } = deps;
  let nextProcessId = 4_000;
  const download = createContentDownloader(deps);
  const { writeEnforcement, writeComplianceState, record } = createOutcomeRecorder(deps);
  // The journal of each running installer, by user and app, until its process ends (staged-install.ts).
  const running = new Map<string, StagedHost>();
  const runKey = (context: EnforcementContext) => `${context.userId}\\${context.policy.Id}`;

  /** The `detection.completed` line of a detection pass whose outcome is known. */
  const announceDetection = (
    context: EnforcementContext,
    policy: DecodedImePolicy,
    outcome: DetectionOutcome,
    afterExecution: boolean,
  ) => {
    events.emit(
      {
        phase: "detection.completed",
        details: {
          detected: outcome.detected,
          ...(outcome.version === undefined ? {} : { version: outcome.version }),
          ruleLines: outcome.lines,
          afterExecution,
        },
      },
      { userId: context.userId, appId: policy.Id },
    );
  };
  /** The `applicability.completed` line of a requirement check whose outcome is known. */
  const announceApplicability = (context: EnforcementContext, outcome: ApplicabilityOutcome) => {
    events.emit(
      {
        phase: "applicability.completed",
        details: {
          applicability: outcome.applicability,
          applicabilityName: nameOf(Applicability, outcome.applicability) ?? String(outcome.applicability),
          ruleLines: outcome.lines,
        },
      },
      subjectOf(context),
    );
  };
  const detectApp = (context: EnforcementContext, policy: DecodedImePolicy, afterExecution: boolean) => {
    const outcome = deps.evaluator.detect(policy, host, evaluationOf(context));
    announceDetection(context, policy, outcome, afterExecution);
    return outcome;
  };
  const detect = (context: EnforcementContext, afterExecution: boolean) =>
    detectApp(context, context.policy, afterExecution);
  /**
   * The apps this one supersedes, detected again after its own detection: after the download and after the
   * install, the "both detections" of §11a's supersedence order. True when any is still there.
   */
  const detectSuperseded = (context: EnforcementContext, afterExecution: boolean) => {
    let any = false;
    for (const old of context.superseded ?? []) {
      if (detectApp(context, old.policy, afterExecution).detected) any = true;
    }
    return any;
  };
  /** The ReportingManager loads the app's reporting state before anything else (ime.md §11a Reporting). */
  const loadReport = (context: EnforcementContext) => {
    const prior = store.readReportingState(context.userId, context.policy.Id);
    events.emit(
      {
        phase: "report.loaded",
        details: { found: prior !== undefined, reportingState: prior ?? initialReportingState(context) },
      },
      subjectOf(context),
    );
  };
  const contentStep = async <T>(
    context: EnforcementContext,
    stage: "verify" | "decrypt" | "unzip",
    bytes: number,
    work: () => Promise<T>,
  ): Promise<T> => {
    try {
      // Real async work (crypto, inflate) runs off the event loop: hold the clock until it is done.
      const result = await whileHeld(clock, work);
      // On the device the step takes the time its size needs (work-durations.ts).
      await clock.sleep(contentStepMs(stage, bytes));
      return result;
    } catch (error) {
      events.emit(
        {
          phase: "content.failed",
          details: {
            stage,
            errorCode: isImesimError(error) ? (error.imeErrorCode ?? 0) : 0,
            message: message(error),
          },
        },
        subjectOf(context),
      );
      throw error;
    }
  };

  // The IME stages the decrypted zip here before unzipping (ime.md §3.5); our codec streams straight
  // from the .bin, so the path only appears in the log line.
  const zipPath = (context: EnforcementContext) =>
    `${stagingPath(context.policy.Id, context.policy.Version)}\\${context.policy.Id}_${context.policy.Version}.zip`;
  // A .bin on the real disk goes to the codec as its backing, read in pieces, never copied whole.
  const encryptedOf = (context: EnforcementContext) => {
    const path = incomingPath(context.policy.Id, context.policy.Version);
    return host.fs.diskBacking?.(path) ?? host.fs.readFile(path);
  };
  const sizeOf = (encrypted: Uint8Array | DiskBacking) =>
    encrypted instanceof Uint8Array ? encrypted.length : encrypted.size;
  const logic: EnforcementLogicWithRecorder = {
    recordOutcome: record,
    detectQuietly: (context) => deps.evaluator.detect(context.policy, host, evaluationOf(context)),
    checkApplicabilityQuietly: (context) =>
      deps.evaluator.checkApplicability(context.policy, host, evaluationOf(context)),
    settleInPlace(context, known) {
      // The chart's path, step for step, for an app that ends without content: checkingGrs → detecting →
      // routing → [checkingApplicability →] [deciding → [blockedByGrs →]] recording → cleaningUp.
      let current: EnforcementContext = { ...context, grs: logic.steps.checkGrs(context) };
      announceDetection(current, current.policy, known.detection, false);
      current = { ...current, detection: known.detection };
      const uninstall = current.mode === "uninstall";
      if (known.detection.detected !== uninstall) {
        // routing: alreadyInDesiredState.
        logic.effects.announceDesiredState(current);
        current = { ...current, finalState: EnforcementState.Success, errorCode: 0 };
      } else {
        // "Not detected app … and intent is to un-install, skip applicability check" (ime.md §1.3.4).
        if (!uninstall && known.applicability !== undefined) {
          announceApplicability(current, known.applicability);
          current = { ...current, applicability: known.applicability };
        }
        // deciding.
        logic.effects.announceDesiredState(current);
        if (current.applicability !== undefined && current.applicability.applicability !== 0) {
          current = { ...current, finalState: EnforcementState.RequirementsNotMet, errorCode: 0 };
        } else if (current.grs !== undefined && !grsAllowsEnforcement(current.grs)) {
          current = { ...current, blockedByGrs: true };
          logic.effects.announceGrsBlocked(current);
          current = { ...current, finalState: EnforcementState.Error, errorCode: 0 };
        } else {
          throw new ImesimError(
            "ENFORCEMENT_NEEDS_CONTENT",
            `app ${current.policy.Id} needs its content: its enforcement cannot settle in place`,
          );
        }
      }
      const result = record(current);
      logic.effects.cleanUp({ ...current, result });
      return result;
    },
    predetect(context, undetectable) {
      const first = store.readReportingState(context.userId, context.policy.Id) === undefined;
      loadReport(context);
      const outcome = detect(context, false);
      if (undetectable && first) {
        // The root of a dependency chain is first reported Undetectable: it "will not be detected before
        // dependent apps" are processed (ime.md §11a order [C*: S10]).
        events.emit(
          {
            phase: "report.delta",
            details: {
              kind: "Detection",
              delta: { DetectionState: { OldValue: null, NewValue: UNDETECTABLE } },
            },
          },
          subjectOf(context),
        );
        return { outcome, reportedDetection: UNDETECTABLE };
      }
      return { outcome };
    },
    steps: {
      checkGrs(context) {
        // A subgraph that detected the app first has loaded its reporting state then.
        if (context.predetected !== true) loadReport(context);
        const value = store.readGrs(context.userId, context.hash, context.policy.Id);
        const verdict = grsVerdict(value, clock.now(), context.targeting);
        events.emit(
          {
            phase: "grs.checked",
            details: {
              hash: context.hash,
              verdict,
              ...(value === undefined
                ? {}
                : { value, keyPath: `${context.userId}\\GRS\\${context.hash}\\${context.policy.Id}` }),
            },
          },
          subjectOf(context),
        );
        return verdict;
      },
      detect: (context) => detect(context, false),
      checkApplicability(context) {
        const outcome = deps.evaluator.checkApplicability(context.policy, host, evaluationOf(context));
        announceApplicability(context, outcome);
        return outcome;
      },
      record,
    },
    actors: {
      detectAfterDownload: async (input) => {
        const outcome = detect(input, false);
        return { outcome, supersededDetected: detectSuperseded(input, false) };
      },
      redetect: async (input) => {
        const outcome = detect(input, true);
        return { outcome, supersededDetected: detectSuperseded(input, true) };
      },
      fetchContentInfo: async (context) => {
        try {
          return await callService(deps.tokens, clock, (token) =>
            deps.service.getContentInfo({
              token,
              appId: context.policy.Id,
              appName: context.policy.Name,
              version: context.policy.Version,
              intent: context.policy.Intent,
              userId: context.userId,
              targetType: context.policy.TargetType,
              installContext:
                context.policy.InstallEx.RunAs === RunAs.System ? InstallContext.System : InstallContext.User,
            }),
          );
        } catch (error) {
          events.emit(
            {
              phase: "content.failed",
              details: {
                stage: "contentInfo",
                errorCode: 0,
                message: `Failed to get content info: ${message(error)}`,
              },
            },
            subjectOf(context),
          );
          throw error;
        }
      },
      download: (input) => download(input),
      verify: async (context) => {
        const encrypted = encryptedOf(context);
        await contentStep(context, "verify", sizeOf(encrypted), () =>
          deps.codec.verify(encrypted, context.contentInfo!.encryption),
        );
        events.emit({ phase: "content.verified", details: { size: sizeOf(encrypted) } }, subjectOf(context));
      },
      decrypt: async (context) => {
        const encrypted = encryptedOf(context);
        await contentStep(context, "decrypt", sizeOf(encrypted), () =>
          deps.codec.decrypt(encrypted, context.contentInfo!.encryption),
        );
        events.emit(
          {
            phase: "content.decrypted",
            details: { via: context.deliveredVia, agentVersion: deps.agentVersion },
          },
          subjectOf(context),
        );
      },
      unzip: async (context) => {
        const target = imeCachePath(context.policy.Id, context.policy.Version);
        const encrypted = encryptedOf(context);
        const entries = await contentStep(context, "unzip", sizeOf(encrypted), () =>
          deps.codec.unzip(encrypted, context.contentInfo!.encryption),
        );
        host.fs.mkdir(target);
        for (const entry of entries)
          host.fs.writeFile(`${target}\\${entry.path.replace(/\//g, "\\")}`, entry.data);
        events.emit(
          {
            phase: "content.unzipped",
            details: { session: context.session, from: zipPath(context), to: target },
          },
          subjectOf(context),
        );
      },
      runInstaller: async (context) => {
        const timeoutMs = context.policy.InstallEx.MaxRunTimeInMinutes * 60_000;
        const system = context.policy.InstallEx.RunAs === RunAs.System;
        // The IME service is a 32-bit process: installs run in the WOW64 view (ime.md §1.5).
        const processContext: ProcessContext = system
          ? { account: "system", bitness: 32 }
          : {
              account: "user",
              bitness: 32,
              ...(context.userSid === undefined ? {} : { userSid: context.userSid }),
            };
        const uninstall = context.mode === "uninstall";
        const commandLine = uninstall
          ? context.policy.UninstallCommandLine
          : context.policy.InstallCommandLine;
        const workingDirectory = imeCachePath(context.policy.Id, context.policy.Version);
        nextProcessId += 4;
        events.emit(
          {
            phase: "install.started",
            details: {
              intent: uninstall ? "uninstall" : "install",
              policyIntent: context.policy.Intent,
              uninstallCommandLine: context.policy.UninstallCommandLine,
              version: context.policy.Version,
              retry: context.retry,
              commandLine,
              workingDirectory,
              account: processContext.account,
              processId: nextProcessId,
              timeoutMs,
            },
          },
          subjectOf(context),
        );
        let outcome: InstallOutcome;
        const staged = stageHost(host);
        try {
          outcome = await deps.installer.run(
            {
              appId: context.policy.Id,
              intent: uninstall ? "uninstall" : "install",
              commandLine,
              workingDirectory,
              context: processContext,
              attempt: context.retry + 1,
              timeoutMs,
            },
            staged.host,
          );
        } catch (error) {
          staged.land();
          events.emit(
            {
              phase: "install.launchFailed",
              details: { win32Error: LAUNCH_FAILURE_WIN32_ERROR, message: message(error) },
            },
            subjectOf(context),
          );
          throw error;
        }
        staged.stage();
        running.set(runKey(context), staged);
        events.emit(
          { phase: "install.launched", details: { processId: nextProcessId, timeoutMs } },
          subjectOf(context),
        );
        // A process still running at MaxRunTimeInMinutes is abandoned: no exit code (ime.md §5.1).
        if (outcome.durationMs > timeoutMs) return { ...outcome, exitCode: undefined, durationMs: timeoutMs };
        // No process ends the moment it starts (work-durations.ts).
        return {
          ...outcome,
          durationMs: Math.max(outcome.durationMs, Math.min(INSTALL_FLOOR_MS, timeoutMs)),
        };
      },
    },
    effects: {
      announceDesiredState(context) {
        const words = desiredStateWords(context);
        events.emit(
          {
            phase: "desiredState.calculated",
            details: {
              targetedIntent: words.targetedIntent,
              classification: words.classification,
              desiredState: words.desiredState,
              detection: words.detection,
              applicability: words.applicability,
              grsExpired: words.grsExpired,
            },
          },
          subjectOf(context),
        );
        if (words.needsAction && context.mode === "install") {
          events.emit(
            { phase: "desiredState.toInstall", details: { appIds: [context.policy.Id] } },
            subjectOf(context),
          );
        } else if (!words.needsAction) {
          events.emit({ phase: "desiredState.noAction", details: {} }, subjectOf(context));
        }
      },
      announceGrsBlocked(context) {
        events.emit({ phase: "grs.blocked", details: {} }, subjectOf(context));
      },
      recordInProgress(context) {
        // ime.md §10.2: ComplianceStateMessage after detection and applicability, then 2000 → 2009 → final.
        writeComplianceState(context, complianceOf(context, context.detection?.detected === true, null));
        writeEnforcement(context, EnforcementState.InProgress, 0);
      },
      recordDownloadCompleted(context) {
        writeEnforcement(context, EnforcementState.InProgressDownloadCompleted, 0);
      },
      landInstallerEffects(context) {
        // A process abandoned at MaxRunTimeInMinutes keeps running; we let its effects land then [I].
        running.get(runKey(context))?.land();
        running.delete(runKey(context));
      },
      announceExitCode(context) {
        const exitCode = context.outcome?.exitCode;
        const mapping =
          exitCode === undefined ? undefined : mapExitCode(context.policy.ReturnCodes, exitCode);
        events.emit(
          {
            phase: "install.finished",
            details: {
              exitCode,
              timedOut: exitCode === undefined,
              mapping: mapping?.word,
              errorCode: mapping?.errorCode ?? 0,
              deviceRestartBehavior: context.policy.InstallEx.DeviceRestartBehavior,
            },
          },
          subjectOf(context),
        );
      },
      announceRetry(context) {
        events.emit(
          {
            phase: "install.retryScheduled",
            details: {
              retry: context.retry + 1,
              delayMs: context.policy.InstallEx.RetryIntervalInMinutes * 60_000,
            },
          },
          subjectOf(context),
        );
      },
      announceReboot(context) {
        const exitCode = context.outcome?.exitCode;
        if (exitCode === undefined) return;
        // The same decision the chart branched on (decisions.ts installOutcome, ime.md §5.4).
        const { restart } = installOutcome(
          mapExitCode(context.policy.ReturnCodes, exitCode),
          context.policy.InstallEx.DeviceRestartBehavior,
        );
        if (restart !== "none")
          events.emit({ phase: "reboot.required", details: { kind: restart } }, subjectOf(context));
      },
      cleanUp(context) {
        // Always, not only after a download: content left by an interrupted run (a crash, a reboot) goes too.
        const incoming = incomingPath(context.policy.Id, context.policy.Version);
        const cache = imeCachePath(context.policy.Id, context.policy.Version);
        const removedIncoming = host.fs.remove(incoming);
        const removedStaging = host.fs.remove(stagingPath(context.policy.Id, context.policy.Version));
        const removedCache = !context.keepImeCache && host.fs.remove(cache);
        if (context.contentInfo === undefined && !removedIncoming && !removedStaging && !removedCache) return;
        events.emit(
          {
            phase: "cleanup.completed",
            details: { incomingPath: incoming, imeCachePath: cache, keptImeCache: context.keepImeCache },
          },
          subjectOf(context),
        );
      },
    },
  };
  return logic;
}
