// A user-context app in a check-in with nobody signed in is reported not applicable, 1012 (ime.md §7.6, §1.3.5).
import { Applicability, RunAs } from "@imesim/contracts/enums";
import { describe, expect, it } from "vitest";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR } from "../support/harness.ts";

const USER_APP = "7c7d745d-9cd2-4b05-adc2-7796f8c8cc87";

describe("a userless check-in", () => {
  it("reports a user-context app not applicable (1012) with the IME's line, and installs nothing", async () => {
    const h = createHarness({
      behaviours: [],
      setup: (service) =>
        service.assign(DEVICE, [makePolicy(USER_APP, { installEx: { RunAs: RunAs.User } })]),
    });
    await h.runTo(HOUR);
    expect(h.phase("install.started")).toHaveLength(0);
    const compliance = h.agent.state.readCompliance({ userId: DEVICE, appId: USER_APP, version: 1 });
    expect(compliance?.Applicability).toBe(Applicability.UserContextAppNotSupportedDuringDeviceOnlyCheckin);
    expect(
      h.agent.state.readEnforcement({ userId: DEVICE, appId: USER_APP, version: 1 })?.EnforcementState,
    ).toBe(3000);
    expect(h.agent.state.readStatusServiceReport(DEVICE, USER_APP)?.Status).toBe(2000);
    expect(h.agent.logs.read("AppWorkload")).toContain(
      `[Win32Apps] App policy with id: ${USER_APP} will not be evaluated as it has user install context and this is a userless check-in. The app will be reported as not applicable.`,
    );
  });
});
