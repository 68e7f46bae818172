// How much chart machinery an hourly check-in costs (issue 18): the check-in skips a run of subgraphs whose
// re-evaluation is not due in one transition, a lone app's subgraph starts no predetect actor, and the gate and the
// GRS check start none at all.
import { describe, expect, it } from "vitest";
import type { InspectionEvent } from "xstate";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR } from "../support/harness.ts";

const ids = ["1", "2", "3", "4", "5"].map((n) => `0a0a0a0a-0000-4000-8000-00000000000${n}`);

describe("chart work per check-in", () => {
  it("skips not-due subgraphs in one transition and starts no predetect actor for lone apps", async () => {
    const started: string[] = [];
    let notDueSkips = 0;
    const inspect = (event: InspectionEvent) => {
      if (event.type === "@xstate.actor") {
        const src = (event.actorRef as { src?: unknown }).src;
        if (typeof src === "string") started.push(src);
      }
      if (event.type === "@xstate.microstep") {
        const guards = event._transitions.map((t) => t.guard);
        if (guards.includes("subgraphNotDue")) notDueSkips += 1;
      }
    };
    const h = createHarness({
      behaviours: ids.map((id) => ({
        match: `setup-${id.slice(0, 8)}`,
        attempts: [{ exitCode: 0, effects: { writeFiles: [{ path: `C:\\Program Files\\${id}\\app.exe` }] } }],
      })),
      setup: (s) =>
        s.assign(
          DEVICE,
          ids.map((id) => makePolicy(id)),
        ),
      inspect,
    });
    await h.runTo(4 * HOUR);
    expect(h.agent.failure()).toBeUndefined();
    const skipped = h.phase("subgraph.skipped").length;
    const checkins = h.phase("checkin.started").length;
    // Every app was evaluated once, then skipped at each later check-in: all five skips of a check-in are one
    // transition.
    expect(skipped).toBeGreaterThanOrEqual(2 * ids.length);
    expect(notDueSkips).toBe(skipped / ids.length);
    expect(notDueSkips).toBeLessThan(checkins);
    expect(started.filter((src) => src === "subgraph")).toHaveLength(ids.length);
    expect(started).not.toContain("predetect");
    // The gate and the GRS check are plain steps of their charts' transitions, not actors.
    expect(started).not.toContain("gate");
    expect(started).not.toContain("checkGrs");
    expect(started.filter((src) => src === "enforcement")).toHaveLength(ids.length);
    h.agent.dispose();
  });
});
