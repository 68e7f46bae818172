// The path a device took through the service, check-in and enforcement charts, read from its typed events
// (events.jsonl or the live stream; never its logs). Each step names the state an event shows the chart in:
// the event is emitted by that state's action or actor (agent/src/machines/*-logic.ts announce*/record*).
// States no event comes from (eventless routing such as `routing`, `confirming`, `judging`) are not steps;
// the picture still draws them and the transitions through them.
//
// The table below names states by their path in the chart; `checkStates` compares it with the machines
// at run time, so a state renamed or removed in a chart shows up (in the API and the server test) instead of
// silently vanishing from the path.
import type { ImeEvent } from "@imesim/agent/events";
import type { ChartStructure } from "@imesim/agent/machines";
import type { ChartName, ChartPaths, ChartStep } from "@imesim/dashboard/api";

type Rule = string | ((event: ImeEvent, visited: ReadonlySet<string>) => string | undefined);

/** Phase → the service chart's state it shows (ime.md §6 service life). */
const SERVICE: Readonly<Record<string, Rule>> = {
  "service.started": "running",
  "service.startupDelay": "running.delayingStartup",
  "checkin.started": "running.checkingIn",
  "checkin.scheduled": "running.waiting",
  // A shutdown takes the device down for the restart; a stop leaves the service stopped.
  "service.stopping": (event) =>
    event.phase === "service.stopping" && event.details.signal === "shutdown" ? "rebooting" : "stopped",
  "service.stopped": "stopped",
  "service.notStartedAtBoot": "stopped",
};

/** Phase → the check-in chart's state (ime.md §1.3.1 poller). */
const CHECKIN: Readonly<Record<string, Rule>> = {
  "checkin.started": "acquiringToken",
  "token.acquired": "acquiringToken",
  "token.failed": "acquiringToken",
  "poller.sessionStarted": "requestingApps",
  "apps.requesting": "requestingApps",
  "apps.received": "requestingApps",
  "apps.requestFailed": "requestingApps",
  "subgraphs.processing": "processingSubgraphs",
  "subgraph.processing": "runningSubgraph",
  "subgraph.done": "processingSubgraphs",
  "poller.sessionCompleted": "sessionDone",
  "poller.sessionEmpty": "sessionDone",
  "poller.stopped": "stopping",
  "checkin.completed": "done",
};

/** The three detection passes (ime.md §11a order): before, after the download, after the install. */
const detectionPass: Rule = (_event, visited) =>
  visited.has("installing")
    ? "verifyingInstall"
    : visited.has("acquiringContent")
      ? "detectingAfterDownload"
      : "detecting";

/** Phase → the enforcement chart's state (ime.md §10.1 V3 processor). */
const ENFORCEMENT: Readonly<Record<string, Rule>> = {
  "grs.checked": "checkingGrs",
  "detection.completed": detectionPass,
  "applicability.completed": "checkingApplicability",
  "desiredState.calculated": "deciding",
  "desiredState.toInstall": "deciding",
  "desiredState.noAction": "deciding",
  "grs.blocked": "blockedByGrs",
  "download.started": "acquiringContent.downloading",
  "download.progress": "acquiringContent.downloading",
  "download.resumed": "acquiringContent.downloading",
  "download.doTimedOut": "acquiringContent.downloading",
  "download.cdnFallback": "acquiringContent.downloading",
  "download.completed": "acquiringContent.downloading",
  "download.failed": "failed",
  "content.verified": "acquiringContent.verifying",
  "content.decrypted": "acquiringContent.decrypting",
  "content.unzipped": "acquiringContent.unzipping",
  "content.failed": "failed",
  "install.started": "installing.launching",
  "install.launched": "installing.running",
  "install.launchFailed": "failed",
  "install.finished": "installing.collecting",
  "install.retryScheduled": "installing.waitingToRetry",
  "grs.recorded": "recording",
  "report.delta": "recording",
  "report.sent": "recording",
  "enforcement.completed": "recording",
  "cleanup.completed": "cleaningUp",
};

/** Every state path the rules can name, for checking them against the charts. */
const NAMED: Readonly<Record<ChartName, readonly string[]>> = {
  service: [...Object.values(SERVICE).filter((r) => typeof r === "string"), "rebooting"],
  checkin: Object.values(CHECKIN).filter((r) => typeof r === "string"),
  enforcement: [
    ...Object.values(ENFORCEMENT).filter((r) => typeof r === "string"),
    "detecting",
    "detectingAfterDownload",
    "verifyingInstall",
    "done",
  ],
};

/** The states the path rules name that `structures` lack (empty while the rules follow the charts). */
export function checkStates(structures: Readonly<Record<ChartName, ChartStructure>>): string[] {
  const missing: string[] = [];
  for (const chart of Object.keys(NAMED) as ChartName[]) {
    const ids = new Set(structures[chart].states.map((s) => s.id));
    for (const path of NAMED[chart]) {
      const id = `${structures[chart].machineId}.${path}`;
      if (!ids.has(id) && !missing.includes(id)) missing.push(id);
    }
  }
  return missing;
}

/** Follows one chart's run: steps in order, with the states visited since it last started. */
interface Follower {
  readonly steps: ChartStep[];
  take(event: ImeEvent): void;
  /** Adds a state reached without an event of its own (the final state after cleaning up). */
  push(state: string, event: ImeEvent): void;
}

/**
 * A follower of the chart `machineId` by `rules`; `restartPhase` is the phase a new run of the chart starts with
 * (a new check-in, a new enforcement of the app); `ids` are the chart's state ids.
 */
function follower(
  machineId: string,
  rules: Readonly<Record<string, Rule>>,
  restartPhase: string,
  ids: ReadonlySet<string>,
): Follower {
  const steps: ChartStep[] = [];
  let visited = new Set<string>();
  const push = (state: string, event: ImeEvent, restart = false) => {
    if (!ids.has(state)) return;
    const last = steps.at(-1);
    // Several events of one state (download progress) are one step: the first shows it entered.
    if (!restart && last !== undefined && last.state === state) return;
    steps.push({ state, seq: event.seq, phase: event.phase, simTime: event.simTime });
  };
  return {
    steps,
    push,
    take(event) {
      const rule = rules[event.phase];
      if (rule === undefined) return;
      const restart = event.phase === restartPhase;
      if (restart) visited = new Set();
      const path = typeof rule === "string" ? rule : rule(event, visited);
      if (path === undefined) return;
      for (let at = path.indexOf("."); at >= 0; at = path.indexOf(".", at + 1))
        visited.add(path.slice(0, at));
      visited.add(path);
      push(`${machineId}.${path}`, event, restart);
    },
  };
}

/** The device's path through each chart. */
export function chartPathsOf(
  deviceId: string,
  events: readonly ImeEvent[],
  structures: Readonly<Record<ChartName, ChartStructure>>,
): Omit<ChartPaths, "unknownStates"> {
  const idsOf = (chart: ChartName) => new Set(structures[chart].states.map((s) => s.id));
  const enforcementIds = idsOf("enforcement");
  const enforcementId = structures.enforcement.machineId;
  const service = follower(structures.service.machineId, SERVICE, "service.started", idsOf("service"));
  const checkin = follower(structures.checkin.machineId, CHECKIN, "checkin.started", idsOf("checkin"));
  const apps = new Map<string, Follower>();
  for (const event of events) {
    service.take(event);
    checkin.take(event);
    if (event.appId === undefined || ENFORCEMENT[event.phase] === undefined) continue;
    const appId = event.appId.toLowerCase();
    let app = apps.get(appId);
    if (app === undefined) {
      app = follower(enforcementId, ENFORCEMENT, "grs.checked", enforcementIds);
      apps.set(appId, app);
    }
    app.take(event);
    // Cleaning up leads straight to the final state (an eventless transition).
    if (event.phase === "cleanup.completed") app.push(`${enforcementId}.done`, event);
  }
  return {
    deviceId,
    service: service.steps,
    checkin: checkin.steps,
    enforcement: Object.fromEntries([...apps].map(([appId, app]) => [appId, app.steps])),
  };
}
