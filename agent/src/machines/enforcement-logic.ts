// The effects behind the enforcement chart: device evaluation, content, installer, registry, events.
import {
  Applicability,
  ComplianceState,
  DesiredState,
  DeviceRestartBehavior,
  EnforcementState,
  InstallContext,
  nameOf,
  ReportDetectionState,
  ResultantAppState,
  RunAs,
  ToastState,
} from "@imesim/contracts/enums";
import { isImesimError } from "@imesim/contracts/errors";
import type { AppStatusReport } from "@imesim/contracts/gateway";
import type {
  ComplianceStateMessage,
  DecodedImePolicy,
  EnforcementStateMessage,
} from "@imesim/contracts/ime";
import { fromPromise } from "xstate";
import { type Clock, whileHeld } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import type { DeliveryTelemetry } from "../events/types.ts";
import type { Installer, InstallOutcome } from "../host/installer/types.ts";
import type { Host, ProcessContext } from "../host/types.ts";
import { imeCachePath, incomingPath, stagingPath } from "../ime/paths.ts";
import type { AppStateRef, ImeStateStore } from "../ime/state-store.ts";
import { formatTimeSpan } from "../log/lines.ts";
import { callService, type TokenProvider } from "../service-client/token-provider.ts";
import { type ImeServiceClient, isServiceError } from "../service-client/types.ts";
import { grsVerdict, mapExitCode } from "./decisions.ts";
import type { EnforcementLogic } from "./enforcement-machine.ts";
import type { EnforcementContext, EnforcementResult } from "./enforcement-types.ts";
import type { AppEvaluator, ContentCodec, EvaluationContext } from "./ports.ts";

/** Shares (0–1) of a DO download served by LAN peers, group peers and a Connected Cache server; HTTP gets the rest. */
export interface DeliverySources {
  readonly lanPeers?: number;
  readonly groupPeers?: number;
  readonly cacheServer?: { readonly share: number; readonly host: string };
}

/** The `[DO TEL]` numbers of one download (ime.md §1.3.6): bytes per source, peer share and duration. */
export function deliveryTelemetry(
  fileId: string,
  size: number,
  durationMs: number,
  sources: DeliverySources | undefined,
): DeliveryTelemetry {
  const part = (share: number | undefined) => Math.floor(size * Math.min(1, Math.max(0, share ?? 0)));
  const lan = part(sources?.lanPeers);
  const group = Math.min(size - lan, part(sources?.groupPeers));
  const cache = Math.min(size - lan - group, part(sources?.cacheServer?.share));
  const peers = lan + group;
  return {
    FileId: fileId,
    FileSize: size,
    TotalBytesDownloaded: size,
    BytesFromPeers: peers,
    PercentPeerCaching: size === 0 ? 0 : Math.round((peers / size) * 100),
    BytesFromLanPeers: lan,
    BytesFromGroupPeers: group,
    BytesFromInternetPeers: 0,
    BytesFromLinkLocalPeers: 0,
    BytesFromCacheServer: cache,
    CacheHost: cache > 0 ? (sources?.cacheServer?.host ?? "") : "",
    // DO download mode 1 = LAN peering (the Windows default), 2 = group; 0 = HTTP only.
    DownloadMode: group > 0 ? 2 : lan > 0 ? 1 : 0,
    DownloadDuration: formatTimeSpan(durationMs),
    BytesFromHttp: size - peers - cache,
  };
}

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
}

/**
 * The Win32 error a failed CreateProcess reports. An installer that throws has no Windows error of its own;
 * we report ERROR_FILE_NOT_FOUND (2), the usual reason a command line cannot start [I].
 */
const LAUNCH_FAILURE_WIN32_ERROR = 2;

/** The Intune DO caller prefix of every FileId (ime.md §3.4). */
const DO_CALLER_PREFIX = "501FCB7D-A970-4E34-A753-4B48FE5D8BEF";
/** DO background job wait, newer builds (ime.md §3.4); foreground waits 12 h. */
const DO_BACKGROUND_TIMEOUT_MS = 1_800_000;
const DO_FOREGROUND_TIMEOUT_MS = 43_200_000;
/** A dropped connection is resumed with a Range request this many times before the download fails. */
export const DOWNLOAD_RESUME_LIMIT = 3;
/** Write the partial .bin to disk at least this often, so a crash resumes rather than restarts. */
const PERSIST_EVERY_BYTES = 1024 * 1024;

const refOf = (context: EnforcementContext): AppStateRef => ({
  userId: context.userId,
  appId: context.policy.Id,
  version: context.policy.Version,
});
const subjectOf = (context: EnforcementContext) => ({ userId: context.userId, appId: context.policy.Id });
const evaluationOf = (context: EnforcementContext): EvaluationContext => ({
  userId: context.userId,
  ...(context.userSid === undefined ? {} : { userSid: context.userSid }),
});

/** The DO FileId built from the content URL (ime.md §3.4). */
export function deliveryFileId(url: string, appId: string, version: number): string {
  const segments = new URL(url).pathname.split("/").filter((s) => s !== "");
  const file = (segments.at(-1) ?? "content").replace(/\./g, "-");
  const [seg1 = "", seg2 = ""] = segments;
  return `${DO_CALLER_PREFIX}_${seg1}_${seg2}_${file}_${appId}_${version}`;
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

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
    desiredState: uninstall ? "NotPresent" : "Present",
    detection: detected ? "Detected" : "NotDetected",
    applicability: applicable
      ? "Applicable"
      : (nameOf(Applicability, context.applicability?.applicability ?? 0) ?? "RequirementsNotMet"),
    grsExpired: context.grs !== "notExpired",
    needsAction,
  };
}

/** Portal defaults of restartSettings when RebootEx says -1 (ime.md §5.4 [C*: S3]): grace 1440 min, countdown 15 min. */
const DEFAULT_GRACE_MINUTES = 1440;
const DEFAULT_COUNTDOWN_MINUTES = 15;

/**
 * When the IME restarts the device after a hard-reboot outcome (ime.md §5.4): with "based on return code"
 * and "force" it does, after RebootEx's grace period and countdown; with "allow" the app restarts the
 * device itself and the IME does not.
 */
export function imeRestartDelayMs(policy: DecodedImePolicy): number | undefined {
  if (policy.InstallEx.DeviceRestartBehavior === DeviceRestartBehavior.Allow) return undefined;
  const grace = policy.RebootEx.GracePeriod >= 0 ? policy.RebootEx.GracePeriod : DEFAULT_GRACE_MINUTES;
  const countdown = policy.RebootEx.Countdown >= 0 ? policy.RebootEx.Countdown : DEFAULT_COUNTDOWN_MINUTES;
  return (grace + countdown) * 60_000;
}

/**
 * The toasts an enforcement raises through AgentExecutor, as the assignment's notifications ask (ToastState,
 * ime.md §2.9): showAll → install outcome and restart toasts, showReboot → restart toasts only, hideAll → none.
 * Only `ToastDependencyAppInstall` is a name seen in real logs (ime.md §1.3.8); the others are ours, in its style.
 */
function toastsFor(context: EnforcementContext, isError: boolean): string[] {
  if (context.outcome === undefined || context.policy.ToastState === ToastState.HideAll) return [];
  const toasts: string[] = [];
  const showAll = context.policy.ToastState === ToastState.ShowAll;
  if (showAll && context.targetingMethod === 1 && context.mode === "install")
    toasts.push("ToastDependencyAppInstall");
  if (showAll) toasts.push(isError ? "ToastInstallFailure" : "ToastInstallSuccess");
  const exitCode = context.outcome.exitCode;
  const softReboot =
    exitCode !== undefined && mapExitCode(context.policy.ReturnCodes, exitCode).word === "SoftReboot";
  if (context.rebootPending || softReboot) toasts.push("ToastRebootRequired");
  return toasts;
}

/** The ComplianceStateMessage for the app's state now (ime.md §4.1, enums §4.3). */
function complianceOf(
  context: EnforcementContext,
  detected: boolean,
  errorCode: number | null,
): ComplianceStateMessage {
  return {
    Applicability: (context.applicability?.applicability ??
      Applicability.Applicable) as ComplianceStateMessage["Applicability"],
    ComplianceState: detected ? ComplianceState.Installed : ComplianceState.NotInstalled,
    DesiredState: context.mode === "uninstall" ? DesiredState.NotPresent : DesiredState.Present,
    ErrorCode: errorCode,
    TargetingMethod: context.targetingMethod,
    InstallContext:
      context.policy.InstallEx.RunAs === RunAs.System ? InstallContext.System : InstallContext.User,
    TargetType: context.policy.TargetType,
    ProductVersion: context.detection?.version ?? null,
    AssignmentFilterIds: context.policy.AssignmentFilterIds,
  };
}

/** ResultantAppState of the §9 report (Graph numbering, ime.md §9 [I]). */
function resultantAppState(state: number, detected: boolean): ResultantAppState {
  if (state === EnforcementState.RequirementsNotMet) return ResultantAppState.NotApplicable;
  if (state >= 5000 && state < 6000) return ResultantAppState.Failed;
  if (state >= 2000 && state < 3000) return ResultantAppState.PendingInstall;
  return detected ? ResultantAppState.Installed : ResultantAppState.NotInstalled;
}

/** The enforcement chart's logic, plus the recorder the subgraph uses for apps it does not attempt. */
export interface EnforcementLogicWithRecorder extends EnforcementLogic {
  recordOutcome(context: EnforcementContext): Promise<EnforcementResult>;
}

/** Builds the enforcement chart's actors and effects over the device and the service. */
export function createEnforcementLogic(deps: EnforcementDeps): EnforcementLogicWithRecorder {
  const { host, store, events, clock } = deps;
  let nextProcessId = 4_000;

  const writeEnforcement = (
    context: EnforcementContext,
    state: number,
    errorCode: number,
    exitCode?: number,
  ) => {
    const message: EnforcementStateMessage = {
      EnforcementState: state,
      ErrorCode: errorCode,
      TargetingMethod: context.targetingMethod,
    };
    const keyPath = store.writeEnforcement(refOf(context), message, clock.now(), exitCode);
    events.emit(
      { phase: "state.enforcement", details: { keyPath, enforcementState: state, errorCode } },
      subjectOf(context),
    );
    return message;
  };

  const detect = async (context: EnforcementContext, afterExecution: boolean) => {
    const outcome = await deps.evaluator.detect(context.policy, host, evaluationOf(context));
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
      subjectOf(context),
    );
    return outcome;
  };

  const download = async (context: EnforcementContext): Promise<number> => {
    const info = context.contentInfo!;
    const path = incomingPath(context.policy.Id, context.policy.Version);
    const fileId = deliveryFileId(info.url, context.policy.Id, context.policy.Version);
    const foreground = context.policy.DOPriority === 2;
    const started = clock.now();
    const doTimeoutMs = foreground ? DO_FOREGROUND_TIMEOUT_MS : DO_BACKGROUND_TIMEOUT_MS;
    // Delivery Optimization first; when the DO job outlives its wait, the IME goes to the CDN directly
    // (ime.md §3.4). We model the switch as the same transfer continuing in CDN mode from where it was.
    let via: "DO" | "CDN" = "DO";
    const checkDeliveryTimeout = () => {
      if (via === "DO" && clock.now() - started > doTimeoutMs) {
        via = "CDN";
        events.emit(
          { phase: "download.doTimedOut", details: { timeoutMs: doTimeoutMs } },
          subjectOf(context),
        );
        events.emit({ phase: "download.cdnFallback", details: { url: info.url } }, subjectOf(context));
      }
    };
    events.emit(
      {
        phase: "download.started",
        details: {
          version: context.policy.Version,
          name: context.policy.Name,
          url: info.url,
          fileId,
          session: context.session,
          foreground,
          timeoutMs: doTimeoutMs,
        },
      },
      subjectOf(context),
    );
    // A partial .bin left by a crash or a dropped link is resumed with a Range request (ime.md §3.4).
    const existing = host.fs.stat(path);
    let received: Uint8Array = existing?.kind === "file" ? host.fs.readFile(path) : new Uint8Array(0);
    if (received.length > 0)
      events.emit({ phase: "download.resumed", details: { fromByte: received.length } }, subjectOf(context));
    for (let resumes = 0; ; ) {
      const chunks: Uint8Array[] = [received];
      let total = received.length;
      let unpersisted = 0;
      try {
        await callService(deps.tokens, clock, async (token) => {
          for await (const chunk of deps.service.downloadContent({ token, url: info.url, fromByte: total })) {
            chunks.push(chunk);
            total += chunk.length;
            checkDeliveryTimeout();
            unpersisted += chunk.length;
            if (unpersisted >= PERSIST_EVERY_BYTES) {
              received = concat(chunks, total);
              chunks.length = 0;
              chunks.push(received);
              host.fs.writeFile(path, received);
              unpersisted = 0;
            }
          }
        });
        received = concat(chunks, total);
        host.fs.writeFile(path, received);
        break;
      } catch (error) {
        received = concat(chunks, total);
        if (received.length > 0) host.fs.writeFile(path, received);
        resumes += 1;
        if (!isServiceError(error, "connectionDropped") || resumes > DOWNLOAD_RESUME_LIMIT) {
          events.emit(
            {
              phase: "download.failed",
              details: {
                errorCode: isServiceError(error) ? (error.status ?? 0) : 0,
                message: message(error),
              },
            },
            subjectOf(context),
          );
          throw error;
        }
        events.emit(
          { phase: "download.resumed", details: { fromByte: received.length } },
          subjectOf(context),
        );
      }
    }
    const size = received.length;
    events.emit(
      { phase: "download.progress", details: { name: context.policy.Name, bytes: size, total: size } },
      subjectOf(context),
    );
    const telemetry = deliveryTelemetry(
      fileId,
      size,
      clock.now() - started,
      via === "DO" ? deps.deliverySources : undefined,
    );
    events.emit({ phase: "download.completed", details: { size, via, telemetry } }, subjectOf(context));
    return size;
  };

  const contentStep = async <T>(
    context: EnforcementContext,
    stage: "contentInfo" | "verify" | "decrypt" | "unzip",
    work: () => Promise<T>,
  ): Promise<T> => {
    try {
      // Real async work (crypto, inflate) runs off the event loop: hold the clock until it is done.
      return await whileHeld(clock, work);
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
  const encryptedOf = (context: EnforcementContext) =>
    host.fs.readFile(incomingPath(context.policy.Id, context.policy.Version));

  const writeComplianceState = (context: EnforcementContext, compliance: ComplianceStateMessage) => {
    const keyPath = store.writeCompliance(refOf(context), compliance, context.policy.Intent, clock.now());
    events.emit({ phase: "state.compliance", details: { keyPath, message: compliance } }, subjectOf(context));
  };

  const record = async (context: EnforcementContext): Promise<EnforcementResult> => {
    const ref = refOf(context);
    const previousCompliance = store.readCompliance(ref);
    const previousEnforcement = store.readEnforcement(ref);
    const blocked = context.blockedByGrs;
    const detected = context.detectedAfter ?? context.detection?.detected ?? false;
    const applicability = context.applicability?.applicability ?? Applicability.Applicable;
    const isError = context.finalState >= 5000 && context.finalState < 6000;
    const compliance = complianceOf(context, detected, isError ? context.errorCode : null);
    const now = clock.now();
    writeComplianceState(context, compliance);
    // In GRS the previous attempt's state stands: the IME does not enforce, so it writes no new outcome.
    const enforcement: EnforcementStateMessage = blocked
      ? (previousEnforcement ?? {
          EnforcementState: context.finalState,
          ErrorCode: context.errorCode,
          TargetingMethod: context.targetingMethod,
        })
      : writeEnforcement(context, context.finalState, context.errorCode, context.outcome?.exitCode);
    if (isError && !blocked) {
      store.recordGrs(context.userId, context.hash, context.policy.Id, now);
      events.emit({ phase: "grs.recorded", details: { hash: context.hash, at: now } }, subjectOf(context));
    }
    if (context.rebootPending) store.setPendingHardReboot(true);

    const oldDetection =
      previousCompliance?.ComplianceState === ComplianceState.Installed ? "Installed" : "NotInstalled";
    const newDetection = detected ? "Installed" : "NotInstalled";
    if (previousCompliance === undefined || oldDetection !== newDetection) {
      events.emit(
        {
          phase: "report.delta",
          details: {
            kind: "Detection",
            delta: {
              DetectionState: {
                OldValue: previousCompliance === undefined ? null : oldDetection,
                NewValue: newDetection,
              },
              DetectedIdentityVersion: {
                OldValue: previousCompliance?.ProductVersion ?? null,
                NewValue: compliance.ProductVersion,
              },
            },
          },
        },
        subjectOf(context),
      );
    }
    const stateName = (code: number | undefined) =>
      code === undefined ? null : (nameOf(EnforcementState, code) ?? String(code));
    if (
      previousEnforcement?.EnforcementState !== enforcement.EnforcementState ||
      previousEnforcement?.ErrorCode !== enforcement.ErrorCode
    ) {
      events.emit(
        {
          phase: "report.delta",
          details: {
            kind: "Execution",
            delta: {
              EnforcementState: {
                OldValue: stateName(previousEnforcement?.EnforcementState),
                NewValue: stateName(enforcement.EnforcementState),
              },
              EnforcementErrorCode: {
                OldValue: previousEnforcement?.ErrorCode ?? null,
                NewValue: enforcement.ErrorCode,
              },
            },
          },
        },
        subjectOf(context),
      );
    }
    const report: AppStatusReport = {
      ApplicationId: context.policy.Id,
      ResultantAppState: resultantAppState(enforcement.EnforcementState, detected),
      ReportingImpact: {
        DesiredState: compliance.DesiredState,
        Classification: 2,
        ConflictReason: 0,
        ImpactingApps: [],
      },
      WriteableToStorage: true,
      CanGenerateComplianceState: true,
      CanGenerateEnforcementState: true,
      IsAppReportable: true,
      IsAppAggregatable: true,
      AvailableAppEnforcementFlag: 0,
      DesiredState: compliance.DesiredState,
      DetectionState: detected ? ReportDetectionState.Detected : ReportDetectionState.NotDetected,
      DetectionErrorOccurred: false,
      DetectionErrorCode: null,
      ApplicabilityState: applicability,
      ApplicabilityErrorOccurred: false,
      ApplicabilityErrorCode: null,
      EnforcementState: enforcement.EnforcementState,
      EnforcementErrorCode: enforcement.ErrorCode === 0 ? null : enforcement.ErrorCode,
      TargetingMethod: context.targetingMethod,
      TargetingType: context.policy.TargetType,
      InstallContext: compliance.InstallContext,
      Intent: context.policy.Intent,
      InternalVersion: context.policy.Version,
      DetectedIdentityVersion: compliance.ProductVersion,
      RemovalReason: null,
    };
    store.writeReporting(context.userId, context.policy.Id, report, context.hash, now);
    events.emit({ phase: "report.sent", details: { report } }, subjectOf(context));
    for (const toast of toastsFor(context, isError)) {
      events.emit(
        { phase: "toast.shown", details: { toast, appName: context.policy.Name } },
        subjectOf(context),
      );
    }
    const result: EnforcementResult = {
      appId: context.policy.Id,
      version: context.policy.Version,
      enforcementState: enforcement.EnforcementState,
      errorCode: enforcement.ErrorCode ?? 0,
      detected,
      applicability,
      executed: context.outcome !== undefined,
      rebootPending: context.rebootPending,
      restartAfterMs: context.rebootPending ? imeRestartDelayMs(context.policy) : undefined,
      report,
      compliance,
      enforcement,
    };
    events.emit(
      {
        phase: "enforcement.completed",
        details: { enforcementState: result.enforcementState, errorCode: result.errorCode, detected },
      },
      subjectOf(context),
    );
    return result;
  };

  return {
    recordOutcome: record,
    actors: {
      checkGrs: fromPromise(async ({ input: context }) => {
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
      }),
      detect: fromPromise(({ input }) => detect(input, false)),
      redetect: fromPromise(({ input }) => detect(input, true)),
      checkApplicability: fromPromise(async ({ input: context }) => {
        const outcome = await deps.evaluator.checkApplicability(context.policy, host, evaluationOf(context));
        events.emit(
          {
            phase: "applicability.completed",
            details: {
              applicability: outcome.applicability,
              applicabilityName:
                nameOf(Applicability, outcome.applicability) ?? String(outcome.applicability),
              ruleLines: outcome.lines,
            },
          },
          subjectOf(context),
        );
        return outcome;
      }),
      fetchContentInfo: fromPromise(async ({ input: context }) => {
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
      }),
      download: fromPromise(({ input }) => download(input)),
      verify: fromPromise(async ({ input: context }) => {
        const encrypted = encryptedOf(context);
        await contentStep(context, "verify", () =>
          deps.codec.verify(encrypted, context.contentInfo!.encryption),
        );
        events.emit({ phase: "content.verified", details: { size: encrypted.length } }, subjectOf(context));
      }),
      decrypt: fromPromise(async ({ input: context }) => {
        await contentStep(context, "decrypt", () =>
          deps.codec.decrypt(encryptedOf(context), context.contentInfo!.encryption),
        );
        events.emit({ phase: "content.decrypted", details: {} }, subjectOf(context));
      }),
      unzip: fromPromise(async ({ input: context }) => {
        const target = imeCachePath(context.policy.Id, context.policy.Version);
        const entries = await contentStep(context, "unzip", () =>
          deps.codec.unzip(encryptedOf(context), context.contentInfo!.encryption),
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
      }),
      runInstaller: fromPromise(async ({ input: context }) => {
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
            host,
          );
        } catch (error) {
          events.emit(
            {
              phase: "install.launchFailed",
              details: { win32Error: LAUNCH_FAILURE_WIN32_ERROR, message: message(error) },
            },
            subjectOf(context),
          );
          throw error;
        }
        events.emit(
          { phase: "install.launched", details: { processId: nextProcessId, timeoutMs } },
          subjectOf(context),
        );
        // A process still running at MaxRunTimeInMinutes is abandoned: no exit code (ime.md §5.1).
        if (outcome.durationMs > timeoutMs) return { ...outcome, exitCode: undefined, durationMs: timeoutMs };
        return outcome;
      }),
      record: fromPromise(({ input }) => record(input)),
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
        const word =
          exitCode === undefined ? undefined : mapExitCode(context.policy.ReturnCodes, exitCode).word;
        if (context.rebootPending) {
          events.emit(
            { phase: "reboot.required", details: { kind: word === "HardReboot" ? "hard" : "forced" } },
            subjectOf(context),
          );
        } else if (word === "SoftReboot" && context.policy.InstallEx.DeviceRestartBehavior !== 2) {
          events.emit({ phase: "reboot.required", details: { kind: "soft" } }, subjectOf(context));
        }
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
}
