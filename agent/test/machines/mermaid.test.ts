import { describe, expect, it } from "vitest";
import { chartDiagrams } from "../../src/machines/index.ts";

describe("Mermaid export of the charts", () => {
  const diagrams = chartDiagrams();

  it("draws the enforcement flow with its composite states, guards and delays", () => {
    const text = diagrams.enforcement;
    expect(text.startsWith("stateDiagram-v2\n")).toBe(true);
    expect(text).toContain('state "acquiringContent" as enforcement_acquiringContent {');
    expect(text).toContain("[*] --> enforcement_checkingGrs");
    expect(text).toContain("enforcement_deciding --> enforcement_blockedByGrs : [inGrs]");
    expect(text).toContain(
      "enforcement_installing_waitingToRetry --> enforcement_installing_launching : after retryInterval",
    );
    expect(text).toContain("enforcement_installing_collecting --> enforcement_failed : [timedOut]");
    expect(text).toContain("enforcement_done --> [*]");
  });

  it("draws the service's triggers and the check-in and subgraph loops", () => {
    expect(diagrams.service).toContain(
      "imeService_running_waiting --> imeService_running_checkingIn : after checkinInterval",
    );
    // A reboot takes the device down for a while before the service runs again (ime.md §11a Time).
    expect(diagrams.service).toContain("imeService_running --> imeService_rebooting : REBOOT");
    expect(diagrams.service).toContain("imeService_rebooting --> imeService_running : after rebootDowntime");
    expect(diagrams.checkin).toContain("checkin_runningSubgraph --> checkin_processingSubgraphs : done");
    expect(diagrams.subgraph).toContain("subgraph_gating --> subgraph_skipped : [skipped]");
    for (const text of Object.values(diagrams)) {
      // Every line is a Mermaid statement: a header, a state, a transition, or a brace.
      for (const line of text.trim().split("\n").slice(1)) {
        expect(line.trim()).toMatch(
          /^(state "[^"]+" as \w+( \{)?|\}|(\[\*\]|\w+) --> (\[\*\]|\w+)( : .+)?)$/,
        );
      }
    }
  });
});
