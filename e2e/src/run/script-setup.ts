// The scenario's platform scripts and remediations, published as an admin would: Graph beta
// `deviceManagementScripts` / `deviceHealthScripts`, then `assign` (issue 16). A script answered by scripted
// results gets a marker line in its body, so the device's script runner recognises it without knowing the id
// the service gave it; the rest of the body (if any) is what the scenario wrote.
import type { ScriptedScript, ScriptRunner } from "@imesim/agent/host";
import { createScriptedRunner } from "@imesim/agent/host";
import { ImesimError } from "@imesim/contracts/errors";
import type { AdminChannel } from "@imesim/mock-service";
import { userGroupId } from "../scenario/app-policy.ts";
import { parseDuration } from "../scenario/duration.ts";
import type { LoadedScenario } from "../scenario/index.ts";
import type { PlatformScriptDefinition, RemediationDefinition, ScriptBehaviour } from "../scenario/schema.ts";
import { conditionHolds } from "./behaviours.ts";

/** A published script: which Graph collection holds it and its id there. */
export interface PublishedScript {
  readonly kind: "platform" | "health";
  readonly id: string;
}

const COLLECTION = {
  platform: "/beta/deviceManagement/deviceManagementScripts",
  health: "/beta/deviceManagement/deviceHealthScripts",
} as const;

/** True when the scenario has anything for the PowerShell workloads. */
export function hasScriptWorkloads(scenario: LoadedScenario): boolean {
  return (
    (scenario.source.platformScripts?.length ?? 0) +
      (scenario.source.remediations?.length ?? 0) +
      (scenario.source.compliancePolicies?.length ?? 0) >
    0
  );
}

const marker = (what: string, name: string): string => `# imesim: scripted ${what} of "${name}"`;

/** The body a scenario script is published with: its marker (when scripted) and its text. */
export function bodyOf(what: string, name: string, text: string | undefined, scripted: boolean): string {
  const lines = [...(scripted ? [marker(what, name)] : []), ...(text === undefined ? [] : [text])];
  if (lines.length === 0)
    throw new ImesimError(
      "SCENARIO_SCRIPT_EMPTY",
      `${what} of "${name}" has neither script text nor results`,
    );
  return Buffer.from(lines.join("\n"), "utf8").toString("base64");
}

function targetOf(target: string | undefined): Record<string, unknown> {
  if (target === undefined || target === "allDevices")
    return { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" };
  if (target === "allUsers") return { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" };
  return {
    "@odata.type": "#microsoft.graph.groupAssignmentTarget",
    groupId: userGroupId(target.slice("user:".length)),
  };
}

function runScheduleOf(schedule: RemediationDefinition["schedule"]): Record<string, unknown> {
  if (schedule === undefined || "hourly" in schedule)
    return {
      "@odata.type": "#microsoft.graph.deviceHealthScriptHourlySchedule",
      interval: schedule?.hourly ?? 1,
    };
  if ("daily" in schedule)
    return {
      "@odata.type": "#microsoft.graph.deviceHealthScriptDailySchedule",
      interval: schedule.interval ?? 1,
      time: schedule.daily.length === 5 ? `${schedule.daily}:00` : schedule.daily,
      useUtc: schedule.utc === true,
    };
  return {
    "@odata.type": "#microsoft.graph.deviceHealthScriptRunOnceSchedule",
    interval: 1,
    date: schedule.once.slice(0, 10),
    time: schedule.once.slice(11, 19),
    useUtc: schedule.utc === true,
  };
}

function platformBody(script: PlatformScriptDefinition): Record<string, unknown> {
  return {
    displayName: script.name,
    scriptContent: bodyOf("platform script", script.name, script.script, script.results !== undefined),
    fileName: `${script.name.replace(/[^\w.-]+/g, "-")}.ps1`,
    runAsAccount: script.runAs ?? "system",
    runAs32Bit: script.runAs32Bit ?? false,
    enforceSignatureCheck: false,
  };
}

function healthBody(remediation: RemediationDefinition): Record<string, unknown> {
  const scriptedRemediation = remediation.remediationResults !== undefined;
  return {
    displayName: remediation.name,
    publisher: "imesim",
    detectionScriptContent: bodyOf(
      "detection",
      remediation.name,
      remediation.detection,
      remediation.detectionResults !== undefined,
    ),
    remediationScriptContent:
      remediation.remediation === undefined && !scriptedRemediation
        ? null
        : bodyOf("remediation", remediation.name, remediation.remediation, scriptedRemediation),
    runAsAccount: remediation.runAs ?? "system",
    runAs32Bit: remediation.runAs32Bit ?? false,
    enforceSignatureCheck: false,
  };
}

/** Creates and assigns every script of the scenario; returns them by name. */
export async function publishScripts(
  channel: AdminChannel,
  scenario: LoadedScenario,
): Promise<Map<string, PublishedScript>> {
  const published = new Map<string, PublishedScript>();
  const headers = { authorization: `Bearer ${await channel.graphToken()}` };
  const send = async (step: string, method: "POST", url: string, payload: unknown, expected: number) => {
    const response = await channel.send({
      method,
      url,
      headers,
      payload: payload as Record<string, unknown>,
    });
    if (response.statusCode !== expected)
      throw new ImesimError(
        "SCENARIO_SCRIPT_PUBLISH",
        `${step} was refused (${response.statusCode}): ${response.body}`,
      );
    return response;
  };
  const publish = async (
    kind: PublishedScript["kind"],
    name: string,
    body: unknown,
    assignment: Record<string, unknown>,
  ) => {
    const created = await send(`creating "${name}"`, "POST", COLLECTION[kind], body, 201);
    const id = String(created.json().id);
    const member =
      kind === "platform" ? "deviceManagementScriptAssignments" : "deviceHealthScriptAssignments";
    await send(
      `assigning "${name}"`,
      "POST",
      `${COLLECTION[kind]}/${id}/assign`,
      { [member]: [assignment] },
      204,
    );
    published.set(name, { kind, id });
  };
  for (const script of scenario.source.platformScripts ?? [])
    await publish("platform", script.name, platformBody(script), { target: targetOf(script.target) });
  for (const remediation of scenario.source.remediations ?? [])
    await publish("health", remediation.name, healthBody(remediation), {
      target: targetOf(remediation.target),
      runRemediationScript: true,
      runSchedule: runScheduleOf(remediation.schedule),
    });
  return published;
}

function scripted(
  what: string,
  name: string,
  purpose: ScriptedScript["purpose"],
  results: ScriptBehaviour["results"],
): ScriptedScript {
  return {
    contains: marker(what, name),
    purpose,
    result: (_request, host) => {
      const chosen = results.find((candidate) => conditionHolds(candidate.when, host));
      return {
        exitCode: chosen?.exitCode ?? (chosen === undefined ? 1 : 0),
        stdout: chosen?.stdout ?? "",
        stderr: chosen?.stderr ?? "",
        ...(chosen?.duration === undefined ? {} : { durationMs: parseDuration(chosen.duration) }),
      };
    },
  };
}

/** The scenario's script runner with the scripts' scripted results in front of it. */
export function withScriptedResults(scenario: LoadedScenario, runner: ScriptRunner): ScriptRunner {
  const entries: ScriptedScript[] = [];
  for (const script of scenario.source.platformScripts ?? [])
    if (script.results !== undefined)
      entries.push(scripted("platform script", script.name, "platformScript", script.results));
  for (const policy of scenario.source.compliancePolicies ?? [])
    if (policy.discoveryResults !== undefined)
      // The runner sees a discovery script as a detection script (agent compliance-run.ts).
      entries.push(scripted("discovery", policy.name, "remediationDetection", policy.discoveryResults));
  for (const r of scenario.source.remediations ?? []) {
    if (r.detectionResults !== undefined)
      entries.push(scripted("detection", r.name, "remediationDetection", r.detectionResults));
    if (r.remediationResults !== undefined)
      entries.push(scripted("remediation", r.name, "remediation", r.remediationResults));
  }
  if (entries.length === 0) return runner;
  return createScriptedRunner(entries, (request, host) => runner.run(request, host));
}

/** Every script's Graph `deviceRunStates`, per device id (lower case), then per script name. */
export async function readRunStates(
  channel: AdminChannel,
  scripts: ReadonlyMap<string, PublishedScript>,
  deviceIds: readonly string[],
): Promise<Map<string, Map<string, Record<string, unknown>[]>>> {
  const byDevice = new Map(
    deviceIds.map((id) => [id.toLowerCase(), new Map<string, Record<string, unknown>[]>()]),
  );
  const headers = { authorization: `Bearer ${await channel.graphToken()}` };
  for (const [name, script] of scripts) {
    for (const states of byDevice.values()) states.set(name, []);
    const response = await channel.send({
      method: "GET",
      url: `${COLLECTION[script.kind]}/${script.id}/deviceRunStates`,
      headers,
    });
    if (response.statusCode !== 200)
      throw new ImesimError(
        "SCENARIO_SCRIPT_STATES",
        `reading the run states of "${name}" failed (${response.statusCode})`,
      );
    for (const entry of (response.json().value ?? []) as Record<string, unknown>[]) {
      const device = entry.managedDevice as { id?: string } | undefined;
      byDevice
        .get(String(device?.id ?? "").toLowerCase())
        ?.get(name)
        ?.push(entry);
    }
  }
  return byDevice;
}

/** The admin's edit of a platform script's text (Graph PATCH): the service makes it a new version. */
export async function editPlatformScript(
  channel: AdminChannel,
  scenario: LoadedScenario,
  scripts: ReadonlyMap<string, PublishedScript>,
  action: { readonly script: string; readonly text: string },
): Promise<void> {
  const published = scripts.get(action.script);
  const definition = scenario.source.platformScripts?.find((script) => script.name === action.script);
  if (published === undefined || definition === undefined)
    throw new ImesimError(
      "SCENARIO_SCRIPT_UNKNOWN",
      `editPlatformScript names no platform script "${action.script}"`,
    );
  const response = await channel.send({
    method: "PATCH",
    url: `${COLLECTION.platform}/${published.id}`,
    headers: { authorization: `Bearer ${await channel.graphToken()}` },
    payload: {
      scriptContent: bodyOf("platform script", action.script, action.text, definition.results !== undefined),
    },
  });
  if (response.statusCode !== 204)
    throw new ImesimError(
      "SCENARIO_SCRIPT_PUBLISH",
      `editing "${action.script}" was refused (${response.statusCode}): ${response.body}`,
    );
}
