// The composition root of `imesim run`: one mock service and N simulated devices in this process, all
// on one virtual clock, so days of IME behaviour pass in seconds. Each device is enrolled, gets the
// scenario's initial state, runs the agent, receives the timed actions; at the end the expectations
// are checked against what every device holds.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Agent,
  createAgent,
  createVirtualClock,
  SYNCCOMPLIANCE_MONIKER,
  type VirtualClock,
} from "@imesim/agent";
import { DEVICE_USER_ID, type ImeEvent, recordEvents } from "@imesim/agent/events";
import {
  type ChangeJournal,
  createDevice,
  type Device,
  type DeviceChange,
  exportRegFile,
} from "@imesim/agent/host";
import { IME_REGISTRY_ROOT, WIN32_APPS_KEY } from "@imesim/agent/ime";
import type { ImeLogFile } from "@imesim/agent/log";
import { inProcessChannel } from "@imesim/mock-service";
import { deleteRegistry, setLogLevel } from "../control/operations.ts";
import { createRunJournal, followAgent } from "../dashboard/change-recording.ts";
import { CHANGES_FILE, writeChangesFile } from "../dashboard/changes-file.ts";
import { EVENTS_FILE, writeEventsFile } from "../dashboard/events-file.ts";
import {
  checkExpectations,
  type DeviceOutcome,
  type ExpectationResult,
  type LogFileName,
} from "../scenario/expectations.ts";
import type { LoadedScenario, TimedAction } from "../scenario/index.ts";
import type { DetectedAppView } from "../scenario/inventory-expectations.ts";
import type { ScriptRunStates } from "../scenario/script-expectations.ts";
import {
  type InstallObserver,
  observedInstaller,
  scenarioInstaller,
  scenarioScripts,
} from "./agent-parts.ts";
import { publishCompliance, readComplianceStatuses } from "./compliance-setup.ts";
import { deviceProfileOf, seedDevice } from "./device-setup.ts";
import { createFleetKey, enrollWithFleetKey, type FleetKey } from "./enrollment.ts";
import { faultPlanOf } from "./faults.ts";
import {
  defaultWorkerCount,
  detachRun,
  type FleetShard,
  orderedByExpectation,
  runInWorkers,
  SHARD_BATCH_DEVICES,
} from "./fleet-workers.ts";
import { exportHealthReport, healthOptionsOf, performImeService } from "./health-setup.ts";
import { InjectDispatcher } from "./inject-dispatcher.ts";
import { hasInventory, readDetectedApps } from "./inventory-setup.ts";
import { registryValueOf } from "./registry-data.ts";
import { type DeviceRun, finalStatesOf, type RunResult, runResultOf } from "./result.ts";
import {
  editPlatformScript,
  hasScriptWorkloads,
  publishScripts,
  readRunStates,
  withScriptedResults,
} from "./script-setup.ts";
import { type ScenarioService, startScenarioService } from "./service-setup.ts";
import { driveUntilStopped } from "./stoppable-drive.ts";
import { enrollmentUsersOf } from "./tenant-users.ts";

export interface RunOptions {
  /** Fleet size; overrides the scenario's `devices`. */
  readonly devices?: number;
  /** Folder for each device's IME logs, .reg export and the service data. */
  readonly outDir?: string;
  /** Called as devices are set up (fleets). */
  readonly onProgress?: (ready: number, total: number) => void;
  /** Called with the name of every external program an install's command line or script starts. */
  readonly onProgramStart?: (name: string) => void;
  /** Called when an install or uninstall command line ends, with what it printed (`imesim test`'s report). */
  readonly onInstallEnded?: InstallObserver;
  /**
   * Worker threads a fleet runs on, each with its own mock and its share of the devices (fleet-workers.ts);
   * default `defaultWorkerCount(devices)`, so a small fleet runs in this thread as before.
   */
  readonly workers?: number;
  /** A fleet worker's share: its first device number and where its service keeps its data under `outDir`. */
  readonly shard?: FleetShard;
  /** Called once per device as it starts (the dashboard's live view subscribes to its events and logs). */
  readonly onDevice?: (device: {
    readonly number: number;
    readonly deviceName: string;
    readonly agent: Agent;
    /** The virtual Windows device (the dashboard's device operations act on it, e2e/src/control). */
    readonly device: Device;
    /** The device's registry and file changes so far, when the run records them (`recordChanges`). */
    readonly changes?: () => readonly DeviceChange[];
  }) => void;
  /** Drives the virtual clock to `endMs` (default `clock.runUntil(endMs)`; the dashboard paces it). */
  readonly driveClock?: (clock: VirtualClock, endMs: number) => Promise<void>;
  /**
   * Records each device's registry and file changes (the dashboard's registry and folder views): on with `outDir`
   * (written as device-NNNN/changes.jsonl) and for `run --ui`; off otherwise, and then the devices are unchanged.
   */
  readonly recordChanges?: boolean;
  /**
   * Stops the run part-way (Ctrl-C): it then rejects with the signal's reason once its devices are disposed, its
   * mock closed and its temp folder removed, fleet workers' included (stoppable-drive.ts).
   */
  readonly signal?: AbortSignal;
}

interface LiveDevice {
  readonly number: number;
  readonly device: Device;
  readonly agent: Agent;
  readonly deviceId: string;
  readonly events: ImeEvent[];
  readonly journal?: ChangeJournal;
}

async function startDevice(
  scenario: LoadedScenario,
  service: ScenarioService,
  clock: VirtualClock,
  number: number,
  outDir: string | undefined,
  key: FleetKey,
  dispatcher: InjectDispatcher,
  hooks: Pick<RunOptions, "onProgramStart" | "onInstallEnded" | "recordChanges">,
): Promise<LiveDevice> {
  const { onProgramStart } = hooks;
  const journal = hooks.recordChanges === true || outDir !== undefined ? createRunJournal(clock) : undefined;
  const device = createDevice({
    backend: "memory",
    profile: deviceProfileOf(scenario, number),
    clock,
    ...(journal === undefined ? {} : { journal }),
  });
  seedDevice(device, scenario);
  const identity = await enrollWithFleetKey(service.server, service.baseUrl, key, {
    deviceName: device.profile.computerName,
    osVersion: device.profile.osVersion,
    users: enrollmentUsersOf(scenario),
  });
  const deviceId = identity.deviceId;
  const logsDir =
    outDir === undefined ? undefined : join(outDir, `device-${String(number).padStart(4, "0")}`, "Logs");
  if (logsDir !== undefined) mkdirSync(logsDir, { recursive: true });
  const health = healthOptionsOf(scenario);
  const agent = createAgent({
    deviceId,
    device,
    clock,
    // The mock answers on this event loop: a slow answer (a large .bin under load) is work, never a stall.
    service: { identity, dispatcher, stallGraceMs: Number.POSITIVE_INFINITY },
    installer: observedInstaller(scenarioInstaller(scenario, onProgramStart), hooks.onInstallEnded),
    scriptRunner: withScriptedResults(scenario, scenarioScripts(scenario, onProgramStart, clock)),
    scriptWorkloads: hasScriptWorkloads(scenario),
    inventory: hasInventory(scenario),
    ...(health === undefined ? {} : { health }),
    users: scenario.users
      .filter((user) => user.loggedOn)
      .map((user, index) => ({
        userId: user.objectId,
        userSid: user.sid,
        session: index + 1,
        accountName: user.name,
      })),
    ...(logsDir === undefined ? {} : { logsDir }),
  });
  const { events } = recordEvents(agent.events);
  if (journal !== undefined) followAgent(journal, agent);
  return { number, device, agent, deviceId, events, ...(journal === undefined ? {} : { journal }) };
}

/** Deletes what the admin recipe of ime.md §4.6 deletes: the app's Win32Apps key, its GRS values, its Reporting key. */
function resetApp(device: Device, userId: string, appId: string): void {
  const registry = device.registry;
  const userKey = `${WIN32_APPS_KEY}\\${userId}`;
  if (!registry.keyExists(userKey)) return;
  registry.transaction(() => {
    for (const name of registry.listSubkeys(userKey)) {
      if (name.toLowerCase().startsWith(`${appId.toLowerCase()}_`)) registry.deleteKey(`${userKey}\\${name}`);
    }
    const grsRoot = `${userKey}\\GRS`;
    if (registry.keyExists(grsRoot)) {
      for (const hash of registry.listSubkeys(grsRoot)) {
        if (
          registry
            .listValues(`${grsRoot}\\${hash}`)
            .some((value) => value.name.toLowerCase() === appId.toLowerCase())
        )
          registry.deleteKey(`${grsRoot}\\${hash}`);
      }
    }
    registry.deleteKey(`${WIN32_APPS_KEY}\\Reporting\\${userId}\\${appId}`);
  });
}

/** Performs one timed action on one device (also `imesim agent`'s, with the ids its service gave the apps). */
export function perform(
  action: TimedAction,
  live: Pick<LiveDevice, "agent" | "device">,
  scenario: LoadedScenario,
): void {
  const userOf = (name: string | undefined) => scenario.users.find((user) => user.name === name);
  const appIdOf = (name: string) => scenario.apps.find((app) => app.name === name)?.id ?? name;
  const system64 = { account: "system", bitness: 64 } as const;
  switch (action.do) {
    case "logon": {
      const user = userOf(action.user);
      if (user !== undefined)
        live.agent.trigger({
          logon: {
            userId: user.objectId,
            userSid: user.sid,
            session: scenario.users.indexOf(user) + 1,
            accountName: user.name,
          },
        });
      return;
    }
    case "logoff": {
      const user = userOf(action.user);
      if (user !== undefined) live.agent.trigger({ logoff: user.objectId });
      return;
    }
    case "syncapp":
      live.agent.trigger("syncapp");
      return;
    case "restartService":
      live.agent.trigger("restart");
      return;
    case "reboot":
      live.agent.trigger("reboot");
      return;
    case "resetApp":
      resetApp(live.device, userOf(action.user)?.objectId ?? DEVICE_USER_ID, appIdOf(action.app));
      if (action.restartService !== false) live.agent.trigger("restart");
      return;
    case "requestInstall":
      live.agent.trigger({
        installAvailable: appIdOf(action.app),
        userId: userOf(action.user)?.objectId ?? DEVICE_USER_ID,
      });
      return;
    case "setRegistry":
      for (const entry of action.entries) {
        const access = { view: entry.view ?? 64 } as const;
        if (entry.name === undefined) live.device.registry.createKey(entry.key, access);
        else
          live.device.registry.setValue(
            entry.key,
            entry.name,
            registryValueOf(entry.type, entry.data),
            access,
          );
      }
      return;
    case "deleteRegistryKey":
      live.device.registry.deleteKey(action.key, { view: action.view ?? 64 });
      return;
    case "writeFiles":
      for (const file of action.files)
        live.device.fs.writeFile(
          live.device.expandEnvironment(file.path, system64),
          file.content ?? "",
          file.version === undefined ? undefined : { version: file.version },
        );
      return;
    case "deleteFile":
      live.device.fs.remove(live.device.expandEnvironment(action.path, system64));
      return;
    case "syncCompliance":
      live.agent.trigger(SYNCCOMPLIANCE_MONIKER);
      return;
    case "companyPortalSync":
      live.agent.trigger("companyPortalSync");
      return;
    case "deleteRegistryValue":
      deleteRegistry(live.device, action);
      return;
    case "setLogLevel":
      setLogLevel(live.device, action.level);
      if (action.restartService !== false) live.agent.trigger("restart");
      return;
    case "imeService":
      performImeService(action, live);
      return;
    case "editPlatformScript":
      // An admin's act on the service, not on a device: runScenario performs it once (script-setup.ts).
      return;
  }
}

const LOG_BASE: Readonly<Record<LogFileName, ImeLogFile>> = {
  "AppWorkload.log": "AppWorkload",
  "IntuneManagementExtension.log": "IntuneManagementExtension",
  "AgentExecutor.log": "AgentExecutor",
  "HealthScripts.log": "HealthScripts",
  "Win32AppInventory.log": "Win32AppInventory",
  "Sensor.log": "Sensor",
  "ClientHealth.log": "ClientHealth",
};

function outcomeOf(
  live: LiveDevice,
  service: ScenarioService,
  scriptRunStates?: ScriptRunStates,
  complianceStatuses?: ReadonlyMap<string, string>,
  detectedApps?: ReadonlyMap<string, DetectedAppView[]>,
): DeviceOutcome {
  const detected = detectedApps?.get(live.deviceId.toLowerCase());
  return {
    number: live.number,
    ...(detected === undefined ? {} : { detectedApps: detected }),
    ...(complianceStatuses === undefined ? {} : { complianceStatuses }),
    ...(scriptRunStates === undefined ? {} : { scriptRunStates }),
    events: live.events,
    state: live.agent.state,
    host: live.device,
    readLog: (file) => live.agent.logs.read(LOG_BASE[file]),
    serviceStatus(appId) {
      const statuses = service.server.intune.store
        .listStatuses(appId)
        .filter((status) => status.deviceId.toLowerCase() === live.deviceId.toLowerCase());
      const latest = statuses.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)).at(-1);
      return latest === undefined
        ? undefined
        : { installState: latest.installState, errorCode: latest.errorCode };
    },
  };
}

// A .reg with the header and no keys: what the export holds when the IME wrote nothing under its key (a device
// that got no apps), so every device folder has its .reg and importing it changes nothing.
const EMPTY_REG_FILE = Buffer.concat([
  Buffer.from([0xff, 0xfe]),
  Buffer.from("Windows Registry Editor Version 5.00\r\n\r\n", "utf16le"),
]);

/** Writes a device's IME registry state as a regedit export next to its logs, always (empty when there is none). */
function exportRegistry(live: LiveDevice, outDir: string): void {
  const folder = join(outDir, `device-${String(live.number).padStart(4, "0")}`);
  mkdirSync(folder, { recursive: true });
  // regedit's own format: UTF-16LE with the ff fe BOM (windows-formats.md §3.1).
  writeFileSync(
    join(folder, "IntuneManagementExtension.reg"),
    live.device.registry.keyExists(IME_REGISTRY_ROOT)
      ? exportRegFile(live.device.registry, IME_REGISTRY_ROOT)
      : EMPTY_REG_FILE,
  );
  exportHealthReport(live.device, folder);
  // The typed events, so `imesim ui <out>` shows the run without reading its logs to learn what happened.
  writeEventsFile(join(folder, EVENTS_FILE), live.events);
  // What the registry and folders went through, step by step (a file of its own, for the dashboard).
  if (live.journal !== undefined) writeChangesFile(join(folder, CHANGES_FILE), live.journal.finish());
}

/**
 * A fresh service and fresh device folders each run: a reused data folder would still hold the last run's apps,
 * and a device folder the last run's logs (a log appended to would mix two runs' check-ins).
 */
export function prepareOutDir(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const entry of readdirSync(outDir)) {
    // service-<n>: a fleet worker's service (fleet-workers.ts).
    if (/^(device-\d{4,}|service(-\d+)?)$/.test(entry))
      rmSync(join(outDir, entry), { recursive: true, force: true });
  }
}

/** What one batch of devices ended with. */
interface BatchResult {
  readonly runs: DeviceRun[];
  readonly expectations: ExpectationResult[];
  readonly errors: string[];
}

/** Runs devices `first`…`first + count - 1` to the scenario's end on a clock of their own, checks their expectations. */
async function runBatch(
  scenario: LoadedScenario,
  service: ScenarioService,
  setup: {
    readonly key: FleetKey;
    readonly dispatcher: InjectDispatcher;
    /** The scenario's platform scripts and compliance policies as published in this service (script-setup). */
    readonly scripts: Awaited<ReturnType<typeof publishScripts>>;
    readonly compliance: Awaited<ReturnType<typeof publishCompliance>>;
  },
  first: number,
  count: number,
  options: RunOptions,
  onReady: (index: number) => void,
): Promise<BatchResult> {
  const { outDir } = options;
  const clock = createVirtualClock(scenario.startMs);
  const devices: LiveDevice[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      options.signal?.throwIfAborted();
      devices.push(
        await startDevice(
          scenario,
          service,
          clock,
          first + index,
          outDir,
          setup.key,
          setup.dispatcher,
          options,
        ),
      );
      onReady(index);
      const live = devices[devices.length - 1];
      if (live !== undefined)
        options.onDevice?.({
          number: live.number,
          deviceName: live.device.profile.computerName,
          agent: live.agent,
          device: live.device,
          ...(live.journal === undefined ? {} : { changes: () => live.journal!.changes }),
        });
    }
    const adminErrors: string[] = [];
    for (const action of scenario.actions) {
      clock.setTimeout(() => {
        if (action.do === "editPlatformScript") {
          // The Graph call is real work on this event loop: the clock waits for it.
          const release = clock.hold();
          editPlatformScript(inProcessChannel(service.server), scenario, setup.scripts, action)
            .catch((error: unknown) => adminErrors.push(`at ${action.at}: ${(error as Error).message}`))
            .finally(release);
          return;
        }
        for (const live of devices) perform(action, live, scenario);
      }, action.atMs);
    }
    for (const live of devices) live.agent.start();
    const endMs = scenario.startMs + scenario.durationMs;
    await driveUntilStopped(
      clock,
      endMs,
      options.driveClock ?? ((virtual, end) => virtual.runUntil(end)),
      options.signal,
    );
    for (const live of devices) live.agent.logs.flush();
    const { scripts, compliance } = setup;
    const runStates =
      scripts.size === 0
        ? undefined
        : await readRunStates(
            inProcessChannel(service.server),
            scripts,
            devices.map((live) => live.deviceId),
          );

    const complianceStatuses =
      compliance.size === 0
        ? undefined
        : await readComplianceStatuses(inProcessChannel(service.server), compliance);

    const detectedApps = hasInventory(scenario)
      ? await readDetectedApps(
          inProcessChannel(service.server),
          devices.map((live) => live.deviceId),
        )
      : undefined;

    const runs: DeviceRun[] = devices.map((live) => {
      const outcome = outcomeOf(
        live,
        service,
        runStates?.get(live.deviceId.toLowerCase()),
        complianceStatuses === undefined
          ? undefined
          : (complianceStatuses.get(live.deviceId.toLowerCase()) ?? new Map()),
        detectedApps,
      );
      return {
        outcome,
        deviceId: live.deviceId,
        deviceName: live.device.profile.computerName,
        finalStates: finalStatesOf(scenario, outcome),
      };
    });
    const expectations = checkExpectations(
      scenario,
      runs.map((run) => run.outcome),
    );
    const errors = [
      ...adminErrors,
      ...devices.flatMap((live) => {
        const failure = live.agent.failure();
        return failure === undefined
          ? []
          : [`device ${live.number}: the agent stopped on ${(failure as Error).message ?? String(failure)}`];
      }),
    ];
    if (outDir !== undefined) for (const live of devices) exportRegistry(live, outDir);
    return { runs, expectations, errors };
  } finally {
    for (const live of devices) live.agent.dispose();
  }
}

/**
 * What the run keeps of a finished batch: all of it, or in a fleet worker's share only what the reports read
 * (detachRun). Detached here rather than in runScenario's loop: the loop's suspended frame keeps its last awaited
 * value while the next batch runs, and a whole batch's devices (registries, logs, events) held that long doubled
 * a worker's live heap.
 */
async function keptBatch(running: Promise<BatchResult>, detached: boolean): Promise<BatchResult> {
  const result = await running;
  return detached ? { ...result, runs: result.runs.map(detachRun) } : result;
}

/** Runs a loaded scenario to its end and checks its expectations. */
export async function runScenario(loaded: LoadedScenario, options: RunOptions = {}): Promise<RunResult> {
  const deviceCount = options.devices ?? loaded.devices;
  const workers = options.shard === undefined ? (options.workers ?? defaultWorkerCount(deviceCount)) : 1;
  if (workers > 1) return runInWorkers(loaded, { ...options, devices: deviceCount, workers });
  const wallStart = performance.now();
  const outDir = options.outDir;
  if (outDir !== undefined && options.shard === undefined) prepareOutDir(outDir);
  const serviceDir =
    options.shard?.serviceDir ?? (outDir === undefined ? undefined : join(outDir, "service"));
  const service = await startScenarioService(loaded, serviceDir);
  // The service holds every app under the scenario's own id (service-setup), so expectations find the keys.
  const scenario = loaded;
  try {
    // Published before the scenario's faults are armed, as its apps are (service-setup).
    const [scripts, compliance] = await Promise.all([
      publishScripts(inProcessChannel(service.server), scenario),
      publishCompliance(inProcessChannel(service.server), scenario),
    ]);
    service.server.intune.faults.setPlan(faultPlanOf(scenario));
    const setup = {
      key: await createFleetKey(),
      dispatcher: new InjectDispatcher(service.server),
      scripts,
      compliance,
    };
    const first = options.shard?.firstDevice ?? 1;
    const batch =
      options.shard === undefined ? deviceCount : (options.shard.batchDevices ?? SHARD_BATCH_DEVICES);
    const all: BatchResult = { runs: [], expectations: [], errors: [] };
    for (let done = 0; done < deviceCount; done += batch) {
      const size = Math.min(batch, deviceCount - done);
      const result = await keptBatch(
        runBatch(scenario, service, setup, first + done, size, options, (index) =>
          options.onProgress?.(done + index + 1, deviceCount),
        ),
        options.shard !== undefined,
      );
      all.runs.push(...result.runs);
      all.expectations.push(...result.expectations);
      all.errors.push(...result.errors);
    }
    return runResultOf({ scenario, devices: all.runs, ...orderedByExpectation(all), outDir }, wallStart);
  } finally {
    await service.server.close();
    if (outDir === undefined) rmSync(service.dataDir, { recursive: true, force: true });
  }
}
