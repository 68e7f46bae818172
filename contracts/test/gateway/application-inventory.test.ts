import { describe, expect, it } from "vitest";
import {
  GatewayContractErrorCode,
  inventoryKey,
  parseApplicationInventoryAnswer,
  parseApplicationInventoryPayload,
} from "../../src/gateway/index.ts";

const app = {
  DisplayName: "Contoso Tool",
  DisplayVersion: "3.1.4.0",
  Publisher: "Contoso",
  ProductCode: "{6F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0}",
  SizeInBytes: 2048,
  InstallDate: "20260105",
  Source: "Msi",
};
const payload = {
  SyncType: "Full",
  CollectedAtUtc: "2026-01-05T08:00:36.000Z",
  Applications: [app],
  Removed: [],
};

describe("ApplicationInventory payloads (imesim's shape)", () => {
  it("parses a full sync and an applied or refused answer", () => {
    expect(parseApplicationInventoryPayload(JSON.stringify(payload))).toEqual(payload);
    expect(parseApplicationInventoryAnswer(null)).toEqual({ FullSyncRequired: false });
    expect(parseApplicationInventoryAnswer('{"FullSyncRequired":true}')).toEqual({ FullSyncRequired: true });
  });

  it("names the member of a malformed payload", () => {
    expect(() =>
      parseApplicationInventoryPayload(
        JSON.stringify({ ...payload, Applications: [{ ...app, Source: "Store" }] }),
      ),
    ).toThrow(
      expect.objectContaining({
        code: GatewayContractErrorCode.Invalid,
        path: "RequestPayload.Applications[0].Source",
      }),
    );
    expect(() => parseApplicationInventoryPayload("{")).toThrow(
      expect.objectContaining({ code: GatewayContractErrorCode.MalformedJson }),
    );
  });

  it("identifies an application by its name and version, case-insensitively", () => {
    expect(inventoryKey({ DisplayName: "Contoso TOOL", DisplayVersion: "3.1.4.0" })).toBe(
      inventoryKey({ DisplayName: "contoso tool", DisplayVersion: "3.1.4.0" }),
    );
    expect(inventoryKey({ DisplayName: "A", DisplayVersion: null })).not.toBe(
      inventoryKey({ DisplayName: "A", DisplayVersion: "1" }),
    );
  });
});
