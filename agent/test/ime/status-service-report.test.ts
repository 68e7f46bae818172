// SideCarPolicies\StatusServiceReports holds the StatusService's AppInstallStatusReport (ime.md §4.5), not the
// §9 reporting state, and the StatusService announces it in the log (§1.3.9).
import { Intent, RelationAction, RelationType } from "@imesim/contracts/enums";
import { describe, expect, it } from "vitest";
import { STATUS_SERVICE_REPORTS_KEY } from "../../src/ime/index.ts";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR } from "../support/harness.ts";

const OK = "9a7d745d-9cd2-4b05-adc2-7796f8c8cc87";
const FAILS = "8b7d745d-9cd2-4b05-adc2-7796f8c8cc88";
const installs = (id: string) => ({ writeFiles: [{ path: `C:\\Program Files\\${id}\\app.exe` }] });

describe("StatusServiceReports (ime.md §4.5)", () => {
  it("saves an AppInstallStatusReport per app with the Status codes 1000 and 3000", async () => {
    const h = createHarness({
      behaviours: [
        { match: "setup-9a7d745d", attempts: [{ exitCode: 0, effects: installs(OK) }] },
        { match: "setup-8b7d745d", attempts: [{ exitCode: 1603 }] },
      ],
      setup: (service) => service.assign(DEVICE, [makePolicy(OK), makePolicy(FAILS)]),
    });
    await h.runTo(HOUR);
    const saved = (id: string) => {
      const value = h.device.registry.getValue(
        `${STATUS_SERVICE_REPORTS_KEY}\\${DEVICE}\\${id}`,
        "AppInstallStatusReport",
      );
      return value?.type === "REG_SZ" ? JSON.parse(value.data) : undefined;
    };
    expect(saved(OK)).toEqual({
      ApplicationId: OK,
      UserId: DEVICE,
      InstallContext: 2,
      Applicability: 0,
      Status: 1000,
      ErrorCode: 0,
    });
    expect(saved(FAILS)).toMatchObject({ Status: 3000, ErrorCode: -2147023293 });
    expect(h.agent.state.readStatusServiceReport(DEVICE, FAILS)?.Status).toBe(3000);
    const log = h.agent.logs.read("AppWorkload");
    expect(log).toContain(
      `[StatusService] Returning status to user with id: ${DEVICE} for V3-managed app with id: ${FAILS} and install context: System. Applicability: Applicable, Status: Failed, ErrorCode: -2147023293`,
    );
    expect(log).toContain(
      `[StatusService] Saved AppInstallStatusReport for user ${DEVICE} for app ${OK} in the StatusServiceReports registry.`,
    );
  });

  it("returns Unknown for an app that is simply not installed (ComplianceState 2)", async () => {
    const parent = makePolicy(OK, {
      FlatDependencies: [
        {
          Action: RelationAction.DetectOnly,
          AppId: OK,
          ChildId: FAILS,
          Type: RelationType.Dependency,
          Level: 1,
        },
      ],
    });
    const h = createHarness({
      behaviours: [],
      setup: (service) =>
        service.assign(DEVICE, [parent, makePolicy(FAILS, { Intent: Intent.NotTargeted, Targeted: 0 })]),
    });
    await h.runTo(HOUR);
    expect(h.agent.state.readStatusServiceReport(DEVICE, OK)?.Status).toBe(0);
    expect(h.agent.logs.read("AppWorkload")).toContain(
      "[StatusService] Returning AppInstallStatus as Unknown since Compliance State is 2.",
    );
  });
});
