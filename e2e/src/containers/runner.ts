// The compose runner: an admin and a judge in one container. It publishes a scenario's users, apps, scripts,
// remediations and compliance policies to a running mock through Graph (client credentials, create, upload,
// commit, assign — as an admin script does), tells compose it has published (the agents wait for that), waits for the agents to finish, and
// judges the scenario's expectations with the checker `imesim run` uses: from the service's side (Graph
// device statuses) and from each agent's outputs (its SQLite device, events, logs).
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { ImesimError } from "@imesim/contracts/errors";
import { publishApps, relateApps } from "../run/admin-setup.ts";
import { publishCompliance, readComplianceStatuses } from "../run/compliance-setup.ts";
import { faultPlanOf } from "../run/faults.ts";
import { type DeviceRun, finalStatesOf, type RunResult } from "../run/result.ts";
import { type PublishedScript, publishScripts, readRunStates } from "../run/script-setup.ts";
import { enrollmentUsersOf } from "../run/tenant-users.ts";
import { checkExpectations, type DeviceOutcome } from "../scenario/expectations.ts";
import type { LoadedScenario } from "../scenario/index.ts";
import { type AgentRecord, finishedAgents, openAgentRecord, outcomeOf } from "./device-outputs.ts";
import type { HttpChannel } from "./http-channel.ts";

export interface RunnerOptions {
  readonly channel: HttpChannel;
  /** The mock's admin-plane token (contract A), for the fault plan and pasted policies. */
  readonly adminToken: string | undefined;
  /** Where every agent's `--out` folder is (one sub-folder per device). */
  readonly outputs: string;
  /** How many agents to wait for. */
  readonly agents: number;
  /** Written once everything is published: compose starts the agents when it exists. */
  readonly publishedMarker: string | undefined;
  /** Bound on the wait for the agents. */
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

/** Scenario parts the runner cannot set up through the service's API, each with its reason. */
export function unsupportedInContainers(scenario: LoadedScenario): string[] {
  const problems: string[] = [];
  for (const app of scenario.apps)
    for (const assignment of app.assignments)
      if (assignment.target?.startsWith("user:") === true)
        problems.push(
          `app "${app.name}" is assigned to ${assignment.target}: the mock's Graph has no route to create that user's group, so compose cannot target it`,
        );
  for (const action of scenario.actions)
    if (action.do === "editPlatformScript")
      problems.push(
        `the editPlatformScript of "${action.script}" at ${action.at} is an admin's edit at a simulated time: the runner publishes once, before the agents' clocks start (use imesim run)`,
      );
  return problems;
}

async function expectStatus(
  channel: HttpChannel,
  what: string,
  request: Parameters<HttpChannel["send"]>[0],
  expected: number,
): Promise<void> {
  const response = await channel.send(request);
  if (response.statusCode !== expected)
    throw new ImesimError(
      "RUNNER_SETUP_REFUSED",
      `${what} was refused (${response.statusCode}): ${response.body.slice(0, 300)}`,
    );
}

/** What the runner published, by the scenario's names: the ids the service gave them. */
export interface PublishedScenario {
  readonly appIds: Map<string, string>;
  readonly scripts: Map<string, PublishedScript>;
  /** Compliance policy ids by name. */
  readonly compliance: Map<string, string>;
}

/** Publishes the scenario: its users (contract U), apps, relationships, scripts, compliance and fault plan. */
export async function publishScenario(
  scenario: LoadedScenario,
  options: Pick<RunnerOptions, "channel" | "adminToken" | "log">,
): Promise<PublishedScenario> {
  const { channel, adminToken, log } = options;
  const graph = { authorization: `Bearer ${await channel.graphToken()}` };
  for (const user of enrollmentUsersOf(scenario)) {
    await expectStatus(
      channel,
      `creating user ${user.displayName}`,
      { method: "POST", url: "/beta/users", headers: graph, payload: user },
      201,
    );
    log(`user ${user.displayName} created as ${user.userPrincipalName}`);
  }
  const appIds = await publishApps(channel, scenario, adminToken);
  for (const [name, id] of appIds) log(`app ${name} published as ${id}`);
  await relateApps(channel, scenario, appIds);
  const scripts = await publishScripts(channel, scenario);
  for (const [name, script] of scripts)
    log(
      `${script.kind === "platform" ? "platform script" : "remediation"} ${name} published as ${script.id}`,
    );
  const compliance = await publishCompliance(channel, scenario);
  for (const [name, id] of compliance) log(`compliance policy ${name} published as ${id}`);
  const withIds = {
    ...scenario,
    apps: scenario.apps.map((app) => ({ ...app, id: appIds.get(app.name) ?? app.id })),
  };
  await expectStatus(
    channel,
    "setting the fault plan",
    {
      method: "POST",
      url: "/admin/faults",
      payload: faultPlanOf(withIds),
      ...(adminToken === undefined ? {} : { headers: { authorization: `Bearer ${adminToken}` } }),
    },
    200,
  );
  return { appIds, scripts, compliance };
}

/** Waits until `count` agents have finished, checking every second, at most `timeoutMs`. */
async function waitForAgents(options: RunnerOptions): Promise<string[]> {
  const deadline = Date.now() + options.timeoutMs;
  let reported = -1;
  for (;;) {
    const done = finishedAgents(options.outputs);
    if (done.length !== reported) {
      options.log(`${done.length} of ${options.agents} agent(s) finished`);
      reported = done.length;
    }
    if (done.length >= options.agents) return done;
    if (Date.now() > deadline)
      throw new ImesimError(
        "RUNNER_AGENTS_TIMEOUT",
        `only ${done.length} of ${options.agents} agent(s) finished within ${Math.round(options.timeoutMs / 1000)} s (outputs in ${options.outputs})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** The latest Graph device status of each (app, device), for the checker's `serviceStatus`. */
async function serviceStatuses(
  channel: HttpChannel,
  appIds: ReadonlyMap<string, string>,
): Promise<(deviceId: string) => DeviceOutcome["serviceStatus"]> {
  const byApp = new Map<string, Array<Record<string, unknown>>>();
  for (const id of appIds.values())
    byApp.set(
      id.toLowerCase(),
      await channel.list(`/beta/deviceAppManagement/mobileApps/${id}/deviceStatuses`),
    );
  return (deviceId) => (appId) => {
    const latest = (byApp.get(appId.toLowerCase()) ?? [])
      .filter((status) => String(status.deviceId).toLowerCase() === deviceId.toLowerCase())
      .sort((a, b) => String(a.lastSyncDateTime).localeCompare(String(b.lastSyncDateTime)))
      .at(-1);
    return latest === undefined
      ? undefined
      : {
          installState: String(latest.installState),
          errorCode: typeof latest.errorCode === "number" ? latest.errorCode : null,
        };
  };
}

/** Publishes, waits, judges: the scenario's RunResult as `imesim run` would report it. */
export async function runInContainers(scenario: LoadedScenario, options: RunnerOptions): Promise<RunResult> {
  const wallStart = performance.now();
  // A run starts from empty outputs: a folder an earlier run left would count as an agent already done.
  // The folder itself stays (it is usually a bind mount); the agents start only after publishing.
  for (const entry of readdirSync(options.outputs))
    rmSync(join(options.outputs, entry), { recursive: true, force: true });
  const { appIds, scripts, compliance } = await publishScenario(scenario, options);
  if (options.publishedMarker !== undefined)
    writeFileSync(options.publishedMarker, `${new Date().toISOString()}\n`);
  options.log(`published; waiting for ${options.agents} agent(s)`);
  const folders = await waitForAgents(options);
  const statusesOf = await serviceStatuses(options.channel, appIds);
  const records: AgentRecord[] = folders.map(openAgentRecord);
  try {
    const runStates =
      scripts.size === 0
        ? undefined
        : await readRunStates(
            options.channel,
            scripts,
            records.map((record) => record.finished.deviceId),
          );
    const complianceStatuses =
      compliance.size === 0 ? undefined : await readComplianceStatuses(options.channel, compliance);
    const startedAt = Math.min(...records.map((record) => record.finished.startedAt));
    const judged: LoadedScenario = {
      ...scenario,
      startMs: startedAt,
      apps: scenario.apps.map((app) => ({ ...app, id: appIds.get(app.name) ?? app.id })),
    };
    const runs: DeviceRun[] = records.map((record, index) => {
      const deviceKey = record.finished.deviceId.toLowerCase();
      const scriptRunStates = runStates?.get(deviceKey);
      const outcome = {
        ...outcomeOf(record, index + 1, statusesOf(record.finished.deviceId)),
        ...(scriptRunStates === undefined ? {} : { scriptRunStates }),
        ...(complianceStatuses === undefined
          ? {}
          : { complianceStatuses: complianceStatuses.get(deviceKey) ?? new Map<string, string>() }),
      };
      return {
        outcome,
        deviceId: record.finished.deviceId,
        deviceName: `${record.finished.deviceName} (${basename(record.folder)})`,
        finalStates: finalStatesOf(judged, outcome),
      };
    });
    const expectations = checkExpectations(
      judged,
      runs.map((run) => run.outcome),
    );
    const errors = records.flatMap((record) =>
      record.finished.failure === undefined
        ? []
        : [`${basename(record.folder)}: the agent stopped on ${record.finished.failure}`],
    );
    return {
      scenario: judged,
      devices: runs,
      expectations,
      passed: errors.length === 0 && expectations.every((check) => check.passed),
      errors,
      wallMs: performance.now() - wallStart,
      simulatedMs: scenario.durationMs,
      outDir: options.outputs,
    };
  } finally {
    for (const record of records) record.device.close();
  }
}
