// The collector on virtual time: first a full sync after the 36 s start-up delay, a delta every 24 h counted
// from the last accepted sync (also across a service restart), a full one again after 7 days, a delta 5 min
// after a subscribed event, a full sync when the service asks for one, and a retry an hour after a failure.
import {
  type ApplicationInventoryPayload,
  parseApplicationInventoryPayload,
} from "@imesim/contracts/gateway";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../src/clock/virtual-clock.ts";
import { createEventStream, recordEvents } from "../../src/events/stream.ts";
import { createDevice } from "../../src/host/index.ts";
import { UNINSTALL_KEY } from "../../src/inventory/collect.ts";
import { createInventoryCollector } from "../../src/inventory/inventory-collector.ts";
import { INVENTORY_KEY } from "../../src/inventory/inventory-settings.ts";
import { createLogWriter } from "../../src/log/writer.ts";

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const HOUR = 3_600_000;

function world(answer: (payload: ApplicationInventoryPayload) => string | null | Error = () => null) {
  const clock = createVirtualClock(T0);
  const device = createDevice({ backend: "memory", clock });
  const events = createEventStream({ deviceId: "dev-1", clock });
  const { events: recorded } = recordEvents(events);
  const logs = createLogWriter(events);
  const sent: { at: number; payload: ApplicationInventoryPayload }[] = [];
  const collector = createInventoryCollector({
    events,
    clock,
    registry: device.registry,
    send: async (text) => {
      const payload = parseApplicationInventoryPayload(text);
      sent.push({ at: clock.now() - T0, payload });
      const result = answer(payload);
      if (result instanceof Error) throw result;
      return result;
    },
  });
  const install = (key: string, name: string, version: string) => {
    device.registry.setValue(`${UNINSTALL_KEY}\\${key}`, "DisplayName", { type: "REG_SZ", data: name });
    device.registry.setValue(`${UNINSTALL_KEY}\\${key}`, "DisplayVersion", { type: "REG_SZ", data: version });
  };
  const run = (ms: number) => clock.runUntil(T0 + ms);
  return { clock, device, events, recorded, logs, sent, collector, install, run };
}

const names = (apps: readonly { DisplayName: string }[]) => apps.map((app) => app.DisplayName);

describe("inventory schedule on the agent's clock", () => {
  it("sends a full sync after the start-up delay, then daily deltas with what was added and removed", async () => {
    const w = world();
    w.install("A", "Alpha", "1.0");
    w.install("B", "Beta", "2.0");
    w.collector.start();
    await w.run(35_000);
    expect(w.sent).toEqual([]);
    await w.run(36_000);
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]).toMatchObject({ at: 36_000, payload: { SyncType: "Full", Removed: [] } });
    expect(names(w.sent[0]!.payload.Applications)).toEqual(["Alpha", "Beta"]);
    expect(w.device.registry.getValue(INVENTORY_KEY, "LastFullSyncTimeUtc")).toEqual({
      type: "REG_SZ",
      data: "12/01/2026 08:00:36",
    });
    expect(w.device.registry.getValue(INVENTORY_KEY, "FullSyncIntervalInMinutes")?.data).toBe(10_080);
    expect(w.device.registry.getValue(INVENTORY_KEY, "DeltaSyncIntervalInMinutes")?.data).toBe(1_440);

    w.device.registry.deleteKey(`${UNINSTALL_KEY}\\A`);
    w.install("C", "Gamma", "3.0");
    await w.run(24 * HOUR + 35_000);
    expect(w.sent).toHaveLength(1);
    await w.run(24 * HOUR + 36_000);
    expect(w.sent[1]).toMatchObject({ at: 24 * HOUR + 36_000, payload: { SyncType: "Delta" } });
    expect(names(w.sent[1]!.payload.Applications)).toEqual(["Gamma"]);
    expect(w.sent[1]!.payload.Removed).toEqual([{ DisplayName: "Alpha", DisplayVersion: "1.0" }]);
    expect(w.device.registry.getValue(INVENTORY_KEY, "LastDeltaSyncTimeUtc")?.data).toBe(
      "12/02/2026 08:00:36",
    );
    expect(w.device.registry.getValue(INVENTORY_KEY, "LastSyncApplicationCount")?.data).toBe(2);

    // Days 2–6 are deltas; day 7 is full again (7 × 24 h after the first full sync).
    await w.run(7 * 24 * HOUR + 36_000);
    expect(w.sent.map((s) => s.payload.SyncType)).toEqual([
      "Full",
      "Delta",
      "Delta",
      "Delta",
      "Delta",
      "Delta",
      "Delta",
      "Full",
    ]);
    expect(w.logs.read("Win32AppInventory")).toContain(
      "[Win32AppInventory] Collected 2 applications (64-bit ARP: 2, 32-bit ARP: 0, per-user ARP: 0, MSI: 0)",
    );
    expect(w.logs.read("Win32AppInventory")).toContain("[Win32AppInventory] Removed: Alpha 1.0");
  });

  it("keeps the daily rhythm across a service restart, counted from the registry's last sync", async () => {
    const w = world();
    w.collector.start();
    await w.run(HOUR);
    w.collector.stop();
    w.collector.start();
    await w.run(24 * HOUR);
    expect(w.sent.map((s) => s.at)).toEqual([36_000]);
    await w.run(24 * HOUR + 36_000);
    expect(w.sent.map((s) => [s.at, s.payload.SyncType])).toEqual([
      [36_000, "Full"],
      [24 * HOUR + 36_000, "Delta"],
    ]);
  });

  it("honours an admin's shorter delta interval from the registry", async () => {
    const w = world();
    w.device.registry.setValue(INVENTORY_KEY, "DeltaSyncIntervalInMinutes", { type: "REG_DWORD", data: 60 });
    w.collector.start();
    await w.run(3 * HOUR + 36_000);
    expect(w.sent.map((s) => s.at)).toEqual([36_000, HOUR + 36_000, 2 * HOUR + 36_000, 3 * HOUR + 36_000]);
  });

  it("sends a delta 5 minutes after an install finished, and Sensor.log records the event", async () => {
    const w = world();
    w.collector.start();
    await w.run(HOUR);
    w.install("N", "New App", "1.0");
    w.events.emit(
      {
        phase: "install.finished",
        details: { exitCode: 0, timedOut: false, mapping: "Success", errorCode: 0, deviceRestartBehavior: 0 },
      },
      { appId: "app-1", userId: "00000000-0000-0000-0000-000000000000" },
    );
    await w.run(HOUR + 5 * 60_000);
    expect(w.sent.map((s) => [s.at, s.payload.SyncType, names(s.payload.Applications)])).toEqual([
      [36_000, "Full", []],
      [HOUR + 5 * 60_000, "Delta", ["New App"]],
    ]);
    const sensor = w.logs.read("Sensor");
    expect(sensor).toContain(
      "[Sensor] Win32AppInventoryCollector subscribed to events: Win32AppInstallFinished",
    );
    expect(sensor).toContain(
      "[Sensor] Received event Win32AppInstallFinished, app inventory delta sync at 12/01/2026 09:05:00 UTC",
    );
    const phases = w.recorded.map((e) => e.phase);
    expect(phases.indexOf("install.finished")).toBeLessThan(phases.indexOf("inventory.eventReceived"));
  });

  it("answers FullSyncRequired with a full sync at once, and retries a failed sync an hour later", async () => {
    let calls = 0;
    const w = world((payload) => {
      calls += 1;
      if (calls === 1) return new Error("service unavailable");
      return payload.SyncType === "Delta" && calls === 3 ? JSON.stringify({ FullSyncRequired: true }) : null;
    });
    w.install("A", "Alpha", "1.0");
    w.collector.start();
    await w.run(36_000 + HOUR);
    expect(w.sent.map((s) => [s.at, s.payload.SyncType])).toEqual([
      [36_000, "Full"],
      [36_000 + HOUR, "Full"],
    ]);
    expect(w.logs.read("Win32AppInventory")).toContain(
      "Failed to send ApplicationInventory (Full): service unavailable",
    );
    await w.run(36_000 + 25 * HOUR);
    expect(w.sent.slice(2).map((s) => [s.at, s.payload.SyncType, names(s.payload.Applications)])).toEqual([
      [36_000 + 25 * HOUR, "Delta", []],
      [36_000 + 25 * HOUR, "Full", ["Alpha"]],
    ]);
    expect(w.recorded.some((e) => e.phase === "inventory.fullSyncRequired")).toBe(true);
  });

  it("does nothing while the service is stopped", async () => {
    const w = world();
    w.collector.start();
    w.collector.stop();
    await w.run(3 * 24 * HOUR);
    expect(w.sent).toEqual([]);
    expect(w.collector.failure()).toBeUndefined();
  });
});
