// The default pipeline end to end in one process: a real .intunewin packed by contracts, decrypted and
// unzipped by the agent's default codec, detected by the rule engine.
import { createDevice } from "@imesim/agent/host";
import { describe, expect, it } from "vitest";
import { createAgent } from "../../src/agent.ts";
import { createVirtualClock } from "../../src/clock/index.ts";
import { createScriptedInstaller } from "../../src/host/installer/scripted.ts";
import { createFakeService, DEVICE, makePolicy } from "../support/fakes.ts";
import { HOUR, T0 } from "../support/harness.ts";
import { packedContent } from "../support/packed-content.ts";

const APP = "7e57c0de-0000-4000-8000-000000000777";

describe("a real .intunewin through the default codec and rule engine", () => {
  it("verifies, decrypts, unzips into IMECache, runs the command there and detects the result", async () => {
    const clock = createVirtualClock(T0);
    const device = createDevice({ backend: "memory", clock });
    const service = createFakeService(clock);
    const policy = makePolicy(APP, {
      InstallCommandLine: "install.cmd",
      marker: "C:\\Program Files\\Contoso\\contoso.exe",
    });
    service.assign(DEVICE, [policy]);
    const { bytes, keys } = await packedContent(
      { "install.cmd": "@echo off\r\nexit /b 0\r\n", "payload.txt": "hello from the package" },
      "install.cmd",
    );
    service.serve(APP, bytes, keys);
    let sawPayload = "";
    const installer = createScriptedInstaller([
      {
        match: "install.cmd",
        attempts: [
          { exitCode: 0, effects: { writeFiles: [{ path: "%ProgramFiles%\\Contoso\\contoso.exe" }] } },
        ],
      },
    ]);
    const agent = createAgent({
      deviceId: "dev-real",
      device,
      clock,
      service: service.client,
      installer: {
        run: async (request, host) => {
          sawPayload = new TextDecoder().decode(host.fs.readFile(`${request.workingDirectory}\\payload.txt`));
          return installer.run(request, host);
        },
      },
    });
    agent.start();
    await clock.runUntil(T0 + HOUR);
    expect(agent.failure()).toBeUndefined();
    expect(sawPayload).toBe("hello from the package");
    // The install ran as the IME's 32-bit process: %ProgramFiles% is Program Files (x86) (ime.md §1.5),
    // so a detection rule on Program Files does not find it.
    expect(device.fs.stat("C:\\Program Files (x86)\\Contoso\\contoso.exe")?.kind).toBe("file");
    expect(agent.state.readEnforcement({ userId: DEVICE, appId: APP, version: 1 })).toEqual({
      EnforcementState: 5000,
      ErrorCode: -2016345060,
      TargetingMethod: 0,
    });
    const log = agent.logs.read("AppWorkload");
    expect(log).toContain("[Win32App] file hash validation pass, starts decrypting");
    expect(log).toContain("[Win32App] Decryption is done successfully.");
    agent.dispose();
  });
});
