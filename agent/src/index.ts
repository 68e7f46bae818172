// @imesim/agent: the device side — the IME's Win32 app flow over a virtual Windows device.
export type { Agent, AgentOptions, AgentTrigger } from "./agent.ts";
export { createAgent, DEFAULT_AGENT_VERSION, SYNCAPP_MONIKER } from "./agent.ts";
export type { Clock, TimerHandle, VirtualClock } from "./clock/index.ts";
export { createRealClock, createVirtualClock, whileHeld } from "./clock/index.ts";
export type { ImeEvent, ImeEventListener, ImeEventStream, ImePhase } from "./events/index.ts";
export { createEventStream, DEVICE_USER_ID, recordEvents } from "./events/index.ts";
export type {
  ScriptedAttempt,
  ScriptedBehaviour,
  ScriptedEffects,
} from "./host/installer/scripted.ts";
export { createScriptedInstaller } from "./host/installer/scripted.ts";
export type { LogWriter } from "./log/index.ts";
export type { AppEvaluator, ContentCodec, DeliverySources, LoggedOnUser } from "./machines/index.ts";
export { chartDiagrams, toMermaid } from "./machines/index.ts";
export type { DeviceIdentity, Enrollment, ImeServiceClient } from "./service-client/index.ts";
export { createHttpServiceClient, enrollDevice } from "./service-client/index.ts";
