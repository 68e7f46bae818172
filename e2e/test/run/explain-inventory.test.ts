// `imesim explain` narrates the app inventory collector (issue 16) and says which of it is imesim's design.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));
const SCENARIO = fileURLToPath(new URL("../../scenarios/app-inventory.yaml", import.meta.url));

describe("imesim explain, inventory", () => {
  it("tells the collection, the sync, its registry time and the subscribed events, marking imesim's wording", () => {
    const result = spawnSync(process.execPath, [BIN, "explain", SCENARIO], { encoding: "utf8" });
    expect(result.status).toBe(0);
    for (const title of [
      "Inventory collector subscribed",
      "Installed applications collected",
      "Inventory sent",
      "Subscribed event received",
    ])
      expect(result.stdout).toContain(title);
    expect(result.stdout).toContain(
      "log  Win32AppInventory.log (imesim's wording): [Win32AppInventory] Removed: Old Viewer 2.0",
    );
    expect(result.stdout).toContain(
      "log  Sensor.log (imesim's wording): [Sensor] Received event Win32AppInstallFinished",
    );
    expect(result.stdout).toMatch(
      /reg {2}HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Inventory {2}LastFullSyncTimeUtc = \d{2}\/\d{2}\/\d{4} /,
    );
  });
});
