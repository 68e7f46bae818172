// The composition of one simulated IME: the charts, their logic, the device, the service client,
// the event stream and the log writer. e2e runs devices through this and nothing else.
import { ImesimError } from "@imesim/contracts/errors";
import type { Dispatcher } from "undici";
import { type Actor, createActor, type InspectionEvent } from "xstate";
import type { Clock } from "./clock/clock.ts";
import type { VirtualClock } from "./clock/virtual-clock.ts";
import { createEventStream, type ImeEventListener, type ImeEventStream } from "./events/stream.ts";
import { type HealthOptions, startHealthEvaluation } from "./health/agent-hook.ts";
import { imeStartsAtBoot } from "./health/ime-service.ts";
import { createDiskSpool } from "./host/files/disk-spool.ts";
import { createScriptedRunner, type Device, type ScriptRunner } from "./host/index.ts";
import type { Installer } from "./host/installer/types.ts";
import type { Host } from "./host/types.ts";
import { createCheckinIntervalCache } from "./ime/checkin-interval-cache.ts";
import { createImeStateStore, type ImeStateStore } from "./ime/state-store.ts";
import { startInventory } from "./inventory/agent-hook.ts";
import { createLogLevelSwitch, type ImeLogLevel } from "./log/log-level.ts";
import { createLogWriter, type LogWriter } from "./log/writer.ts";
import { createCheckinLogic } from "./machines/checkin-logic.ts";
import { createEnforcementLogic, type DeliverySources } from "./machines/enforcement-logic.ts";
import { createIntunewinCodec } from "./machines/intunewin-codec.ts";
import type { AppEvaluator, ContentCodec } from "./machines/ports.ts";
import { createRulesEvaluator } from "./machines/rules-evaluator.ts";
import { startScriptWorkloads } from "./machines/scripts/agent-hook.ts";
import { SYNCCOMPLIANCE_MONIKER } from "./machines/scripts/compliance-run.ts";
import { createServiceLogic } from "./machines/service-logic.ts";
import { type LoggedOnUser, type ServiceMachine, serviceMachine } from "./machines/service-machine.ts";
import { createSubgraphLogic } from "./machines/subgraph-logic.ts";
import type { DeviceIdentity } from "./service-client/device-identity.ts";
import { holdingClock } from "./service-client/held-client.ts";
import { createHttpServiceClient } from "./service-client/http-client.ts";
import { createTokenProvider } from "./service-client/token-provider.ts";
import type { ImeServiceClient } from "./service-client/types.ts";

/** The IME version our logs claim (an IME 1.101-era build, the era of ime.md's newest lines). */
export const DEFAULT_AGENT_VERSION = "1.101.111.0";

/** The URL moniker that asks the IME for an app check-in (ime.md §6). */
export const SYNCAPP_MONIKER = "intunemanagementextension://syncapp";
export { SYNCCOMPLIANCE_MONIKER };

export interface AgentOptions {
  /** The Intune device id, carried on every event. */
  readonly deviceId: string;
  /** The virtual device (agent/src/host): registry, files, profile. */
  readonly device: Device;
  readonly clock: Clock | VirtualClock;
  /** The service: a client (tests, in-process runs), or an enrolled identity to talk HTTP with. */
  readonly service:
    | ImeServiceClient
    | {
        readonly identity: DeviceIdentity;
        readonly dispatcher?: Dispatcher;
        /** See HttpServiceClientOptions.stallGraceMs. */
        readonly stallGraceMs?: number;
      };
  readonly installer: Installer;
  /** Runs detection and requirement scripts; default: every script exits 0 with no output. */
  readonly scriptRunner?: ScriptRunner;
  /** Default: the rule engine (agent/src/rules) over `device.profile` and `scriptRunner`. */
  readonly evaluator?: AppEvaluator;
  /** Default: contracts' .intunewin codec. */
  readonly codec?: ContentCodec;
  /** Users logged on when the service starts; default: the device profile's logged-on users, sessions 1, 2, … */
  readonly users?: readonly LoggedOnUser[];
  /** A real folder for AppWorkload.log and friends; in memory only when absent. */
  readonly logsDir?: string;
  readonly utcOffsetMinutes?: number;
  readonly agentVersion?: string;
  /** Where Delivery Optimization finds content, for its `[DO TEL]` line; all HTTP when absent. */
  readonly deliverySources?: DeliverySources;
  /** The device's download bandwidth in Mbit/s (default 100): how long content takes to arrive. */
  readonly downloadMbps?: number;
  /**
   * Runs the PowerShell workloads beside the app check-ins: platform scripts and remediations (issue 16).
   * Default true; a run that publishes no scripts may turn them off to keep its gateway traffic to apps.
   */
  readonly scriptWorkloads?: boolean;
  /**
   * Runs the app inventory collector (issue 16: installed apps to the service's `ApplicationInventory`,
   * Win32AppInventory.log, Sensor.log). Default false: a run turns it on when it wants inventory.
   */
  readonly inventory?: boolean;
  /**
   * The daily "Intune Management Extension Health Evaluation" task (issue 16, ime.md §8): registers the IME
   * service on the device, writes HealthCheck.xml, and repairs a stopped or disabled IME. Default off, so runs
   * that do not ask for it keep their outputs; `true` or options turn it on.
   */
  readonly health?: boolean | HealthOptions;
  /** xstate inspection of every chart's actors (dashboards, model-based tests). */
  readonly inspect?: (event: InspectionEvent) => void;
}

/** Things that make the IME act, besides its own timer (ime.md §6). */
export type AgentTrigger =
  | "syncapp"
  | typeof SYNCAPP_MONIKER
  | "synccompliance"
  | typeof SYNCCOMPLIANCE_MONIKER
  | "restart"
  | "reboot"
  /** Company Portal → Settings → Sync: an MDM check-in and an IME check-in (ime.md §6). */
  | "companyPortalSync"
  | { readonly logon: LoggedOnUser }
  | { readonly logoff: string }
  | { readonly installAvailable: string; readonly userId: string };

/** One running simulated IME. */
export interface Agent {
  readonly events: ImeEventStream;
  readonly logs: LogWriter;
  readonly state: ImeStateStore;
  readonly host: Host;
  /** Starts the service (start-up delays, then the AgentRestart check-in). */
  start(): void;
  /** Stops the service as `Stop-Service` would (the logs get their stop lines). */
  stop(): void;
  trigger(trigger: AgentTrigger): void;
  subscribe(listener: ImeEventListener): () => void;
  /** With a virtual clock: runs simulated time up to `time` (epoch ms). */
  runUntil(time: number): Promise<void>;
  /** The service chart's current state, e.g. `{ running: "waiting" }`. */
  status(): unknown;
  /** The first unexpected error the service chart stopped on, if any. */
  failure(): unknown;
  /** The log level the running service read from its config at its last start (log/log-level.ts). */
  logLevel(): ImeLogLevel;
  /** Stops everything and flushes the logs. */
  dispose(): void;
}

const isVirtual = (clock: Clock | VirtualClock): clock is VirtualClock => "runUntil" in clock;

/** Assembles the service, check-in, subgraph and enforcement charts over a device and a service client. */
export function createAgent(options: AgentOptions): Agent {
  const { device: host, clock } = options;
  const agentVersion = options.agentVersion ?? DEFAULT_AGENT_VERSION;
  const downloadMbps = options.downloadMbps ?? host.profile.downloadMbps;
  const codec = options.codec ?? createIntunewinCodec();
  // Large downloads stream into real files here (content-download.ts), removed when the agent is disposed.
  const spool = createDiskSpool();
  const serviceClient: ImeServiceClient =
    "identity" in options.service
      ? createHttpServiceClient({
          identity: options.service.identity,
          clock,
          agentVersion,
          ...(options.service.dispatcher === undefined ? {} : { dispatcher: options.service.dispatcher }),
          ...(options.service.stallGraceMs === undefined
            ? {}
            : { stallGraceMs: options.service.stallGraceMs }),
          // Verbose only: the raw reply becomes a `Response from Intune = {` line (log/verbose-lines.ts).
          onSessionResponse: (requestContentType, body) => {
            if (logLevel.verbose())
              events.emit({ phase: "gateway.response", details: { requestContentType, body } });
          },
        })
      : holdingClock(options.service, clock);
  const evaluator =
    options.evaluator ??
    createRulesEvaluator({
      profile: host.profile,
      scripts: options.scriptRunner ?? createScriptedRunner([]),
    });
  const events = createEventStream({ deviceId: options.deviceId, clock });
  const logs = createLogWriter(events, {
    ...(options.logsDir === undefined ? {} : { dir: options.logsDir }),
    ...(options.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: options.utcOffsetMinutes }),
  });
  const logLevel = createLogLevelSwitch(host.fs, events);
  const store = createImeStateStore(host.registry);
  const tokens = createTokenProvider(serviceClient, clock, events);
  const enforcementLogic = createEnforcementLogic({
    host,
    store,
    events,
    clock,
    evaluator,
    codec,
    service: serviceClient,
    tokens,
    installer: options.installer,
    agentVersion,
    spool,
    ...(options.deliverySources === undefined ? {} : { deliverySources: options.deliverySources }),
    // The option wins over the device profile's link; work-durations.ts has the default.
    ...(downloadMbps === undefined ? {} : { downloadMbps }),
  });
  const subgraphLogic = createSubgraphLogic({ store, events, clock, enforcementLogic });
  const checkinIntervalCache = createCheckinIntervalCache();
  const checkinLogic = createCheckinLogic({
    events,
    store,
    clock,
    service: serviceClient,
    tokens,
    subgraph: subgraphLogic,
    notDue: subgraphLogic,
    inPlace: subgraphLogic,
    checkinIntervalCache,
  });
  // The charts are built once per process; this device's logic goes in with the service's input.
  const serviceLogic = createServiceLogic({
    events,
    clock,
    store,
    fs: host.fs,
    checkin: checkinLogic,
    agentVersion,
    checkinIntervalCache,
    startsAtBoot: () => imeStartsAtBoot(host),
  });
  let failure: unknown;
  const initialUsers =
    options.users ??
    host.profile.users
      .filter((user) => user.loggedOn)
      .map((user, index) => ({
        userId: user.entraObjectId,
        userSid: user.sid,
        session: index + 1,
        accountName: user.name,
      }));
  const scripts =
    options.scriptWorkloads === false
      ? undefined
      : startScriptWorkloads({
          events,
          clock,
          host,
          serviceClient,
          tokens,
          runner: options.scriptRunner ?? createScriptedRunner([]),
          users: initialUsers,
          utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
          entraRegistered: host.profile.joinType === "entraRegistered",
        });
  const health =
    options.health === undefined || options.health === false
      ? undefined
      : startHealthEvaluation({
          events,
          clock,
          host,
          agentVersion,
          ...(options.health === true ? {} : options.health),
          seed: (options.health === true ? undefined : options.health.seed) ?? options.deviceId,
          // The repair path is the `restart` trigger's: a stopped service starts, a running one restarts.
          restartIme: () => actor.send({ type: "RESTART" }),
        });
  const inventory =
    options.inventory === true ? startInventory({ events, clock, host, serviceClient, tokens }) : undefined;
  const actor: Actor<ServiceMachine> = createActor(serviceMachine, {
    clock,
    input: { users: initialUsers, logic: serviceLogic },
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
  });
  actor.subscribe({
    error: (error) => {
      failure = error;
    },
  });
  actor.start();

  return {
    events,
    logs,
    state: store,
    host,
    start: () => actor.send({ type: "START" }),
    stop: () => actor.send({ type: "STOP" }),
    trigger(trigger) {
      scripts?.observe(trigger);
      // synccompliance concerns only the compliance workload, which `observe` above handed it to.
      if (trigger === "synccompliance" || trigger === SYNCCOMPLIANCE_MONIKER) return;
      if (trigger === "syncapp" || trigger === SYNCAPP_MONIKER) actor.send({ type: "SYNC" });
      else if (trigger === "restart") actor.send({ type: "RESTART" });
      else if (trigger === "reboot") actor.send({ type: "REBOOT" });
      else if (trigger === "companyPortalSync") {
        // Windows' MDM sync goes first; the IME check-in it brings is an on-demand one [I: ime.md §6 names
        // no CheckinReason for it; OnDemand is the enum's value for a sync someone asked for].
        events.emit({ phase: "mdm.syncRequested", details: { source: "companyPortal" } });
        actor.send({ type: "SYNC" });
      } else if ("logon" in trigger) actor.send({ type: "USER_LOGON", user: trigger.logon });
      else if ("logoff" in trigger) actor.send({ type: "USER_LOGOFF", userId: trigger.logoff });
      else
        actor.send({
          type: "INSTALL_AVAILABLE",
          request: { appId: trigger.installAvailable, userId: trigger.userId },
        });
    },
    subscribe: (listener) => events.subscribe(listener),
    async runUntil(time) {
      if (!isVirtual(clock)) {
        throw new ImesimError(
          "AGENT_CLOCK_NOT_VIRTUAL",
          "runUntil needs the agent to run on a virtual clock",
        );
      }
      await clock.runUntil(time);
    },
    status: () => actor.getSnapshot().value,
    failure: () => failure ?? scripts?.failure() ?? inventory?.failure() ?? health?.failure(),
    logLevel: () => logLevel.level(),
    dispose() {
      actor.stop();
      scripts?.dispose();
      inventory?.dispose();
      health?.dispose();
      logLevel.dispose();
      logs.close();
      // Closing lets open keep-alive connections end; nothing waits on it, the charts are already stopped.
      void serviceClient.close?.();
      void codec.dispose?.();
      void spool.dispose();
    },
  };
}
