// The policy JSON's InstallContext (1 on every app seen, system ones too, ime.md §11a Other) is read with the
// policy but decides nothing: the state messages' and the StatusService's install context come from RunAs.
import { RunAs } from "@imesim/contracts/enums";
import { describe, expect, it } from "vitest";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR } from "../support/harness.ts";

const APP = "cccccccc-3333-4333-8333-333333333333";
const marker = `C:\\Program Files\\${APP}\\app.exe`;

describe("the policy's InstallContext (ime.md §11a Other, §2.2)", () => {
  it("logs the policy's 1 and still records a system app as System (2)", async () => {
    const policy = { ...makePolicy(APP, { marker }), InstallContext: 1 };
    expect(policy.InstallEx.RunAs).toBe(RunAs.System);
    const h = createHarness({
      behaviours: [
        { match: "setup-cccccccc", attempts: [{ exitCode: 0, effects: { writeFiles: [{ path: marker }] } }] },
      ],
      setup: (s) => s.assign(DEVICE, [policy]),
    });
    await h.runTo(HOUR);
    expect(h.appWorkload()).toContain('"InstallContext":1');
    expect(h.agent.state.readCompliance({ userId: DEVICE, appId: APP, version: 1 })?.InstallContext).toBe(2);
    expect(h.appWorkload()).toContain(`for V3-managed app with id: ${APP} and install context: System.`);
  });
});
