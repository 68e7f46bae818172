// `inventory:` expectations pass only when the agent's last collection and Graph's detectedApps agree with
// the expectation; and only scenarios that ask about inventory run the collector.
import type { ImeEvent } from "@imesim/agent/events";
import { describe, expect, it } from "vitest";
import { hasInventory } from "../../src/run/inventory-setup.ts";
import { parseScenario } from "../../src/scenario/index.ts";
import { checkInventory } from "../../src/scenario/inventory-expectations.ts";

const collected = (apps: [string, string | null][]): ImeEvent =>
  ({
    seq: 1,
    deviceId: "d",
    simTime: 0,
    wallTime: 0,
    thread: 15,
    phase: "inventory.collected",
    details: {
      syncType: "Full",
      apps: apps.map(([displayName, displayVersion]) => ({
        displayName,
        displayVersion,
        publisher: null,
        productCode: null,
        source: "Arp64",
      })),
      added: [],
      removed: [],
      duplicates: 0,
    },
  }) as ImeEvent;

describe("inventory expectations", () => {
  const events = [collected([["Contoso Tool", "3.1.4.0"]])];
  const graph = [{ displayName: "Contoso Tool", version: "3.1.4.0" }];

  it("passes when both the agent and Graph list the app, with or without a version", () => {
    expect(checkInventory({ inventory: "Contoso Tool" }, events, graph).passed).toBe(true);
    expect(checkInventory({ inventory: "Contoso Tool", version: "3.1.4.0" }, events, graph).passed).toBe(
      true,
    );
    expect(checkInventory({ inventory: "Contoso Tool", version: "3.1" }, events, graph).passed).toBe(false);
  });

  it("fails when only one side lists it, saying which", () => {
    const verdict = checkInventory({ inventory: "Contoso Tool" }, events, []);
    expect(verdict.passed).toBe(false);
    expect(verdict.detail).toBe(
      "expected listed; agent: listed, Graph detectedApps: not listed (Graph: none)",
    );
    expect(checkInventory({ inventory: "Contoso Tool", present: false }, events, graph).passed).toBe(false);
    expect(checkInventory({ inventory: "Gone", present: false }, events, graph).passed).toBe(true);
  });

  it("fails when the agent never collected", () => {
    expect(checkInventory({ inventory: "Contoso Tool" }, [], graph).detail).toBe(
      "the agent never collected its inventory",
    );
  });

  it("turns the collector on only for scenarios that ask about inventory", () => {
    const where = { file: "s.yaml", baseDir: "/" };
    const base =
      "name: s\nduration: 1h\napps:\n  - name: A\n    short: { install: a.exe, detection: [{ file: C:\\\\a.exe }] }\n";
    expect(hasInventory(parseScenario(`${base}expect:\n  - { file: C:\\\\a.exe }\n`, where))).toBe(false);
    expect(hasInventory(parseScenario(`${base}expect:\n  - { inventory: A }\n`, where))).toBe(true);
    expect(hasInventory(parseScenario(`${base}expect:\n  - { log: Sensor.log, contains: x }\n`, where))).toBe(
      true,
    );
  });
});
