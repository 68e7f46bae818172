// The control surface over real loopback HTTP against an agent on virtual time: the token is required and
// compared, only loopback is served, and each verb changes the agent as an admin's act on a device would.
import {
  type Agent,
  createAgent,
  createScriptedInstaller,
  createVirtualClock,
  type ImeEvent,
} from "@imesim/agent";
import { createDevice, type Device } from "@imesim/agent/host";
import { IME_AGENT_CONFIG_PATH } from "@imesim/agent/log";
import { afterEach, describe, expect, it } from "vitest";
import { hostHeaderAllowed, isLoopbackHost, tokenMatches } from "../../src/control/access.ts";
import { type ControlServer, startControlServer } from "../../src/control/server.ts";

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);
const MINUTE = 60_000;
const ADELE = "AdeleV";

interface Rig {
  readonly agent: Agent;
  readonly device: Device;
  readonly server: ControlServer;
  readonly events: ImeEvent[];
  readonly scriptCalls: Array<{ contentType: string; reason: string }>;
  /** Runs simulated time forward by `ms`. */
  advance(ms: number): Promise<void>;
  // biome-ignore lint/suspicious/noExplicitAny: the answers' shapes vary per verb; each test reads its own.
  call(verb: string, args?: unknown, token?: string): Promise<{ status: number; body: any }>;
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.server.close();
  rig?.agent.dispose();
  rig?.device.close();
  rig = undefined;
});

async function startRig(): Promise<Rig> {
  const clock = createVirtualClock(T0);
  const device = createDevice({ backend: "memory", clock });
  const scriptCalls: Array<{ contentType: string; reason: string }> = [];
  const agent = createAgent({
    deviceId: "dev-ctl",
    device,
    clock,
    service: {
      acquireToken: async () => ({ value: "t", expiresAt: clock.now() + 3_600_000 }),
      requestApps: async () => ({ policiesJson: "[]" }),
      getContentInfo: async () => {
        throw new Error("no content in this test");
      },
      downloadContent: () => {
        throw new Error("no content in this test");
      },
      sendResults: async () => {},
      scriptSession: async (request) => {
        scriptCalls.push({ contentType: request.contentType, reason: request.reason });
        return request.contentType.endsWith("Result") ? null : "[]";
      },
    },
    installer: createScriptedInstaller([]),
    users: [],
  });
  const events: ImeEvent[] = [];
  agent.subscribe((event) => events.push(event));
  const server = await startControlServer({ agent, device });
  agent.start();
  await clock.runUntil(T0 + 5 * MINUTE);
  let now = T0 + 5 * MINUTE;
  rig = {
    agent,
    device,
    server,
    events,
    scriptCalls,
    async advance(ms) {
      now += ms;
      await clock.runUntil(now);
    },
    async call(verb, args = {}, token = server.token) {
      const response = await fetch(`${server.url}/v1/${verb}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(args),
      });
      return { status: response.status, body: await response.json() };
    },
  };
  return rig;
}

const reasonsAfter = (events: readonly ImeEvent[], seq: number) =>
  events.flatMap((e) => (e.seq > seq && e.phase === "checkin.started" ? [e.details.reason] : []));

describe("control server access", () => {
  it("listens on 127.0.0.1 and refuses a non-loopback bind unless allowed", async () => {
    const r = await startRig();
    expect(r.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(
      startControlServer({ agent: r.agent, device: r.device, host: "0.0.0.0" }),
    ).rejects.toMatchObject({
      code: "CTL_NOT_LOOPBACK",
      message: expect.stringContaining('"0.0.0.0"'),
    });
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(isLoopbackHost("192.168.1.5")).toBe(false);
    expect(isLoopbackHost("127.0.0.1.evil.example")).toBe(false);
  });

  it("answers 401 CTL_TOKEN_MISSING without a token and CTL_TOKEN_INVALID with a wrong one", async () => {
    const r = await startRig();
    const bare = await fetch(`${r.server.url}/v1/status`, { method: "POST" });
    expect(bare.status).toBe(401);
    expect((await bare.json()).error.code).toBe("CTL_TOKEN_MISSING");
    const wrong = await r.call("status", {}, `${r.server.token.slice(0, -1)}x`);
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: "CTL_TOKEN_INVALID" } } });
    // Refused before the verb runs: no check-in came from it.
    const before = r.events.at(-1)!.seq;
    expect((await r.call("syncapp", {}, "nope")).status).toBe(401);
    await r.advance(5 * MINUTE);
    expect(reasonsAfter(r.events, before)).toEqual([]);
    expect(tokenMatches(`Bearer ${r.server.token}`, r.server.token)).toBe(true);
    expect(tokenMatches(r.server.token, r.server.token)).toBe(false);
    expect(tokenMatches(`bearer ${r.server.token}`, r.server.token)).toBe(true);
    expect(tokenMatches(`Bearer ${r.server.token.toUpperCase()}x`, r.server.token)).toBe(false);
  });

  it("refuses a request whose Host is not a loopback name (DNS rebinding)", async () => {
    expect(hostHeaderAllowed("127.0.0.1:5000", false)).toBe(true);
    expect(hostHeaderAllowed("localhost:5000", false)).toBe(true);
    expect(hostHeaderAllowed("[::1]:5000", false)).toBe(true);
    expect(hostHeaderAllowed("attacker.example:5000", false)).toBe(false);
    expect(hostHeaderAllowed(undefined, false)).toBe(false);
    expect(hostHeaderAllowed("attacker.example", true)).toBe(true);
  });

  it("names an unknown verb (404 CTL_UNKNOWN_VERB) and a bad argument (400 CTL_BAD_ARGUMENT)", async () => {
    const r = await startRig();
    const unknown = await r.call("syncap");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      code: "CTL_UNKNOWN_VERB",
      message: expect.stringContaining('"syncap"'),
    });
    const bad = await r.call("read-registry", { key: "HKLM\\SOFTWARE", view: 16 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: "CTL_BAD_ARGUMENT",
      message: expect.stringContaining("view"),
    });
  });
});

describe("control verbs", () => {
  it("syncapp and company-portal-sync cause OnDemand check-ins; the portal's also an MDM sync", async () => {
    const r = await startRig();
    const sync = await r.call("syncapp");
    expect(sync.status).toBe(200);
    await r.advance(5 * MINUTE);
    expect(reasonsAfter(r.events, sync.body.result.since)).toEqual(["OnDemand"]);
    expect(r.agent.logs.read("IntuneManagementExtension")).toContain("checkinReason = OnDemand");
    const portal = await r.call("company-portal-sync");
    await r.advance(5 * MINUTE);
    expect(reasonsAfter(r.events, portal.body.result.since)).toEqual(["OnDemand"]);
    const seen = await r.call("events", { since: portal.body.result.since, phase: "mdm." });
    expect(seen.body.result.events.map((e: ImeEvent) => e.phase)).toEqual(["mdm.syncRequested"]);
  });

  it("restart, reboot, logon and logoff act as on the device", async () => {
    const r = await startRig();
    const restart = await r.call("restart");
    await r.advance(10 * MINUTE);
    expect(reasonsAfter(r.events, restart.body.result.since)).toEqual(["AgentRestart"]);
    const logon = await r.call("logon", { user: ADELE });
    expect(logon.body.result).toMatchObject({ triggered: "logon", user: ADELE });
    await r.advance(5 * MINUTE);
    expect(reasonsAfter(r.events, logon.body.result.since)).toEqual(["UserLogOn"]);
    expect(r.events.some((e) => e.phase === "poller.sessionStarted" && e.seq > logon.body.result.since)).toBe(
      true,
    );
    expect((await r.call("logoff", { user: ADELE })).status).toBe(200);
    const nobody = await r.call("logon", { user: "MeganB" });
    expect(nobody).toMatchObject({ status: 400, body: { error: { code: "CTL_UNKNOWN_USER" } } });
    expect(nobody.body.error.message).toContain('"MeganB"');
    const reboot = await r.call("reboot");
    await r.advance(30 * MINUTE);
    const after = r.events.filter((e) => e.seq > reboot.body.result.since).map((e) => e.phase);
    expect(after[0]).toBe("service.stopping");
    expect(after.indexOf("service.started")).toBeGreaterThan(0);
    expect(reasonsAfter(r.events, reboot.body.result.since)).toEqual(["AgentRestart"]);
  });

  it("synccompliance asks for the compliance scripts on demand", async () => {
    const r = await startRig();
    const from = r.scriptCalls.length;
    expect((await r.call("synccompliance")).status).toBe(200);
    await r.advance(MINUTE);
    expect(r.scriptCalls.slice(from)).toEqual([{ contentType: "GetComplianceScript", reason: "OnDemand" }]);
  });

  it("sets, reads and deletes registry values on the virtual device", async () => {
    const r = await startRig();
    const key = "HKLM\\SOFTWARE\\Contoso\\Ctl";
    const set = await r.call("set-registry", { key, name: "Level", type: "REG_DWORD", data: 7 });
    expect(set.status).toBe(200);
    expect(r.device.registry.getValue(key, "Level", { view: 64 })).toEqual({ type: "REG_DWORD", data: 7 });
    await r.call("set-registry", { key, name: "Note", data: "hello" });
    const read = await r.call("read-registry", { key });
    expect(read.body.result.values).toEqual([
      { name: "Level", type: "REG_DWORD", data: 7 },
      { name: "Note", type: "REG_SZ", data: "hello" },
    ]);
    expect((await r.call("delete-registry", { key, name: "Level" })).status).toBe(200);
    expect(r.device.registry.getValue(key, "Level", { view: 64 })).toBeUndefined();
    const again = await r.call("delete-registry", { key, name: "Level" });
    expect(again).toMatchObject({ status: 404, body: { error: { code: "CTL_KEY_NOT_FOUND" } } });
    expect(again.body.error.message).toContain('"Level"');
    const missing = await r.call("read-registry", { key: "HKLM\\SOFTWARE\\Nope" });
    expect(missing.body.error.message).toContain("HKLM\\SOFTWARE\\Nope");
  });

  it("reads the tail of a log by name and names an unknown log", async () => {
    const r = await startRig();
    const tail = await r.call("read-log", { log: "IntuneManagementExtension.log", lines: 3 });
    expect(tail.body.result.log).toBe("IntuneManagementExtension.log");
    expect(tail.body.result.lines).toHaveLength(3);
    expect(tail.body.result.lines.every((line: string) => line.startsWith("<![LOG["))).toBe(true);
    const nope = await r.call("read-log", { log: "Sensor2" });
    expect(nope).toMatchObject({ status: 400, body: { error: { code: "CTL_UNKNOWN_LOG" } } });
    expect(nope.body.error.message).toContain('"Sensor2"');
  });

  it("set-log-level writes switchValue in the agent config and restarts the service, which reads it", async () => {
    const r = await startRig();
    expect(r.agent.logLevel()).toBe("Information");
    const set = await r.call("set-log-level", { level: "verbose" });
    expect(set.body.result).toEqual({ level: "Verbose", restarted: true });
    expect(Buffer.from(r.device.fs.readFile(IME_AGENT_CONFIG_PATH)).toString()).toContain(
      'switchValue="Verbose"',
    );
    expect(r.agent.logLevel()).toBe("Verbose");
    await r.call("set-log-level", { level: "Information", restart: false });
    // Not restarted: the running service keeps the level it read at its start.
    expect(r.agent.logLevel()).toBe("Verbose");
    expect((await r.call("status")).body.result.logLevel).toBe("Verbose");
  });
});
