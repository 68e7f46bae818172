// `imesim explain`: a run told step by step — each event with what the IME does there and why, the log
// lines it wrote (rendered by the agent's own log renderer, so they match the log files) and the
// registry values it changed.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chartDiagrams } from "@imesim/agent";
import type { ImeEvent } from "@imesim/agent/events";
import { renderEvent } from "@imesim/agent/log";
import { SUPERSEDENCE_PORTAL_TEXTS } from "@imesim/agent/machines";
import { formatOffset } from "../run/reports.ts";
import { inventoryRegistryWrites } from "./inventory-notes.ts";
import { noteFor } from "./phase-notes.ts";
import { scriptRegistryWrites } from "./script-notes.ts";

/** One narrated step. */
export interface ExplainStep {
  readonly at: string;
  readonly phase: ImeEvent["phase"];
  readonly app: string | undefined;
  readonly title: string;
  readonly why: string;
  readonly logLines: readonly string[];
  readonly registryWrites: readonly string[];
}

/** Phases too frequent to narrate one by one (their information is in the steps around them). */
const QUIET_PHASES: ReadonlySet<ImeEvent["phase"]> = new Set([
  "download.progress",
  "report.delta",
  "checkin.scheduled",
]);

/** The registry values an event says it wrote (also shown by the dashboard's timeline). */
export function registryWrites(event: ImeEvent): string[] {
  if (event.phase === "state.compliance")
    return [`${event.details.keyPath}  ComplianceStateMessage = ${JSON.stringify(event.details.message)}`];
  if (event.phase === "state.enforcement")
    return [
      `${event.details.keyPath}  EnforcementStateMessage = {"EnforcementState":${event.details.enforcementState},"ErrorCode":${event.details.errorCode},…}`,
    ];
  if (event.phase === "grs.recorded")
    return [
      `Win32Apps\\<user>\\GRS\\${event.details.hash}  ${event.appId ?? ""} = ${new Date(event.details.at).toISOString()}`,
    ];
  return [...scriptRegistryWrites(event), ...inventoryRegistryWrites(event)];
}

/**
 * What the Company Portal shows for a supersedence outcome (ime.md §11a Reporting); the texts are real, the
 * codes they go with are our choice from §4.2's names (agent decisions.ts successState).
 */
function portalNote(event: ImeEvent): string {
  if (event.phase !== "report.sent") return "";
  const text = SUPERSEDENCE_PORTAL_TEXTS[Number(event.details.report.EnforcementState)];
  return text === undefined
    ? ""
    : ` The Company Portal says "${text}" (EnforcementState ${String(event.details.report.EnforcementState)}, the code imesim's choice from ime.md §4.2).`;
}

/** Narrates a device's events; `appName` turns ids into the scenario's names. */
export function narrate(
  events: readonly ImeEvent[],
  startMs: number,
  appName: (id: string | undefined) => string | undefined,
): ExplainStep[] {
  return events
    .filter((event) => !QUIET_PHASES.has(event.phase))
    .map((event) => {
      const note = noteFor(event.phase);
      return {
        at: formatOffset(event.simTime - startMs),
        phase: event.phase,
        app: appName(event.appId),
        title: note.title,
        why: `${note.why}${portalNote(event)}`,
        // A line whose real wording is not known says so, so nobody learns our wording as the IME's.
        logLines: renderEvent(event).map(
          (line) => `${line.file}.log${line.invented === true ? " (imesim's wording)" : ""}: ${line.message}`,
        ),
        registryWrites: registryWrites(event),
      };
    });
}

/** One log entry on one terminal line: its first line, at most 240 characters (the full text is in the log files). */
function shorten(line: string): string {
  const first = line.split("\n")[0] ?? "";
  return first.length > 240 ? `${first.slice(0, 240)} …` : `${first}${line.includes("\n") ? " …" : ""}`;
}

/** The narration as text for a terminal. */
export function formatNarration(steps: readonly ExplainStep[]): string {
  const out: string[] = [];
  steps.forEach((step, index) => {
    out.push(
      `${String(index + 1).padStart(4)}. ${step.at}  ${step.title}${step.app === undefined ? "" : ` — ${step.app}`}`,
    );
    out.push(`        ${step.why}`);
    for (const line of step.logLines) out.push(`        log  ${shorten(line)}`);
    for (const write of step.registryWrites) out.push(`        reg  ${write}`);
  });
  return `${out.join("\n")}\n`;
}

/** Writes the agent's four statecharts as Mermaid files (`service.mmd`, …) and returns their paths. */
export function writeMermaidCharts(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(chartDiagrams()).map(([name, text]) => {
    const path = join(dir, `${name}.mmd`);
    writeFileSync(path, `${text.trimEnd()}\n`);
    return path;
  });
}
