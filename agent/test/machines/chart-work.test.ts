// How much chart machinery an hourly check-in costs (issue 18): the check-in skips a run of subgraphs whose
// re-evaluation is not due in one transition, a lone app's subgraph starts no predetect actor, and the gate, the
// GRS check, detection, applicability and recording start none at all, and a lone app already in its desired
// state is re-evaluated by plain steps of the check-in's transition, without starting its subgraph or enforcement.
import { describe, expect, it } from "vitest";
import type { InspectionEvent } from "xstate";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR } from "../support/harness.ts";

const ids = ["1", "2", "3", "4", "5"].map((n) => `0a0a0a0a-0000-4000-8000-00000000000${n}`);
/** Each app's installer: exits 0 and leaves the file its detection looks for. */
const installs = (id: string) => ({
  match: `setup-${id.slice(0, 8)}`,
  attempts: [{ exitCode: 0, effects: { writeFiles: [{ path: `C:\\Program Files\\${id}\\app.exe` }] } }],
});

/** A device with the five apps assigned, each installing at once, its charts inspected by `inspect`. */
const fiveApps = (inspect: (event: InspectionEvent) => void) =>
  createHarness({
    behaviours: ids.map(installs),
    setup: (s) =>
      s.assign(
        DEVICE,
        ids.map((id) => makePolicy(id)),
      ),
    inspect,
  });

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
    const h = fiveApps(inspect);
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
    // Detection, applicability and the record are steps of the enforcement's transitions too.
    for (const step of ["detect", "checkApplicability", "record"]) expect(started).not.toContain(step);
    h.agent.dispose();
  });

  it("plans an unchanged app list once: every check-in gets the same subgraph inputs", async () => {
    const plans = new Set<unknown>();
    const h = fiveApps((event) => {
      if (event.type !== "@xstate.snapshot") return;
      const snapshot = event.snapshot as { machine?: { id: string }; context?: { subgraphs?: unknown[] } };
      const subgraphs = snapshot.context?.subgraphs;
      if (snapshot.machine?.id === "checkin" && subgraphs !== undefined && subgraphs.length > 0)
        plans.add(subgraphs);
    });
    await h.runTo(4 * HOUR);
    expect(h.agent.failure()).toBeUndefined();
    expect(h.phase("apps.received").length).toBeGreaterThanOrEqual(3);
    expect(plans.size).toBe(1);
    h.agent.dispose();
  });

  it("re-evaluates a compliant lone app without starting a chart, with the charts' lines in their order", async () => {
    const started: string[] = [];
    let compliantSteps = 0;
    const h = createHarness({
      behaviours: [installs(ids[0]!)],
      setup: (s) => s.assign(DEVICE, [makePolicy(ids[0]!)]),
      inspect: (event) => {
        const src = (event.actorRef as { src?: unknown }).src;
        if (event.type === "@xstate.actor" && typeof src === "string") started.push(src);
        if (
          event.type === "@xstate.microstep" &&
          event._transitions.some((t) => t.guard === "settlesInPlace")
        )
          compliantSteps += 1;
      },
    });
    // Installed at the first check-in; the 8-hour re-evaluation interval brings it back once by hour 9.
    await h.runTo(7 * HOUR);
    const installed = h.phase("enforcement.completed").length;
    const from = h.events.length;
    started.length = 0;
    await h.runTo(9 * HOUR);
    expect(h.agent.failure()).toBeUndefined();
    expect(installed).toBe(1);
    expect(h.phase("enforcement.completed")).toHaveLength(2);
    expect(h.phase("desiredState.noAction")).toHaveLength(1);
    expect(compliantSteps).toBe(1);
    // The hourly check-ins' own actors (token, app list, upload) aside, the re-evaluation started none.
    expect(
      started.filter((src) => !["acquireToken", "requestApps", "uploadResults", "checkin"].includes(src)),
    ).toEqual([]);
    // The lines the subgraph and enforcement charts wrote for it (main 9abe681, the same events field for field).
    const phases = h.events.slice(from).map((e) => e.phase);
    const reevaluation = phases.slice(
      phases.lastIndexOf("subgraph.processing"),
      phases.lastIndexOf("subgraph.done") + 1,
    );
    expect(reevaluation).toEqual([
      "subgraph.processing",
      "reevaluation.found",
      "report.loaded",
      "grs.checked",
      "detection.completed",
      "desiredState.calculated",
      "desiredState.noAction",
      "state.compliance",
      "state.enforcement",
      "report.sent",
      "enforcement.completed",
      "reevaluation.scheduled",
      "subgraph.done",
    ]);
    h.agent.dispose();
  });

  it("evaluates a lone app held by GRS in place: its lines, no chart started", async () => {
    const started: string[] = [];
    const h = createHarness({
      behaviours: [{ match: `setup-${ids[0]!.slice(0, 8)}`, attempts: [{ exitCode: 1603 }] }],
      setup: (s) => s.assign(DEVICE, [makePolicy(ids[0]!)]),
      inspect: (event) => {
        const src = (event.actorRef as { src?: unknown }).src;
        if (event.type === "@xstate.actor" && typeof src === "string") started.push(src);
      },
    });
    // Failed at the first check-in (and its retries); the re-evaluation 8 hours on finds it in its GRS window.
    await h.runTo(7 * HOUR);
    expect(h.phase("grs.recorded").length).toBeGreaterThan(0);
    started.length = 0;
    await h.runTo(9 * HOUR);
    expect(h.agent.failure()).toBeUndefined();
    expect(h.phase("grs.blocked")).toHaveLength(1);
    expect(started).not.toContain("subgraph");
    expect(started).not.toContain("enforcement");
    h.agent.dispose();
  });
});
