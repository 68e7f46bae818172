// The registry, folders and downloads API on a real run (retry-grs): the registry tree at the end against the
// run's own .reg export, a state step's diff against its event, the folders around the download and the
// clean-up, the download curve's bytes against download.completed, the API's errors, and the recorder being off
// (and the run unchanged) when nothing asks for it.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImeEvent } from "@imesim/agent/events";
import { createDevice, type DeviceChange, importRegFile } from "@imesim/agent/host";
import type {
  DownloadsView,
  FolderNode,
  FoldersView,
  RegistryKeyNode,
  RegistryView,
} from "@imesim/dashboard/api";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerDashboard } from "../../src/dashboard/routes.ts";
import { loadSavedRun } from "../../src/dashboard/saved-run.ts";
import { runScenario } from "../../src/run/run-scenario.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";

const scenarioPath = join(import.meta.dirname, "../../scenarios/retry-grs.yaml");

function* walk(nodes: readonly RegistryKeyNode[]): Generator<RegistryKeyNode> {
  for (const node of nodes) {
    yield node;
    yield* walk(node.children);
  }
}
function* files(nodes: readonly FolderNode[]): Generator<FolderNode> {
  for (const node of nodes) {
    if (node.kind === "file") yield node;
    yield* files(node.children);
  }
}

describe("registry, folders and downloads of a real run (retry-grs)", () => {
  let out: string;
  let app: FastifyInstance;
  let events: readonly ImeEvent[];
  let deviceId: string;
  const get = async <T>(path: string) =>
    (await app.inject({ url: `/ui/api/devices/${deviceId}/${path}` })).json() as T;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "imesim-regfs-"));
    await runScenario(await loadScenarioFile(scenarioPath), { outDir: out });
    const source = loadSavedRun(out);
    deviceId = source.devices()[0]?.deviceId ?? "";
    events = source.events(deviceId) ?? [];
    app = Fastify();
    await registerDashboard(app, source, { dist: join(out, "no-such-dist") });
  });
  afterAll(async () => {
    await app.close();
    rmSync(out, { recursive: true, force: true });
  });

  it("shows at the end of the run every value of the run's own IntuneManagementExtension.reg", async () => {
    const view = await get<RegistryView>("registry");
    const exported = createDevice({ backend: "memory", clock: { now: () => 0 } });
    importRegFile(exported.registry, readFileSync(join(out, "device-0001", "IntuneManagementExtension.reg")));
    const imeKeys = [...walk(view.tree)].filter((node) =>
      node.path
        .toUpperCase()
        .startsWith("HKEY_LOCAL_MACHINE\\SOFTWARE\\MICROSOFT\\INTUNEMANAGEMENTEXTENSION"),
    );
    expect(imeKeys.length).toBeGreaterThan(5);
    let compared = 0;
    for (const node of imeKeys) {
      const expected = exported.registry.listValues(node.path).map(({ name, value }) => ({
        name,
        data: value.type === "REG_QWORD" || value.type === "REG_BINARY" ? String(value.data) : value.data,
      }));
      const shown = node.values.map(({ name, value }) => ({ name, data: value.data }));
      if (expected.some((value) => typeof value.data !== "string" && typeof value.data !== "number"))
        continue;
      expect(shown.filter((value) => expected.some((e) => e.name === value.name))).toEqual(expected);
      compared += expected.length;
    }
    expect(compared).toBeGreaterThan(10);
    // And the app's final EnforcementStateMessage says what the last state.enforcement event said.
    const last = events.filter((event) => event.phase === "state.enforcement").at(-1);
    const details = (last as Extract<ImeEvent, { phase: "state.enforcement" }>).details;
    const message = imeKeys
      .find(
        (node) => node.path.toUpperCase() === `HKEY_LOCAL_MACHINE\\${details.keyPath.slice(5)}`.toUpperCase(),
      )
      ?.values.find((value) => value.name === "EnforcementStateMessage");
    expect(JSON.parse(String(message?.value.data)).EnforcementState).toBe(details.enforcementState);
  });

  it("diffs a state.enforcement step: its EnforcementStateMessage before and after", async () => {
    const steps = events.filter((event) => event.phase === "state.enforcement") as Extract<
      ImeEvent,
      { phase: "state.enforcement" }
    >[];
    const last = steps.at(-1)!;
    const view = await get<RegistryView>(`registry?seq=${last.seq}`);
    expect(view.seq).toBe(last.seq);
    const entry = view.diff.find((diff) => diff.name === "EnforcementStateMessage");
    expect(entry?.kind).toBe("changed");
    expect(entry?.key.toUpperCase()).toBe(
      `HKEY_LOCAL_MACHINE\\${last.details.keyPath.slice(5)}`.toUpperCase(),
    );
    expect(JSON.parse(String(entry?.after?.data)).EnforcementState).toBe(last.details.enforcementState);
    const previous = steps.at(-2)!;
    expect(JSON.parse(String(entry?.before?.data)).EnforcementState).toBe(previous.details.enforcementState);
    expect(view.steps.some((step) => step.seq === last.seq && step.phase === "state.enforcement")).toBe(true);
  });

  it("shows the .bin in Incoming once downloaded, the unzipped content in IMECache, both gone after clean-up", async () => {
    const completed = events.find((event) => event.phase === "download.completed") as Extract<
      ImeEvent,
      { phase: "download.completed" }
    >;
    const unzipped = events.find((event) => event.phase === "content.unzipped") as Extract<
      ImeEvent,
      { phase: "content.unzipped" }
    >;
    const atDownload = [...files((await get<FoldersView>(`folders?seq=${completed.seq}`)).tree)];
    const bin = atDownload.find(
      (file) => file.path.includes("\\Content\\Incoming\\") && file.name.endsWith(".bin"),
    );
    expect(bin?.size).toBe(completed.details.size);
    const before = [...files((await get<FoldersView>(`folders?seq=${completed.seq - 3}`)).tree)];
    expect(before.some((file) => file.path === bin?.path)).toBe(false);

    const atUnzip = await get<FoldersView>(`folders?seq=${unzipped.seq}`);
    expect(
      atUnzip.changes.some((change) => change.kind === "added" && change.path === unzipped.details.to),
    ).toBe(true);
    expect([...files(atUnzip.tree)].some((file) => file.path.startsWith(`${unzipped.details.to}\\`))).toBe(
      true,
    );

    const steps = (await get<FoldersView>("folders")).steps;
    const cleanup = steps.find((step) => step.seq > unzipped.seq);
    const atCleanup = await get<FoldersView>(`folders?seq=${cleanup?.seq}`);
    expect(atCleanup.changes).toContainEqual({
      kind: "removed",
      path: bin?.path,
      entry: "file",
      sizeBefore: completed.details.size,
    });
    expect([...files(atCleanup.tree)].some((file) => file.path.startsWith(unzipped.details.to))).toBe(false);
  });

  it("draws each download's bytes up to download.completed's size", async () => {
    const view = await get<DownloadsView>("downloads");
    const completed = events.filter((event) => event.phase === "download.completed") as Extract<
      ImeEvent,
      { phase: "download.completed" }
    >[];
    expect(view.downloads.map((curve) => curve.totalBytes)).toEqual(
      completed.map((event) => event.details.size),
    );
    expect(view.downloads[0]?.points[0]).toMatchObject({ bytes: 0, phase: "download.started" });
    expect(view.downloads[0]?.points.at(-1)).toMatchObject({
      seq: completed[0]?.seq,
      simTime: completed[0]?.simTime,
    });
  });

  it("answers a bad seq with 400, an unknown device with 404, a run without changes.jsonl with 404", async () => {
    const bad = await app.inject({ url: `/ui/api/devices/${deviceId}/registry?seq=-1` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "DASHBOARD_BAD_SEQ", message: expect.stringContaining('"-1"') });
    const unknown = await app.inject({ url: "/ui/api/devices/nope/folders" });
    expect(unknown.json()).toMatchObject({ code: "DASHBOARD_UNKNOWN_DEVICE" });
    rmSync(join(out, "device-0001", "changes.jsonl"));
    const bare = Fastify();
    await registerDashboard(bare, loadSavedRun(out), { dist: join(out, "no-such-dist") });
    const missing = await bare.inject({ url: `/ui/api/devices/${deviceId}/registry` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      code: "DASHBOARD_NO_CHANGES",
      message: expect.stringContaining("--out"),
    });
    // Downloads need only the events.
    expect((await bare.inject({ url: `/ui/api/devices/${deviceId}/downloads` })).statusCode).toBe(200);
    await bare.close();
  });
});

describe("the recorder is opt-in", () => {
  it("records nothing without --out or --ui, and recording changes nothing the run does", async () => {
    const scenario = await loadScenarioFile(scenarioPath);
    const runOnce = async (recordChanges: boolean) => {
      let changes: (() => readonly DeviceChange[]) | undefined;
      const seen: ImeEvent[] = [];
      await runScenario(scenario, {
        recordChanges,
        workers: 1,
        onDevice: (device) => {
          changes = device.changes;
          device.agent.events.subscribe((event) => seen.push(event));
        },
      });
      // Device ids and wall times differ between runs; what the IME did and when must not.
      return {
        changes,
        steps: seen.map(({ seq, phase, simTime }) => `${seq} ${phase} ${simTime}`),
      };
    };
    const off = await runOnce(false);
    const on = await runOnce(true);
    expect(off.changes).toBeUndefined();
    expect(on.changes?.().length).toBeGreaterThan(50);
    expect(on.steps).toEqual(off.steps);
  });
});
