// One simulated device on a virtual clock, with the in-memory service double: what the agent tests drive.
import { createDevice, type Device } from "@imesim/agent/host";
import type { InspectionEvent } from "xstate";
import { type Agent, createAgent } from "../../src/agent.ts";
import { createVirtualClock, type VirtualClock } from "../../src/clock/index.ts";
import { type ImeEvent, recordEvents } from "../../src/events/index.ts";
import { createScriptedInstaller, type ScriptedBehaviour } from "../../src/host/installer/scripted.ts";
import type { Installer } from "../../src/host/installer/types.ts";
import type { AppEvaluator, ContentCodec } from "../../src/machines/ports.ts";
import type { LoggedOnUser } from "../../src/machines/service-machine.ts";
import { createFakeService, fakeCodec, fileRegistryEvaluator } from "./fakes.ts";

/** 1 Jan 2026 08:00 UTC, a Thursday. */
export const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface Harness {
  readonly agent: Agent;
  readonly clock: VirtualClock;
  readonly device: Device;
  readonly service: ReturnType<typeof createFakeService>;
  readonly installer: ReturnType<typeof createScriptedInstaller>;
  readonly events: ImeEvent[];
  /** Runs the clock to T0 + `ms`. */
  runTo(ms: number): Promise<void>;
  /** Events of one phase (optionally for one app). */
  phase<P extends ImeEvent["phase"]>(phase: P, appId?: string): Array<Extract<ImeEvent, { phase: P }>>;
  /** The messages of AppWorkload.log. */
  appWorkload(): string;
}

/** Builds a device + agent; `setup` assigns apps before the agent starts. */
export function createHarness(options: {
  behaviours: ScriptedBehaviour[];
  users?: LoggedOnUser[];
  device?: Device;
  clock?: VirtualClock;
  /** Reuse a service double across agent lifetimes (crash tests). */
  service?: ReturnType<typeof createFakeService>;
  codec?: ContentCodec;
  /** Wraps the scripted installer, e.g. to make process creation fail. */
  wrapInstaller?: (installer: Installer) => Installer;
  evaluator?: AppEvaluator;
  inspect?: (event: InspectionEvent) => void;
  setup?: (service: ReturnType<typeof createFakeService>, device: Device) => void;
  start?: boolean;
}): Harness {
  const clock = options.clock ?? createVirtualClock(T0);
  const device = options.device ?? createDevice({ backend: "memory", clock });
  const service = options.service ?? createFakeService(clock);
  options.setup?.(service, device);
  const installer = createScriptedInstaller(options.behaviours);
  const agent = createAgent({
    deviceId: "dev-1",
    device,
    clock,
    service: service.client,
    installer: options.wrapInstaller === undefined ? installer : options.wrapInstaller(installer),
    evaluator: options.evaluator ?? fileRegistryEvaluator,
    codec: options.codec ?? fakeCodec,
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    users: options.users ?? [],
  });
  const { events } = recordEvents(agent.events);
  if (options.start !== false) agent.start();
  return {
    agent,
    clock,
    device,
    service,
    installer,
    events,
    runTo: (ms) => clock.runUntil(Math.max(clock.now(), T0 + ms)),
    phase: <P extends ImeEvent["phase"]>(phase: P, appId?: string) =>
      events.filter(
        (e): e is Extract<ImeEvent, { phase: P }> =>
          e.phase === phase && (appId === undefined || e.appId === appId),
      ),
    appWorkload: () => agent.logs.read("AppWorkload"),
  };
}
