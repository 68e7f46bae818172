// Every outside trigger causes the check-in it should, with the CheckinReason of ime.md §6, as the service
// receives it (the reason handed to the service client is the one the gateway request carries).
import { createDevice } from "@imesim/agent/host";
import { describe, expect, it } from "vitest";
import { type AgentTrigger, createAgent, SYNCAPP_MONIKER, SYNCCOMPLIANCE_MONIKER } from "../../src/agent.ts";
import { createVirtualClock } from "../../src/clock/index.ts";
import { type CheckinReasonName, recordEvents } from "../../src/events/index.ts";
import { createScriptedInstaller } from "../../src/host/installer/scripted.ts";
import { createFakeService, fakeCodec, fileRegistryEvaluator } from "../support/fakes.ts";
import { HOUR, MINUTE, T0 } from "../support/harness.ts";

const USER = { userId: "4b7c1c1e-0000-4000-8000-000000000001", userSid: "S-1-12-1-1-2-3-4", session: 1 };

function setup() {
  const clock = createVirtualClock(T0);
  const device = createDevice({ backend: "memory", clock });
  const fake = createFakeService(clock);
  const sent: Array<{ call: string; reason: CheckinReasonName }> = [];
  const agent = createAgent({
    deviceId: "dev-1",
    device,
    clock,
    service: {
      ...fake.client,
      requestApps(request) {
        sent.push({ call: `apps:${request.kind}`, reason: request.reason });
        return fake.client.requestApps(request);
      },
      async scriptSession(request) {
        sent.push({ call: request.contentType, reason: request.reason });
        return request.contentType === "PolicyResult" ? null : "[]";
      },
    },
    installer: createScriptedInstaller([]),
    evaluator: fileRegistryEvaluator,
    codec: fakeCodec,
    users: [],
  });
  const { events } = recordEvents(agent.events);
  let elapsed = 0;
  /** Sends `trigger`, runs 10 simulated minutes, returns what reached the service meanwhile. */
  const after = async (trigger: AgentTrigger | undefined, ms = 10 * MINUTE) => {
    const from = sent.length;
    if (trigger !== undefined) agent.trigger(trigger);
    elapsed += ms;
    await clock.runUntil(T0 + elapsed);
    return sent.slice(from);
  };
  return { agent, events, after };
}

const appReasons = (sent: Array<{ call: string; reason: CheckinReasonName }>) =>
  sent.filter((s) => s.call === "apps:required").map((s) => s.reason);

describe("CheckinReason of each trigger (ime.md §6)", () => {
  it("sends AgentRestart, OnDemand, UserLogOn and MaintenanceTimer where the reference says", async () => {
    const s = setup();
    s.agent.start();
    expect(appReasons(await s.after(undefined))).toEqual(["AgentRestart"]);
    expect(appReasons(await s.after("syncapp"))).toEqual(["OnDemand"]);
    expect(appReasons(await s.after(SYNCAPP_MONIKER))).toEqual(["OnDemand"]);
    expect(appReasons(await s.after({ logon: USER }))).toEqual(["UserLogOn"]);
    expect(appReasons(await s.after("restart"))).toEqual(["AgentRestart"]);
    // The device is down for minutes, then the service starts again: a start-up check-in.
    expect(appReasons(await s.after("reboot", 30 * MINUTE))).toEqual(["AgentRestart"]);
    expect(appReasons(await s.after(undefined, 2 * HOUR))).toContain("MaintenanceTimer");
    s.agent.dispose();
  });

  it("Company Portal sync: an MDM check-in, then an IME check-in (OnDemand)", async () => {
    const s = setup();
    s.agent.start();
    await s.after(undefined);
    const seqBefore = s.events.length;
    expect(appReasons(await s.after("companyPortalSync"))).toEqual(["OnDemand"]);
    const phases = s.events.slice(seqBefore).map((e) => e.phase);
    expect(phases.indexOf("mdm.syncRequested")).toBeGreaterThanOrEqual(0);
    expect(phases.indexOf("mdm.syncRequested")).toBeLessThan(phases.indexOf("checkin.started"));
    // No IME log line for Windows' MDM session.
    expect(s.agent.logs.read("IntuneManagementExtension")).not.toMatch(/mdm/i);
    s.agent.dispose();
  });

  it("the synccompliance moniker fetches the compliance scripts on demand (OnDemand, not Unknown)", async () => {
    const s = setup();
    s.agent.start();
    await s.after(undefined);
    const sent = await s.after(SYNCCOMPLIANCE_MONIKER);
    expect(sent).toEqual([{ call: "GetComplianceScript", reason: "OnDemand" }]);
    s.agent.dispose();
  });
});
