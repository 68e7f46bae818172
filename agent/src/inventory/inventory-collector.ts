// The app inventory collector of one agent (issue 16): reads the device's applications on its schedule
// (inventory-schedule.ts) and after the IME events it subscribes to, works out the full or delta sync, sends
// it as an `ApplicationInventory` session (contracts application-inventory.ts) and records the accepted
// sync in the registry (inventory-settings.ts). It runs while the service runs: the hook starts and stops it.
import {
  type ApplicationInventoryPayload,
  type InventoryApplication,
  inventoryKey,
  parseApplicationInventoryAnswer,
} from "@imesim/contracts/gateway";
import type { Clock, TimerHandle } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import type { ImeEvent } from "../events/types.ts";
import type { Registry } from "../host/types.ts";
import { collectInventory } from "./collect.ts";
import type { InventoryItem } from "./inventory-events.ts";
import { EVENT_SYNC_DELAY_MS, nextSyncAt, RETRY_DELAY_MS, syncTypeAt } from "./inventory-schedule.ts";
import { readInventorySettings, recordInventorySync } from "./inventory-settings.ts";

/** The IME events that make the collector look again, by the name Sensor.log gives them [I]. */
export const SUBSCRIBED_EVENTS: Readonly<Record<string, string>> = {
  "install.finished": "Win32AppInstallFinished",
  "script.exited": "ScriptExecutionFinished",
};

export interface InventoryCollectorDeps {
  readonly events: ImeEventStream;
  readonly clock: Clock;
  readonly registry: Registry;
  /** Sends one `ApplicationInventory` request payload; resolves to the answer's ResponsePayload. */
  readonly send: (payload: string) => Promise<string | null>;
}

const itemOf = (app: InventoryApplication): InventoryItem => ({
  displayName: app.DisplayName,
  displayVersion: app.DisplayVersion,
  publisher: app.Publisher,
  productCode: app.ProductCode,
  source: app.Source,
});
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createInventoryCollector(deps: InventoryCollectorDeps) {
  const { events, clock, registry } = deps;
  /** What the service holds for this device after the last accepted sync; undefined: send a full one. */
  let baseline: Map<string, InventoryApplication> | undefined;
  let timer: TimerHandle | undefined;
  let dueAt = Number.POSITIVE_INFINITY;
  let startedAt = 0;
  let running = false;
  let syncing = false;
  let eventPending = false;
  // Bumped at every start and stop: a sync still in flight when the service stopped schedules nothing.
  let epoch = 0;
  let failure: unknown;

  const schedule = (at: number, syncType?: "Full" | "Delta"): void => {
    clock.clearTimeout(timer);
    dueAt = at;
    const kind = syncType ?? syncTypeAt(readInventorySettings(registry), at, baseline !== undefined);
    events.emit({ phase: "inventory.scheduled", details: { at, syncType: kind } });
    timer = clock.setTimeout(
      () => {
        timer = undefined;
        dueAt = Number.POSITIVE_INFINITY;
        sync().catch((error: unknown) => {
          failure ??= error;
        });
      },
      Math.max(0, at - clock.now()),
    );
  };
  const scheduleRegular = (): void =>
    schedule(nextSyncAt(readInventorySettings(registry), startedAt, clock.now()));

  const sync = async (forceFull = false): Promise<void> => {
    const mine = epoch;
    syncing = true;
    try {
      const now = clock.now();
      const settings = readInventorySettings(registry);
      const syncType = forceFull ? "Full" : syncTypeAt(settings, now, baseline !== undefined);
      const collected = collectInventory(registry);
      const current = new Map(collected.apps.map((app) => [inventoryKey(app), app]));
      const added = [...current].filter(([key]) => !baseline?.has(key)).map(([, app]) => app);
      const removed = [...(baseline ?? new Map<string, InventoryApplication>())]
        .filter(([key]) => !current.has(key))
        .map(([, app]) => ({ DisplayName: app.DisplayName, DisplayVersion: app.DisplayVersion }));
      events.emit({
        phase: "inventory.collected",
        details: {
          syncType,
          apps: collected.apps.map(itemOf),
          added: added.map(itemOf),
          removed: removed.map((r) => ({ displayName: r.DisplayName, displayVersion: r.DisplayVersion })),
          duplicates: collected.duplicates,
        },
      });
      const payload: ApplicationInventoryPayload = {
        SyncType: syncType,
        CollectedAtUtc: new Date(now).toISOString(),
        Applications: syncType === "Full" ? [...collected.apps] : added,
        Removed: syncType === "Full" ? [] : removed,
      };
      let answer: string | null;
      try {
        answer = await deps.send(JSON.stringify(payload));
      } catch (error) {
        if (mine !== epoch) return;
        events.emit({ phase: "inventory.sendFailed", details: { syncType, message: message(error) } });
        schedule(clock.now() + RETRY_DELAY_MS);
        return;
      }
      if (mine !== epoch) return;
      if (parseApplicationInventoryAnswer(answer).FullSyncRequired && syncType === "Delta") {
        events.emit({ phase: "inventory.fullSyncRequired", details: {} });
        baseline = undefined;
        await sync(true);
        return;
      }
      baseline = current;
      recordInventorySync(registry, syncType, now, collected.apps.length);
      events.emit({
        phase: "inventory.sent",
        details: { syncType, count: payload.Applications.length + payload.Removed.length },
      });
      // An event that came in while this sync ran is not in it: it brings its own delta sync.
      if (eventPending) schedule(clock.now() + EVENT_SYNC_DELAY_MS);
      else scheduleRegular();
      eventPending = false;
    } finally {
      if (mine === epoch) syncing = false;
    }
  };

  const received = (name: string): void => {
    if (!running) return;
    const at = clock.now() + EVENT_SYNC_DELAY_MS;
    // Several installs in a row make one sync; a sync already due sooner stays; one running now is
    // followed by another (the event is not in it).
    const syncAt = syncing ? null : Math.min(at, dueAt);
    events.emit({ phase: "inventory.eventReceived", details: { event: name, syncAt } });
    if (syncing) eventPending = true;
    else if (at < dueAt) schedule(at);
  };
  const onEvent = (event: ImeEvent): void => {
    const name = Object.hasOwn(SUBSCRIBED_EVENTS, event.phase) ? SUBSCRIBED_EVENTS[event.phase] : undefined;
    // Handled once the event's own listeners are done, so every record shows the event before its echo.
    if (running && name !== undefined) clock.setTimeout(() => received(name), 0);
  };
  const unsubscribe = events.subscribe(onEvent);

  return {
    /** The service started: subscribe, and schedule the next sync from the registry's last one. */
    start(): void {
      epoch += 1;
      running = true;
      syncing = false;
      eventPending = false;
      startedAt = clock.now();
      events.emit({ phase: "inventory.subscribed", details: { events: Object.values(SUBSCRIBED_EVENTS) } });
      scheduleRegular();
    },
    /** The service stops: nothing more is scheduled until it starts again. */
    stop(): void {
      epoch += 1;
      running = false;
      clock.clearTimeout(timer);
      timer = undefined;
      dueAt = Number.POSITIVE_INFINITY;
    },
    /** The first error a sync stopped on (a bug, not a service failure), if any. */
    failure: (): unknown => failure,
    dispose(): void {
      unsubscribe();
      this.stop();
    },
  };
}

export type InventoryCollector = ReturnType<typeof createInventoryCollector>;
