// Model-based coverage of the charts: @xstate/graph enumerates every state node of each chart; scenarios
// built from their branches drive real agents; every microstep snapshot of every actor is recorded, and
// together they must visit every state of every chart — transient ones included.

import { Intent, RelationAction, RelationType } from "@imesim/contracts/enums";
import { getStateNodes } from "@xstate/graph";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AnyStateMachine, InspectionEvent } from "xstate";
import type { ScriptedBehaviour } from "../../src/host/installer/scripted.ts";
import { IMECACHE_DIR, INCOMING_DIR, STAGING_DIR } from "../../src/ime/index.ts";
import { checkinMachine } from "../../src/machines/checkin-machine.ts";
import { enforcementMachine } from "../../src/machines/enforcement-machine.ts";
import type { ContentCodec } from "../../src/machines/ports.ts";
import { serviceMachine } from "../../src/machines/service-machine.ts";
import { subgraphMachine } from "../../src/machines/subgraph-machine.ts";
import { DEVICE, fakeCodec, makePolicy } from "../support/fakes.ts";
import { createHarness, type Harness, HOUR } from "../support/harness.ts";

/** Each chart's state ids: the charts are built without a device (its logic comes with each input). */
function chartStateIds(): Record<string, string[]> {
  const ids = (machine: AnyStateMachine) =>
    getStateNodes(machine.root)
      .map((node) => node.id)
      .filter((id) => id !== machine.id);
  return {
    enforcement: ids(enforcementMachine),
    subgraph: ids(subgraphMachine),
    checkin: ids(checkinMachine),
    imeService: ids(serviceMachine),
  };
}

/** Every state id active in a snapshot value. */
function activeIds(value: unknown, prefix: string): string[] {
  if (typeof value === "string") return [`${prefix}.${value}`];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    `${prefix}.${key}`,
    ...activeIds(inner, `${prefix}.${key}`),
  ]);
}

function recorder(visited: Set<string>) {
  return (event: InspectionEvent) => {
    if (event.type !== "@xstate.microstep" && event.type !== "@xstate.snapshot") return;
    const snapshot = event.snapshot as { machine?: { id: string }; value?: unknown };
    const machine = snapshot.machine?.id;
    if (machine === undefined) return;
    for (const id of activeIds(snapshot.value, machine)) visited.add(id);
    // A step run inside a transition (the GRS check, the gate) is a state left in the microstep that entered
    // it: no snapshot rests there, but the transition out of it names it.
    const transitions = (event as { _transitions?: ReadonlyArray<{ source: { id: string } }> })._transitions;
    for (const transition of transitions ?? []) visited.add(transition.source.id);
  };
}

const A = "0a0a0a0a-0000-4000-8000-00000000000a";
const D = "0d0d0d0d-0000-4000-8000-00000000000d";
const marker = `C:\\Program Files\\${A}\\app.exe`;
const installs = { writeFiles: [{ path: marker }] };

interface Scenario {
  readonly name: string;
  readonly attempts: ReadonlyArray<{ exitCode: number; installs?: boolean }>;
  readonly policy?: Parameters<typeof makePolicy>[1];
  readonly prepare?: (h: Harness) => void;
  readonly codec?: ContentCodec;
  readonly failLaunch?: boolean;
  readonly extraPolicies?: ReturnType<typeof makePolicy>[];
  readonly extraBehaviours?: ScriptedBehaviour[];
  readonly hours?: number;
  /** Service-level actions after the first hours (stop, restart, reboot). */
  readonly afterwards?: (h: Harness) => Promise<void>;
}

const throwing = (stage: "decrypt" | "unzip"): ContentCodec => ({
  ...fakeCodec,
  [stage]: async () => {
    throw new Error(`${stage} failed`);
  },
});

/** One scenario per branch of the chart (the model's edges). */
const scenarios: Scenario[] = [
  { name: "install succeeds", attempts: [{ exitCode: 0, installs: true }] },
  { name: "already detected", attempts: [], prepare: (h) => h.device.fs.writeFile(marker, "MZ") },
  {
    name: "requirements not met",
    attempts: [],
    policy: { RequirementRules: { ...makePolicy(A).RequirementRules, MinimumFreeDiskSpaceInMB: 1 << 30 } },
  },
  // A skip the subgraph chart decides (a re-evaluation not yet due is skipped by the check-in chart itself).
  {
    name: "assignment filters exclude the device",
    attempts: [],
    policy: { AppApplicabilityStateDueToAssginmentFilters: 1010 },
  },
  { name: "retry then success", attempts: [{ exitCode: 1618 }, { exitCode: 0, installs: true }] },
  { name: "failure, then GRS blocks the re-evaluation", attempts: [{ exitCode: 1603 }], hours: 10 },
  // A lone app held by GRS is evaluated in place, without the charts (checkin-machine.ts settlesInPlace); one with
  // a relative still runs them to blockedByGrs.
  {
    name: "failure, then GRS blocks the re-evaluation of an app with a dependency",
    attempts: [{ exitCode: 1603 }],
    hours: 10,
    policy: {
      FlatDependencies: [
        { Action: RelationAction.DetectOnly, AppId: A, ChildId: D, Type: RelationType.Dependency, Level: 1 },
      ],
    },
    extraPolicies: [makePolicy(D, { Intent: Intent.NotTargeted, Targeted: 0 })],
    prepare: (h) => h.device.fs.writeFile(`C:\\Program Files\\${D}\\app.exe`, "MZ"),
  },
  { name: "hard reboot", attempts: [{ exitCode: 1641, installs: true }] },
  { name: "not detected after install", attempts: [{ exitCode: 0 }] },
  { name: "content info missing", attempts: [], prepare: (h) => h.service.removeContent(A) },
  {
    name: "download fails",
    attempts: [],
    prepare: (h) => h.service.fault("download", { failure: "notFound", times: 5 }),
  },
  { name: "verify fails", attempts: [], prepare: (h) => h.service.corrupt(A) },
  { name: "decrypt fails", attempts: [], codec: throwing("decrypt") },
  { name: "unzip fails", attempts: [], codec: throwing("unzip") },
  { name: "installer cannot start", attempts: [{ exitCode: 0 }], failLaunch: true },
  {
    name: "uninstall intent",
    attempts: [{ exitCode: 0 }],
    policy: { Intent: Intent.Uninstall },
    prepare: (h) => h.device.fs.writeFile(marker, "MZ"),
  },
  {
    name: "detect-only dependency",
    attempts: [{ exitCode: 0, installs: true }],
    policy: {
      FlatDependencies: [
        { Action: RelationAction.DetectOnly, AppId: A, ChildId: D, Type: RelationType.Dependency, Level: 1 },
      ],
    },
    extraPolicies: [makePolicy(D, { Intent: Intent.NotTargeted, Targeted: 0 })],
  },
  {
    name: "auto-install dependency fails, parent not attempted",
    attempts: [{ exitCode: 0, installs: true }],
    policy: {
      FlatDependencies: [
        { Action: RelationAction.AutoInstall, AppId: A, ChildId: D, Type: RelationType.Dependency, Level: 1 },
      ],
    },
    extraPolicies: [makePolicy(D, { Intent: Intent.NotTargeted, Targeted: 0 })],
    extraBehaviours: [{ match: "setup-0d0d0d0d", attempts: [{ exitCode: 1603 }] }],
  },
  {
    name: "dependency asks for a hard reboot, the subgraph terminates early",
    attempts: [{ exitCode: 0, installs: true }],
    policy: {
      FlatDependencies: [
        { Action: RelationAction.AutoInstall, AppId: A, ChildId: D, Type: RelationType.Dependency, Level: 1 },
      ],
    },
    extraPolicies: [makePolicy(D, { Intent: Intent.NotTargeted, Targeted: 0 })],
    extraBehaviours: [{ match: "setup-0d0d0d0d", attempts: [{ exitCode: 1641 }] }],
  },
  {
    name: "service stop, restart and reboot",
    attempts: [{ exitCode: 0, installs: true }],
    afterwards: async (h) => {
      h.agent.stop();
      await h.runTo(2 * HOUR);
      h.agent.trigger("restart");
      await h.runTo(3 * HOUR);
      h.agent.trigger("reboot");
      await h.runTo(4 * HOUR);
    },
  },
  {
    name: "token failure ends the check-in",
    attempts: [],
    prepare: (h) => h.service.fault("token", { failure: "unavailable", times: 3 }),
  },
];

async function runScenario(scenario: Scenario, visited: Set<string>): Promise<Harness> {
  const h = createHarness({
    behaviours: [
      {
        match: "setup-0a0a0a0a",
        attempts:
          scenario.attempts.length === 0
            ? [{ exitCode: 0 }]
            : scenario.attempts.map((a) => ({
                exitCode: a.exitCode,
                ...(a.installs === true ? { effects: installs } : {}),
              })),
      },
      ...(scenario.extraBehaviours ?? []),
    ],
    setup: (s) =>
      s.assign(DEVICE, [makePolicy(A, { marker, ...scenario.policy }), ...(scenario.extraPolicies ?? [])]),
    inspect: recorder(visited),
    start: false,
    ...(scenario.codec === undefined ? {} : { codec: scenario.codec }),
    ...(scenario.failLaunch === true
      ? {
          wrapInstaller: () => ({
            run: async () => {
              throw new Error("CreateProcess failed");
            },
          }),
        }
      : {}),
  });
  scenario.prepare?.(h);
  h.agent.start();
  await h.runTo((scenario.hours ?? 1) * HOUR);
  await scenario.afterwards?.(h);
  return h;
}

describe("the four charts, model-based", () => {
  it("visits every state of every chart across the model's scenarios", async () => {
    const visited = new Set<string>();
    for (const scenario of scenarios) {
      const h = await runScenario(scenario, visited);
      expect(h.agent.failure(), scenario.name).toBeUndefined();
      h.agent.dispose();
    }
    const charts = chartStateIds();
    expect(charts.enforcement!.length).toBeGreaterThan(20);
    for (const [chart, states] of Object.entries(charts)) {
      expect(
        states.filter((id) => !visited.has(id)),
        chart,
      ).toEqual([]);
    }
  });

  it("always ends consistent whatever the installer answers (property)", async () => {
    const exitCodes = fc.constantFrom(0, 1618, 1603, 1641, 3010, 1707, 3221225794);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ exitCode: exitCodes, installs: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        async (attempts) => {
          const h = await runScenario({ name: "random", attempts, hours: 30 }, new Set());
          expect(h.agent.failure()).toBeUndefined();
          const state = h.agent.state.readEnforcement({ userId: DEVICE, appId: A, version: 1 });
          expect(state).toBeDefined();
          const detected = h.device.fs.stat(marker) !== undefined;
          // Success is only ever recorded for a detected app; a pending reboot only after a 1641.
          if (state!.EnforcementState === 1000) expect(detected).toBe(true);
          if (state!.EnforcementState === 2008) expect(attempts.some((a) => a.exitCode === 1641)).toBe(true);
          expect([1000, 2008, 5000]).toContain(state!.EnforcementState);
          for (const dir of [INCOMING_DIR, STAGING_DIR, IMECACHE_DIR]) {
            expect(h.device.fs.stat(dir) === undefined || h.device.fs.list(dir).length === 0).toBe(true);
          }
          h.agent.dispose();
        },
      ),
      { numRuns: 25 },
    );
  });
});
