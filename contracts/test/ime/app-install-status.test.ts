import { describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import {
  AppInstallStatus,
  parseAppInstallStatusReport,
  serializeAppInstallStatusReport,
} from "../../src/ime/index.ts";

describe("AppInstallStatusReport (ime.md §4.5)", () => {
  it("carries the StatusService codes and round-trips in a fixed member order", () => {
    expect(AppInstallStatus).toMatchObject({
      Installed: 1000,
      Installing: 1001,
      NotApplicable: 2000,
      Failed: 3000,
    });
    const text = serializeAppInstallStatusReport({
      ErrorCode: -2147023293,
      Status: AppInstallStatus.Failed,
      Applicability: 0,
      InstallContext: 2,
      UserId: "00000000-0000-0000-0000-000000000000",
      ApplicationId: "9a7d745d-9cd2-4b05-adc2-7796f8c8cc87",
    });
    expect(text).toBe(
      '{"ApplicationId":"9a7d745d-9cd2-4b05-adc2-7796f8c8cc87","UserId":"00000000-0000-0000-0000-000000000000","InstallContext":2,"Applicability":0,"Status":3000,"ErrorCode":-2147023293}',
    );
    expect(serializeAppInstallStatusReport(parseAppInstallStatusReport(text))).toBe(text);
  });

  it("rejects a status outside the known codes with IME_STATE_MESSAGE_INVALID", () => {
    const bad =
      '{"ApplicationId":"a","UserId":"u","InstallContext":2,"Applicability":0,"Status":1234,"ErrorCode":0}';
    let caught: unknown;
    try {
      parseAppInstallStatusReport(bad);
    } catch (error) {
      caught = error;
    }
    expect(isImesimError(caught) && caught.code).toBe("IME_STATE_MESSAGE_INVALID");
  });
});
