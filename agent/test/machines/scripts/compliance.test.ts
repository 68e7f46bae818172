// Custom compliance on virtual time (issue 16): the discovery script runs with the script workload's
// fetch and at once on synccompliance; its JSON output is checked against the rules; the device turns
// non-compliant with the rule's remediation text and compliant again once the drift is fixed.
import { createDevice, createInterpretingScriptRunner } from "@imesim/agent/host";
import type { ComplianceScriptPolicy, ComplianceScriptResult } from "@imesim/contracts/gateway";
import { describe, expect, it } from "vitest";
import { createAgent, SYNCCOMPLIANCE_MONIKER } from "../../../src/agent.ts";
import { createVirtualClock } from "../../../src/clock/index.ts";
import { recordEvents } from "../../../src/events/index.ts";
import { createScriptedInstaller } from "../../../src/host/installer/scripted.ts";
import type { ScriptSessionRequest } from "../../../src/service-client/types.ts";
import { createFakeService, fakeCodec, fileRegistryEvaluator } from "../../support/fakes.ts";
import { HOUR, MINUTE, T0 } from "../../support/harness.ts";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const DISK_FILE = "C:\\ProgramData\\freegb.txt";
const RULES = JSON.stringify({
  Rules: [
    {
      SettingName: "FreeGb",
      Operator: "GreaterEquals",
      DataType: "Int64",
      Operand: 20,
      RemediationStrings: [
        { Language: "en_US", Title: "Only {ActualValue} GB are free.", Description: "Free 20 GB of disk." },
      ],
    },
  ],
});
const POLICY: ComplianceScriptPolicy = {
  PolicyId: "cp1",
  PolicyVersion: 1,
  ScriptId: "cs1",
  // The documented discovery pattern: a hashtable returned as compressed JSON.
  DetectionScript: b64(
    `$free = [int](Get-Content -Path '${DISK_FILE}')\n$hash = @{ FreeGb = $free }\nreturn $hash | ConvertTo-Json -Compress`,
  ),
  Rules: RULES,
  RunAsAccount: "system",
  RunAs32Bit: false,
  EnforceSignatureCheck: false,
};

function setup() {
  const clock = createVirtualClock(T0);
  const device = createDevice({ backend: "memory", clock });
  const fake = createFakeService(clock);
  const uploads: ComplianceScriptResult[] = [];
  const calls: ScriptSessionRequest["contentType"][] = [];
  const agent = createAgent({
    deviceId: "dev-1",
    device,
    clock,
    service: {
      ...fake.client,
      async scriptSession(request) {
        calls.push(request.contentType);
        if (request.contentType === "GetComplianceScript") return JSON.stringify([POLICY]);
        if (request.contentType === "ComplianceScriptResult")
          uploads.push(...(JSON.parse(request.payload) as ComplianceScriptResult[]));
        return request.contentType === "PolicyResult" ? null : "[]";
      },
    },
    installer: createScriptedInstaller([]),
    evaluator: fileRegistryEvaluator,
    codec: fakeCodec,
    scriptRunner: createInterpretingScriptRunner({
      resolver: () => undefined,
      clock: { now: () => Date.now() },
    }),
    users: [],
  });
  const { events } = recordEvents(agent.events);
  return { clock, device, agent, uploads, calls, events, runTo: (ms: number) => clock.runUntil(T0 + ms) };
}

describe("custom compliance", () => {
  it("turns the device non-compliant with the rule's remediation text, and compliant again on synccompliance after the fix", async () => {
    const s = setup();
    s.device.fs.writeFile(DISK_FILE, "5");
    s.agent.start();
    await s.runTo(2 * MINUTE);
    expect(s.calls).not.toContain("GetComplianceScript"); // the workload's 147 s start-up delay
    await s.runTo(5 * MINUTE);
    expect(s.uploads).toHaveLength(1);
    expect(s.uploads[0]).toMatchObject({
      PolicyId: "cp1",
      Compliant: false,
      DiscoveryOutput: '{"FreeGb":5}',
      Settings: [
        {
          SettingName: "FreeGb",
          State: "nonCompliant",
          ActualValue: "5",
          RemediationTitle: "Only 5 GB are free.",
          RemediationDescription: "Free 20 GB of disk.",
        },
      ],
    });
    const hs = s.agent.logs.read("HealthScripts");
    expect(hs).toContain("[HS] Compliance discovery result for policy cp1 is NonCompliant");
    expect(hs).toContain("[HS] Setting FreeGb = 5 is nonCompliant: Only 5 GB are free.");

    // The drift is fixed; synccompliance evaluates at once, not at the next 8-hour fetch.
    s.device.fs.writeFile(DISK_FILE, "25");
    s.agent.trigger(SYNCCOMPLIANCE_MONIKER);
    await s.runTo(6 * MINUTE);
    expect(s.uploads).toHaveLength(2);
    expect(s.uploads[1]).toMatchObject({
      Compliant: true,
      Settings: [{ State: "compliant", ActualValue: "25" }],
    });
    expect(s.events.filter((e) => e.phase === "compliance.evaluated")).toHaveLength(2);

    // The 8-hour fetch evaluates again (drift must be seen, there is no once-per-version rule).
    await s.runTo(9 * HOUR);
    expect(s.uploads).toHaveLength(3);
    s.agent.dispose();
  });

  it("does nothing on synccompliance while the service is stopped", async () => {
    const s = setup();
    s.device.fs.writeFile(DISK_FILE, "5");
    s.agent.trigger("synccompliance");
    await s.runTo(10 * MINUTE);
    expect(s.calls).toEqual([]);
    s.agent.dispose();
  });
});
