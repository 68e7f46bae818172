// One app's enforcement, as the IME's V3 processor runs it (ime.md §10.1, issue 6):
// GRS gate → detect → applicability → desired state → content (info, download, verify, decrypt, unzip)
// → install with retries under the timeout → map the exit code → reboot handling → re-detect → record
// → cleanup. The chart only names steps; every effect and lookup is supplied by EnforcementLogic.
import { EnforcementState } from "@imesim/contracts/enums";
import { assign, enqueueActions, setup } from "xstate";
import type { GrsVerdict } from "../events/types.ts";
import type { InstallOutcome } from "../host/installer/types.ts";
import type { ContentInfo } from "../service-client/types.ts";
import type { Delivery } from "./content-download.ts";
import {
  CONTENT_ERROR,
  DOWNLOAD_ERROR,
  grsAllowsEnforcement,
  INSTALL_TIMEOUT_ERROR,
  type InstallDecision,
  installOutcome,
  LAUNCH_ERROR,
  mapExitCode,
  NOT_DETECTED_AFTER_INSTALL_ERROR,
  successState,
} from "./decisions.ts";
import { initialEnforcementContext } from "./enforcement-context.ts";
import type { EnforcementContext, EnforcementInput, EnforcementResult } from "./enforcement-types.ts";
import type { ApplicabilityOutcome, DetectionOutcome } from "./ports.ts";
import { waitingStep as promiseStep } from "./waiting-step.ts";

/** A detection pass of the app, with whether an app it supersedes is still detected. */
export interface RelativeDetection {
  readonly outcome: DetectionOutcome;
  readonly supersededDetected: boolean;
}

/** The actors and effects an enforcement needs; agent/src/machines/enforcement-logic.ts builds the real ones. */
export interface EnforcementLogic {
  /**
   * Steps that are synchronous lookups: run inside the chart's transitions, not as invoked actors (issue 18: an
   * actor per step per app evaluation was most of the chart cost). Their state stays in the chart's picture.
   */
  readonly steps: {
    /** Loads the reporting state (unless predetected) and reads the app's GRS entry (ime.md §5.2). */
    checkGrs(context: EnforcementContext): GrsVerdict;
    /** The first detection pass (ime.md §1.3.4). */
    detect(context: EnforcementContext): DetectionOutcome;
    /** The requirement rules (ime.md §1.3.5). */
    checkApplicability(context: EnforcementContext): ApplicabilityOutcome;
    /** Writes state messages, GRS, Reporting, sends the report; returns the result. */
    record(context: EnforcementContext): EnforcementResult;
  };
  /** The steps that wait (the service, the network, the installer's process): each runs as an invoked actor. */
  readonly actors: {
    fetchContentInfo(context: EnforcementContext): Promise<ContentInfo>;
    download(context: EnforcementContext): Promise<Delivery>;
    verify(context: EnforcementContext): Promise<void>;
    decrypt(context: EnforcementContext): Promise<void>;
    unzip(context: EnforcementContext): Promise<void>;
    runInstaller(context: EnforcementContext): Promise<InstallOutcome>;
    /** The second pass, after the download, then the superseded apps again (ime.md §11a order). */
    detectAfterDownload(context: EnforcementContext): Promise<RelativeDetection>;
    /** The third pass, after the install, then the superseded apps again. */
    redetect(context: EnforcementContext): Promise<RelativeDetection>;
  };
  readonly effects: {
    /** The ActionProcessor's desired-state block (ime.md §1.3.3). */
    announceDesiredState(context: EnforcementContext): void;
    announceGrsBlocked(context: EnforcementContext): void;
    /** EnforcementStateMessage 2000 InProgress (ime.md §10.2). */
    recordInProgress(context: EnforcementContext): void;
    /** EnforcementStateMessage 2009 InProgressDownloadCompleted. */
    recordDownloadCompleted(context: EnforcementContext): void;
    /** The installer's process has ended: its journaled writes land on the device (staged-install.ts). */
    landInstallerEffects(context: EnforcementContext): void;
    announceExitCode(context: EnforcementContext): void;
    announceRetry(context: EnforcementContext): void;
    announceReboot(context: EnforcementContext): void;
    /** Removes Incoming and Staging, and IMECache unless the install timed out (ime.md §3.5). */
    cleanUp(context: EnforcementContext): void;
  };
}

const intentIsUninstall = (context: EnforcementContext): boolean => context.mode === "uninstall";

/** The subset of the exit-code decision the chart branches on. */
function exitWord(context: EnforcementContext) {
  return context.outcome?.exitCode === undefined
    ? undefined
    : mapExitCode(context.policy.ReturnCodes, context.outcome.exitCode);
}

/** The IME's decision on the exited installer (decisions.ts installOutcome), shared with `imesim test`. */
function decisionOf(context: EnforcementContext): InstallDecision | undefined {
  const mapping = exitWord(context);
  return mapping === undefined
    ? undefined
    : installOutcome(mapping, context.policy.InstallEx.DeviceRestartBehavior);
}

/**
 * What starts an enforcement: the member, and the device's logic the chart's steps call. The chart is built once
 * per process (issue 18: building it per device cost more than running it); the logic rides in the context.
 */
export interface EnforcementChartInput extends EnforcementInput {
  readonly logic: EnforcementLogic;
}

/**
 * The chart's context: the enforcement's, as one object, and the device's logic. xstate copies the top-level
 * context on every assign (`Object.assign({}, context, update)`), and V8 turns a copy of 20 keys or more into a
 * slow dictionary object (the enforcement's own context has about 25): every later read and copy of it was slower
 * (issue 18). The chart's steps copy the enforcement's object with a spread, which keeps it a fast object.
 */
export interface EnforcementChartContext {
  readonly enforcement: EnforcementContext;
  readonly logic: EnforcementLogic;
}

/** A guard or a delay over the enforcement's context. */
const reading =
  <T>(read: (context: EnforcementContext) => T) =>
  ({ context }: { context: EnforcementChartContext }) =>
    read(context.enforcement);

/** The chart's context with `update` made to the enforcement's. */
const updated = (context: EnforcementChartContext, update: Partial<EnforcementContext>) => ({
  enforcement: { ...context.enforcement, ...update },
});

/** A waiting step as an invoked actor: the device's logic runs it over the enforcement's context. */
const waitingStep = <T>(run: (logic: EnforcementLogic, context: EnforcementContext) => Promise<T>) =>
  promiseStep<T, EnforcementChartContext>((input) => run(input.logic, input.enforcement));

/** The enforcement chart; each actor gets its device's logic in its input. */
export const enforcementMachine = setup({
  types: {
    context: {} as EnforcementChartContext,
    input: {} as EnforcementChartInput,
    output: {} as EnforcementResult,
  },
  actors: {
    fetchContentInfo: waitingStep((logic, context) => logic.actors.fetchContentInfo(context)),
    download: waitingStep((logic, context) => logic.actors.download(context)),
    verify: waitingStep((logic, context) => logic.actors.verify(context)),
    decrypt: waitingStep((logic, context) => logic.actors.decrypt(context)),
    unzip: waitingStep((logic, context) => logic.actors.unzip(context)),
    runInstaller: waitingStep((logic, context) => logic.actors.runInstaller(context)),
    detectAfterDownload: waitingStep((logic, context) => logic.actors.detectAfterDownload(context)),
    redetect: waitingStep((logic, context) => logic.actors.redetect(context)),
  },
  guards: {
    detectOnly: reading((context) => context.mode === "detectOnly"),
    detectionFailed: reading((context) => context.detection?.errorCode !== undefined),
    alreadyInDesiredState: reading(
      (context) =>
        context.detection !== undefined && context.detection.detected !== intentIsUninstall(context),
    ),
    isUninstall: reading((context) => intentIsUninstall(context)),
    notApplicable: reading(
      (context) => context.applicability !== undefined && context.applicability.applicability !== 0,
    ),
    inGrs: reading((context) => context.grs !== undefined && !grsAllowsEnforcement(context.grs)),
    timedOut: reading((context) => context.outcome !== undefined && context.outcome.exitCode === undefined),
    retryLeft: reading(
      (context) => exitWord(context)?.word === "Retry" && context.retry < context.policy.InstallEx.MaxRetries,
    ),
    failedCode: reading((context) => {
      const decision = decisionOf(context);
      return decision === undefined || (!decision.redetect && !decision.pendingReboot);
    }),
    hardRebootNow: reading((context) => decisionOf(context)?.pendingReboot === true),
    detectedAsDesired: reading((context) => context.detectedAfter === !intentIsUninstall(context)),
  },
  actions: {
    checkGrs: assign(({ context }) =>
      updated(context, { grs: context.logic.steps.checkGrs(context.enforcement) }),
    ),
    detect: assign(({ context }) =>
      updated(context, { detection: context.logic.steps.detect(context.enforcement) }),
    ),
    checkApplicability: assign(({ context }) =>
      updated(context, { applicability: context.logic.steps.checkApplicability(context.enforcement) }),
    ),
    record: assign(({ context }) =>
      updated(context, { result: context.logic.steps.record(context.enforcement) }),
    ),
    // The effects run as their transition resolves (enqueueActions runs its callback then), in order with the
    // steps' assigns. A custom action would wait while its actor starts: a compliant app's evaluation runs
    // whole in the enforcement actor's first macrostep now (the steps above), where xstate resolves assigns
    // at once but defers custom actions to start(), so the desired-state lines would follow the record's.
    announceDesiredState: enqueueActions(({ context }) =>
      context.logic.effects.announceDesiredState(context.enforcement),
    ),
    announceGrsBlocked: enqueueActions(({ context }) =>
      context.logic.effects.announceGrsBlocked(context.enforcement),
    ),
    recordInProgress: enqueueActions(({ context }) =>
      context.logic.effects.recordInProgress(context.enforcement),
    ),
    recordDownloadCompleted: enqueueActions(({ context }) =>
      context.logic.effects.recordDownloadCompleted(context.enforcement),
    ),
    landInstallerEffects: enqueueActions(({ context }) =>
      context.logic.effects.landInstallerEffects(context.enforcement),
    ),
    announceExitCode: enqueueActions(({ context }) =>
      context.logic.effects.announceExitCode(context.enforcement),
    ),
    announceRetry: enqueueActions(({ context }) => context.logic.effects.announceRetry(context.enforcement)),
    announceReboot: enqueueActions(({ context }) =>
      context.logic.effects.announceReboot(context.enforcement),
    ),
    cleanUp: enqueueActions(({ context }) => context.logic.effects.cleanUp(context.enforcement)),
    conclude: assign(({ context }, params: { state: number; errorCode?: number; keepImeCache?: boolean }) =>
      updated(context, {
        finalState: params.state,
        errorCode: params.errorCode ?? 0,
        ...(params.keepImeCache === undefined ? {} : { keepImeCache: params.keepImeCache }),
      }),
    ),
    concludeFromExitCode: assign(({ context }) =>
      updated(context, {
        finalState: decisionOf(context.enforcement)?.state ?? EnforcementState.Error,
        errorCode: decisionOf(context.enforcement)?.errorCode ?? 0,
        mapping: exitWord(context.enforcement)?.word,
      }),
    ),
    concludeFromDetection: assign(({ context }) =>
      updated(context, {
        finalState:
          context.enforcement.detection?.detected === true
            ? EnforcementState.Success
            : EnforcementState.NotAttempted,
        errorCode: 0,
      }),
    ),
    concludeFromDetectionError: assign(({ context }) =>
      updated(context, {
        finalState: EnforcementState.Error,
        errorCode: context.enforcement.detection?.errorCode ?? 0,
      }),
    ),
    concludeAlreadyCompliant: assign(({ context }) =>
      updated(context, { finalState: EnforcementState.Success, errorCode: 0 }),
    ),
  },
  delays: {
    processRunTime: reading((context) => context.outcome?.durationMs ?? 0),
    retryInterval: reading((context) => context.policy.InstallEx.RetryIntervalInMinutes * 60_000),
  },
}).createMachine({
  id: "enforcement",
  context: ({ input: { logic, ...member } }) => ({ enforcement: initialEnforcementContext(member), logic }),
  initial: "checkingGrs",
  states: {
    checkingGrs: {
      entry: "checkGrs",
      always: "detecting",
    },
    // Detection, applicability and recording read and write the in-memory device only: steps of the
    // transitions through their states, not actors (issue 18: three fewer actors per app evaluation).
    detecting: {
      entry: "detect",
      always: "routing",
    },
    routing: {
      always: [
        { guard: "detectOnly", target: "recording", actions: "concludeFromDetection" },
        { guard: "detectionFailed", target: "recording", actions: "concludeFromDetectionError" },
        {
          guard: "alreadyInDesiredState",
          target: "recording",
          actions: ["announceDesiredState", "concludeAlreadyCompliant"],
        },
        // "Not detected app … and intent is to un-install, skip applicability check" (ime.md §1.3.4).
        { guard: "isUninstall", target: "deciding" },
        { target: "checkingApplicability" },
      ],
    },
    checkingApplicability: {
      entry: "checkApplicability",
      always: "deciding",
    },
    deciding: {
      entry: "announceDesiredState",
      always: [
        {
          guard: "notApplicable",
          target: "recording",
          actions: { type: "conclude", params: { state: EnforcementState.RequirementsNotMet } },
        },
        { guard: "inGrs", target: "blockedByGrs" },
        { target: "acquiringContent" },
      ],
    },
    blockedByGrs: {
      entry: [assign(({ context }) => updated(context, { blockedByGrs: true })), "announceGrsBlocked"],
      always: {
        target: "recording",
        actions: { type: "conclude", params: { state: EnforcementState.Error } },
      },
    },
    acquiringContent: {
      entry: "recordInProgress",
      initial: "fetchingContentInfo",
      states: {
        fetchingContentInfo: {
          invoke: {
            src: "fetchContentInfo",
            input: ({ context }) => context,
            onDone: {
              target: "downloading",
              actions: assign(({ context, event }) => updated(context, { contentInfo: event.output })),
            },
            onError: {
              target: "#enforcement.failed",
              actions: {
                type: "conclude",
                params: { state: EnforcementState.ErrorDownloadingContent, errorCode: DOWNLOAD_ERROR },
              },
            },
          },
        },
        downloading: {
          invoke: {
            src: "download",
            input: ({ context }) => context,
            onDone: {
              target: "verifying",
              actions: assign(({ context, event }) =>
                updated(context, { downloadedBytes: event.output.bytes, deliveredVia: event.output.via }),
              ),
            },
            onError: {
              target: "#enforcement.failed",
              actions: {
                type: "conclude",
                params: { state: EnforcementState.ErrorDownloadingContent, errorCode: DOWNLOAD_ERROR },
              },
            },
          },
        },
        verifying: {
          invoke: {
            src: "verify",
            input: ({ context }) => context,
            onDone: "decrypting",
            onError: {
              target: "#enforcement.failed",
              actions: {
                type: "conclude",
                params: { state: EnforcementState.Error, errorCode: CONTENT_ERROR },
              },
            },
          },
        },
        decrypting: {
          invoke: {
            src: "decrypt",
            input: ({ context }) => context,
            onDone: "unzipping",
            onError: {
              target: "#enforcement.failed",
              actions: {
                type: "conclude",
                params: { state: EnforcementState.Error, errorCode: CONTENT_ERROR },
              },
            },
          },
        },
        unzipping: {
          invoke: {
            src: "unzip",
            input: ({ context }) => context,
            onDone: "ready",
            onError: {
              target: "#enforcement.failed",
              actions: {
                type: "conclude",
                params: { state: EnforcementState.Error, errorCode: CONTENT_ERROR },
              },
            },
          },
        },
        ready: { type: "final" },
      },
      onDone: "detectingAfterDownload",
    },
    // The second of three detection passes: after the download, before the install (ime.md §11a).
    detectingAfterDownload: {
      invoke: {
        src: "detectAfterDownload",
        input: ({ context }) => context,
        onDone: {
          target: "confirming",
          actions: assign(({ context, event }) =>
            updated(context, {
              detection: event.output.outcome,
              supersededDetected: event.output.supersededDetected,
            }),
          ),
        },
      },
    },
    confirming: {
      always: [
        // Installed meanwhile (by the user, another app): nothing left to run [I: the IME's reaction is not logged].
        { guard: "alreadyInDesiredState", target: "recording", actions: "concludeAlreadyCompliant" },
        { target: "installing" },
      ],
    },
    installing: {
      entry: "recordDownloadCompleted",
      initial: "launching",
      states: {
        launching: {
          invoke: {
            src: "runInstaller",
            input: ({ context }) => context,
            onDone: {
              target: "running",
              actions: assign(({ context, event }) => updated(context, { outcome: event.output })),
            },
            onError: {
              target: "#enforcement.failed",
              actions: {
                type: "conclude",
                params: { state: EnforcementState.Error, errorCode: LAUNCH_ERROR },
              },
            },
          },
        },
        // The process runs for its scripted duration on the agent's clock (capped at MaxRunTimeInMinutes).
        running: { after: { processRunTime: "collecting" } },
        // The process has ended: what it wrote is on the device only now (a crash before finds nothing).
        collecting: {
          entry: ["landInstallerEffects", "announceExitCode"],
          always: [
            {
              guard: "timedOut",
              target: "#enforcement.failed",
              actions: {
                type: "conclude",
                params: {
                  state: EnforcementState.Error,
                  errorCode: INSTALL_TIMEOUT_ERROR,
                  keepImeCache: true,
                },
              },
            },
            { guard: "retryLeft", target: "waitingToRetry" },
            { guard: "failedCode", target: "#enforcement.failed", actions: "concludeFromExitCode" },
            { guard: "hardRebootNow", target: "#enforcement.pendingReboot" },
            { target: "#enforcement.verifyingInstall" },
          ],
        },
        waitingToRetry: {
          entry: "announceRetry",
          after: {
            retryInterval: {
              target: "launching",
              actions: assign(({ context }) => updated(context, { retry: context.enforcement.retry + 1 })),
            },
          },
        },
      },
    },
    verifyingInstall: {
      invoke: {
        src: "redetect",
        input: ({ context }) => context,
        onDone: {
          target: "judging",
          actions: assign(({ context, event }) =>
            updated(context, {
              detectedAfter: event.output.outcome.detected,
              detection: event.output.outcome,
              supersededDetected: event.output.supersededDetected,
            }),
          ),
        },
      },
    },
    judging: {
      always: [
        { guard: "detectedAsDesired", target: "succeeded" },
        // Still detected after an uninstall: the reference gives no error code for it (ime.md §5.1 says only
        // that success means not detected), so it reports the same 0x87D1041C as a failed install [I].
        {
          target: "failed",
          actions: {
            type: "conclude",
            params: { state: EnforcementState.Error, errorCode: NOT_DETECTED_AFTER_INSTALL_ERROR },
          },
        },
      ],
    },
    succeeded: {
      entry: [
        {
          type: "conclude",
          params: reading((context) => ({
            state: successState(context.relation, intentIsUninstall(context), context.supersededDetected),
          })),
        },
        "announceReboot",
      ],
      always: "recording",
    },
    pendingReboot: {
      entry: [
        assign(({ context }) => updated(context, { rebootPending: true })),
        {
          type: "conclude",
          params: reading((context) => ({
            state: decisionOf(context)?.state ?? EnforcementState.InProgressPendingReboot,
          })),
        },
        "announceReboot",
      ],
      always: "recording",
    },
    failed: { always: "recording" },
    recording: {
      entry: "record",
      always: "cleaningUp",
    },
    cleaningUp: { entry: "cleanUp", always: "done" },
    done: { type: "final" },
  },
  output: ({ context }) => context.enforcement.result!,
});

/** The enforcement chart's type, for invoking it from the subgraph chart. */
export type EnforcementMachine = typeof enforcementMachine;
