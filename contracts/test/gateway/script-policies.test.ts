import { describe, expect, it } from "vitest";
import {
  parseHealthScriptPolicies,
  parsePlatformScriptPolicies,
  parseScriptResults,
} from "../../src/gateway/index.ts";

const platform = {
  PolicyId: "0b1c2d3e-0000-4000-8000-000000000001",
  PolicyVersion: 1,
  FileName: "marker.ps1",
  PolicyBody: Buffer.from("Write-Output hi").toString("base64"),
  RunAsAccount: "system",
  RunAs32Bit: false,
  EnforceSignatureCheck: false,
};

describe("script workload payloads (ime.md §3.1 items 4–5; members are imesim's choice)", () => {
  it("parses the PolicyRequest and GetScript answers", () => {
    expect(parsePlatformScriptPolicies(JSON.stringify([platform]))).toEqual([platform]);
    const health = {
      PolicyId: "r",
      PolicyVersion: 2,
      DetectionScript: "ZXhpdCAx",
      RemediationScript: null,
      RunAsAccount: "user",
      RunAs32Bit: true,
      EnforceSignatureCheck: false,
      Schedule: { Type: "Daily", Interval: 1, Time: "09:30:00", Date: null, UseUtc: true },
    };
    expect(parseHealthScriptPolicies(JSON.stringify([health]))).toEqual([health]);
  });

  it("refuses a malformed payload with a stable code naming what is wrong", () => {
    expect(() =>
      parsePlatformScriptPolicies(JSON.stringify([{ ...platform, RunAsAccount: "admin" }])),
    ).toThrow(
      expect.objectContaining({
        code: expect.stringMatching(/^GATEWAY_/),
        message: expect.stringContaining("RunAsAccount"),
      }),
    );
    expect(() => parseScriptResults("not json")).toThrow(
      expect.objectContaining({ message: expect.stringContaining("PolicyResult payload") }),
    );
  });
});
