// @imesim/agent: the device side — the IME's Win32 app flow over a virtual Windows device.
//
//   const clock = createVirtualClock(Date.UTC(2026, 0, 1));
//   const device = createDevice({ backend: "memory", clock });            // @imesim/agent/host
//   const agent = createAgent({ deviceId, device, clock, service, installer: createScriptedInstaller([...]) });
//   agent.subscribe((event) => ...);                                      // every step, typed
//   agent.start();                                                        // 147 s later: AgentRestart check-in
//   await agent.runUntil(clock.now() + 30 * 24 * 3_600_000);              // 30 simulated days
//   agent.logs.read("AppWorkload"); agent.state.readEnforcement({ userId, appId, version });
//
// `service` is any ImeServiceClient (in-process double, or one over Fastify inject), or
// `{ identity }` from `enrollDevice(baseUrl, …)` to talk HTTP to the mock service with undici.
export type { Agent, AgentOptions, AgentTrigger } from "./agent.ts";
export { createAgent, DEFAULT_AGENT_VERSION, SYNCAPP_MONIKER, SYNCCOMPLIANCE_MONIKER } from "./agent.ts";
export type { Clock, TimerHandle, VirtualClock } from "./clock/index.ts";
export { createRealClock, createVirtualClock, whileHeld } from "./clock/index.ts";
export type { ImeEvent, ImeEventListener, ImeEventStream, ImePhase } from "./events/index.ts";
export { createEventStream, DEVICE_USER_ID, recordEvents } from "./events/index.ts";
export type { CommandLineInstallerOptions, ProgramResolver } from "./host/installer/index.ts";
export { createCommandLineInstaller } from "./host/installer/index.ts";
export type {
  ScriptedAttempt,
  ScriptedBehaviour,
  ScriptedEffects,
} from "./host/installer/scripted.ts";
export { createScriptedInstaller } from "./host/installer/scripted.ts";
export type { ImeStateStore } from "./ime/index.ts";
export type { ImeLogFile, LogWriter } from "./log/index.ts";
export type { AppEvaluator, ContentCodec, DeliverySources, LoggedOnUser } from "./machines/index.ts";
export { chartDiagrams, toMermaid } from "./machines/index.ts";
export type {
  DeviceIdentity,
  Enrollment,
  ImeServiceClient,
  ServiceFailure,
} from "./service-client/index.ts";
export { createHttpServiceClient, enrollDevice, holdingClock, ServiceError } from "./service-client/index.ts";
