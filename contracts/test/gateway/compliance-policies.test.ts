import { describe, expect, it } from "vitest";
import {
  GatewayContractErrorCode,
  parseComplianceScriptPolicies,
  parseComplianceScriptResults,
} from "../../src/gateway/index.ts";

const policy = {
  PolicyId: "cp1",
  PolicyVersion: 1,
  ScriptId: "cs1",
  DetectionScript: Buffer.from("Write-Output '{}'").toString("base64"),
  Rules: '{"Rules":[]}',
  RunAsAccount: "system",
  RunAs32Bit: false,
  EnforceSignatureCheck: false,
};

describe("custom compliance payloads (imesim's request types)", () => {
  it("parses the GetComplianceScript answer", () => {
    expect(parseComplianceScriptPolicies(JSON.stringify([policy]))).toEqual([policy]);
  });

  it("names the member of a malformed payload", () => {
    expect(() =>
      parseComplianceScriptPolicies(JSON.stringify([{ ...policy, RunAsAccount: "admin" }])),
    ).toThrow(
      expect.objectContaining({
        code: GatewayContractErrorCode.Invalid,
        path: "ResponsePayload[0].RunAsAccount",
      }),
    );
    expect(() =>
      parseComplianceScriptResults(JSON.stringify([{ PolicyId: "cp1", Settings: [{ State: "maybe" }] }])),
    ).toThrow(expect.objectContaining({ code: GatewayContractErrorCode.Invalid }));
    expect(() => parseComplianceScriptResults("not json")).toThrow(
      expect.objectContaining({ code: GatewayContractErrorCode.MalformedJson }),
    );
  });
});
