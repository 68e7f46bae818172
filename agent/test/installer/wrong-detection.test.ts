// Issue 7's packaging trap end to end: a real .intunewin holding a 32-bit .msi, installed by the agent
// through the command-line Installer (msiexec model), detected by the rule engine. The MSI writes its
// registry value through the 32-bit view (WOW6432Node, windows-formats.md §1.9); a registry rule that looks
// in the 64-bit view misses it: install succeeds, detection fails, 0x87D1041C (ime.md §5.5).
import { readFileSync } from "node:fs";
import {
  DetectionType,
  EnforcementState,
  FileDetectionSubType,
  RegistryDetectionSubType,
} from "@imesim/contracts/enums";
import type { DetectionRule } from "@imesim/contracts/ime";
import { describe, expect, it } from "vitest";
import { createAgent } from "../../src/agent.ts";
import { createVirtualClock } from "../../src/clock/index.ts";
import { createDevice } from "../../src/host/index.ts";
import { createCommandLineInstaller } from "../../src/host/installer/command-line-installer.ts";
import { createFakeService, DEVICE, makePolicy } from "../support/fakes.ts";
import { HOUR, T0 } from "../support/harness.ts";
import { packedContent } from "../support/packed-content.ts";

const APP = "0d7e57a1-0000-4000-8000-00000000c0de";
const X86_CODE = "{87654321-ABCD-EF01-2345-6789ABCDEF02}";

function registryRule(check32BitOn64System: boolean): DetectionRule {
  return {
    DetectionType: DetectionType.Registry,
    DetectionText: {
      Path: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Demo",
      KeyName: "Version",
      Check32BitOn64System: check32BitOn64System,
      DetectionType: RegistryDetectionSubType.Exists,
      Operator: 0,
      DetectionValue: null,
    },
  } as DetectionRule;
}

async function enforce(rules: DetectionRule[]) {
  const clock = createVirtualClock(T0);
  const device = createDevice({ backend: "memory", clock });
  const service = createFakeService(clock);
  service.assign(DEVICE, [
    makePolicy(APP, {
      InstallCommandLine: 'msiexec /i "demo-x86.msi" /qn',
      UninstallCommandLine: `msiexec /x ${X86_CODE} /qn`,
      DetectionRule: rules,
    }),
  ]);
  const { bytes, keys } = await packedContent(
    { "demo-x86.msi": readFileSync(new URL("../fixtures/installer/demo-x86.msi", import.meta.url)) },
    "demo-x86.msi",
  );
  service.serve(APP, bytes, keys);
  const agent = createAgent({
    deviceId: "dev-msi",
    device,
    clock,
    service: service.client,
    installer: createCommandLineInstaller(),
  });
  agent.start();
  await clock.runUntil(T0 + HOUR);
  const result = {
    failure: agent.failure(),
    enforcement: agent.state.readEnforcement({ userId: DEVICE, appId: APP, version: 1 }),
    log: agent.logs.read("AppWorkload"),
    device,
  };
  agent.dispose();
  return result;
}

describe("a detection rule in the wrong registry view", () => {
  it("is caught: msiexec exits 0, the 64-bit rule finds nothing, the IME reports 0x87D1041C", async () => {
    const run = await enforce([registryRule(false)]);
    expect(run.failure).toBeUndefined();
    expect(run.log).toContain("[Win32App] lpExitCode 0");
    expect(
      run.device.registry.getValue("HKLM\\SOFTWARE\\WOW6432Node\\Contoso\\Demo", "Version", { view: 64 }),
    ).toEqual({
      type: "REG_SZ",
      data: "2.0.0",
    });
    expect(run.enforcement).toEqual({
      EnforcementState: EnforcementState.Error,
      ErrorCode: -2016345060,
      TargetingMethod: 0,
    });
  });

  it("passes once the rule looks in the 32-bit view; product-code and file detection pass too", async () => {
    const fixed = await enforce([registryRule(true)]);
    expect(fixed.enforcement?.EnforcementState).toBe(EnforcementState.Success);
    const byProductCode = await enforce([
      {
        DetectionType: DetectionType.MsiProductCode,
        DetectionText: { ProductCode: X86_CODE, ProductVersionOperator: 0, ProductVersion: null },
      } as DetectionRule,
    ]);
    expect(byProductCode.enforcement?.EnforcementState).toBe(EnforcementState.Success);
    const byFile = await enforce([
      {
        DetectionType: DetectionType.FileSystem,
        DetectionText: {
          Path: "%ProgramFiles%\\Demo App",
          FileOrFolderName: "app.txt",
          Check32BitOn64System: true,
          DetectionType: FileDetectionSubType.Exists,
          Operator: 0,
          DetectionValue: null,
        },
      } as DetectionRule,
    ]);
    expect(byFile.enforcement?.EnforcementState).toBe(EnforcementState.Success);
  });
});
