// The msiexec model (Windows Installer's rule, installContextOf) and the codec's MsiInfo (IntuneWinAppUtil's rule,
// intunewin.md §1.2) agree for these common ALLUSERS / MSIINSTALLPERUSER values, so a package's Detection.xml says
// where the simulated install really registers it.
import { readFileSync } from "node:fs";
import { msiInfoFromDatabase, readMsiDatabase } from "@imesim/contracts/msi";
import { describe, expect, it } from "vitest";
import { type FolderEnvironment, planInstall } from "../../src/host/installer/msiexec/install-plan.ts";

const ENV: FolderEnvironment = {
  windows: "C:\\Windows",
  appData: "C:\\Users\\alex\\AppData\\Roaming",
  localAppData: "C:\\Users\\alex\\AppData\\Local",
  temp: "C:\\Users\\alex\\AppData\\Local\\Temp",
  userProfile: "C:\\Users\\alex",
  privileged: false,
  variable: (name) => (name === "ProgramW6432" ? "C:\\Program Files" : undefined),
};

const PACKAGES = [
  new URL("../fixtures/installer/demo-x64.msi", import.meta.url), // ALLUSERS=1
  new URL("../fixtures/installer/demo-x86.msi", import.meta.url),
  // ALLUSERS=2 + MSIINSTALLPERUSER=1, built by contracts/scripts/make-test-msis.sh.
  new URL("../../../contracts/test/fixtures/msi/dual-purpose.msi", import.meta.url),
];

describe("msiexec install context vs MsiInfo", () => {
  for (const url of PACKAGES) {
    const name = url.pathname.split("/").at(-1) ?? "";
    it(`${name}: a plain msiexec /i installs where MsiInfo says`, async () => {
      const db = await readMsiDatabase(readFileSync(url));
      const info = msiInfoFromDatabase(db);
      const plan = planInstall(db, new Map(), ENV);
      expect(plan.perMachine).toBe(info.MsiIsMachineInstall);
      expect(!plan.perMachine).toBe(info.MsiIsUserInstall);
    });
  }

  it("a dual-purpose package resolved per user gets per-user folders and ALLUSERS reset to empty", async () => {
    const db = await readMsiDatabase(readFileSync(PACKAGES[2] ?? ""));
    const plan = planInstall(db, new Map(), ENV);
    expect(plan.perMachine).toBe(false);
    expect(plan.properties.get("ALLUSERS")).toBe("");
    expect(plan.properties.get("ProgramFilesFolder")).toBe("C:\\Users\\alex\\AppData\\Local\\Programs\\");
    const machine = planInstall(db, new Map([["MSIINSTALLPERUSER", ""]]), ENV);
    expect(machine.perMachine).toBe(true);
    expect(machine.properties.get("ALLUSERS")).toBe("1");
  });
});
