// The agent's events as the dashboard's front end gets them: the envelope and details kept as they are, with
// app names from the policies the device received and the explain note of every phase that occurs.
import type { ImeEvent } from "@imesim/agent/events";
import type { DeviceEvents, TimelineEvent } from "@imesim/dashboard/api";
import { noteFor } from "../explain/phase-notes.ts";

/** One event for the front end (drops the wall time and device id the timeline never shows). */
export function timelineEventOf(event: ImeEvent): TimelineEvent {
  return {
    seq: event.seq,
    phase: event.phase,
    simTime: event.simTime,
    ...(event.appId === undefined ? {} : { appId: event.appId }),
    ...(event.userId === undefined ? {} : { userId: event.userId }),
    thread: event.thread,
    details: event.details as Readonly<Record<string, unknown>>,
  };
}

/** App id (lower case) → name, from every app list the device received (the policies' `Id` and `Name`). */
export function appNamesOf(events: readonly ImeEvent[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const event of events) {
    if (event.phase !== "apps.received") continue;
    const policies: unknown = JSON.parse(event.details.policiesJson);
    if (!Array.isArray(policies)) continue;
    for (const policy of policies as { Id?: unknown; Name?: unknown }[]) {
      if (typeof policy.Id === "string" && typeof policy.Name === "string")
        names[policy.Id.toLowerCase()] = policy.Name;
    }
  }
  return names;
}

/** Everything the timeline view needs for one device. */
export function deviceEventsOf(deviceId: string, events: readonly ImeEvent[]): DeviceEvents {
  const notes: Record<string, { title: string; why: string }> = {};
  for (const event of events) notes[event.phase] ??= noteFor(event.phase);
  return { deviceId, events: events.map(timelineEventOf), appNames: appNamesOf(events), notes };
}
