// MsiInfo as IntuneWinAppUtil 1.8.x computes it (intunewin.md §1.2 "How IntuneWinAppUtil 1.8.x derives each
// MsiInfo value"): one wixl-built package per rule (contracts/scripts/make-test-msis.sh), plus the full lists of
// the rules checked on small in-memory databases.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { MsiInfo } from "../../src/intunewin/detection-xml.ts";
import { packFolder, readPackage } from "../../src/intunewin/index.ts";
import {
  type MsiDatabase,
  type MsiRow,
  msiInfoFromDatabase,
  msiPackageName,
  readMsiDatabase,
  readMsiInfo,
} from "../../src/msi/index.ts";
import { tempFolder, writeTree } from "../intunewin/helpers.ts";

const MSI = (name: string) => join(import.meta.dirname, "../fixtures/msi", `${name}.msi`);

/** A database holding only the given tables (rows), as the reader would return it. */
function databaseOf(tables: Record<string, MsiRow[]>, summary: MsiDatabase["summary"] = {}): MsiDatabase {
  const map = new Map(Object.entries(tables).map(([name, rows]) => [name, { name, columns: [], rows }]));
  return {
    codepage: 1252,
    tables: map,
    summary,
    streams: new Map(),
    rows: (name) => map.get(name)?.rows ?? [],
  };
}
const propertiesOf = (values: Record<string, string>): MsiRow[] =>
  Object.entries(values).map(([Property, Value]) => ({ Property, Value }));
const infoOf = (tables: Record<string, MsiRow[]>): MsiInfo =>
  msiInfoFromDatabase(databaseOf({ Property: propertiesOf({ ALLUSERS: "1" }), ...tables }));

describe("MsiInfo of the wixl-built rule packages", () => {
  it("registry roots: HKCR never counts, HKU always, Root -1 only outside a user install, RemoveRegistry too", async () => {
    expect((await readMsiInfo(MSI("rule-hkcr-only"))).MsiContainsSystemRegistryKeys).toBe(false);
    expect(await readMsiInfo(MSI("rule-hku"))).toMatchObject({
      MsiIsUserInstall: true,
      MsiContainsSystemRegistryKeys: true,
    });
    expect(await readMsiInfo(MSI("rule-hkmu-machine"))).toMatchObject({
      MsiIsMachineInstall: true,
      MsiContainsSystemRegistryKeys: true,
    });
    expect(await readMsiInfo(MSI("rule-hkmu-user"))).toMatchObject({
      MsiIsUserInstall: true,
      MsiContainsSystemRegistryKeys: false,
    });
    const removing = await readMsiDatabase(MSI("rule-remove-registry"));
    expect(removing.rows("Registry").map((row) => row.Root)).toEqual([1]);
    expect(removing.rows("RemoveRegistry").map((row) => row.Root)).toEqual([2]);
    expect(msiInfoFromDatabase(removing).MsiContainsSystemRegistryKeys).toBe(true);
  });

  it("system folders: CommonAppDataFolder counts, Program Files and LocalAppData do not", async () => {
    expect((await readMsiInfo(MSI("rule-common-app-data"))).MsiContainsSystemFolders).toBe(true);
    expect((await readMsiInfo(MSI("rule-hkcr-only"))).MsiContainsSystemFolders).toBe(false);
    expect((await readMsiInfo(MSI("rule-hku"))).MsiContainsSystemFolders).toBe(false);
  });

  it("REBOOT=force in lower case is no required reboot (the tool compares the F case-sensitively)", async () => {
    expect((await readMsiInfo(MSI("rule-reboot-lower"))).MsiRequiresReboot).toBe(false);
    expect((await readMsiInfo(MSI("machine-service"))).MsiRequiresReboot).toBe(true); // REBOOT=Force
  });

  it("ALLUSERS: 2 alone is a machine install, 2 with any MSIINSTALLPERUSER value a user install", async () => {
    const dual = {
      MsiExecutionContext: "Any",
      MsiRequiresLogon: false,
    } as const;
    expect(await readMsiInfo(MSI("rule-allusers-2"))).toMatchObject({
      ...dual,
      MsiIsMachineInstall: true,
      MsiIsUserInstall: false,
    });
    // MSIINSTALLPERUSER=0 is not empty, so the tool says user install (Windows Installer would go per machine).
    expect(await readMsiInfo(MSI("rule-allusers-2-peruser-0"))).toMatchObject({
      ...dual,
      MsiIsMachineInstall: false,
      MsiIsUserInstall: true,
    });
    expect(await readMsiInfo(MSI("per-user"))).toMatchObject({
      MsiExecutionContext: "User",
      MsiRequiresLogon: true,
      MsiIsUserInstall: true,
    });
  });

  it("an invalid ALLUSERS value is MSI_ALLUSERS_INVALID, as the tool refuses it", async () => {
    await expect(readMsiInfo(MSI("rule-allusers-invalid"))).rejects.toMatchObject({
      code: "MSI_ALLUSERS_INVALID",
      message: expect.stringMatching(
        /^Invalid ALLUSERS property value: 3 \(in .*rule-allusers-invalid\.msi;/,
      ),
    });
  });

  it("MsiIncludesServices / ODBCDataSource are true only for a table that exists with no rows", async () => {
    expect(await readMsiInfo(MSI("rule-tables-empty"))).toMatchObject({
      MsiIncludesServices: true,
      MsiIncludesODBCDataSource: true,
    });
    const withRows = await readMsiDatabase(MSI("rule-tables-with-rows"));
    expect(withRows.tables.has("ServiceInstall")).toBe(false);
    expect(withRows.rows("ODBCDataSource")).toHaveLength(1);
    expect(msiInfoFromDatabase(withRows)).toMatchObject({
      MsiIncludesServices: false,
      MsiIncludesODBCDataSource: false,
    });
    // Rows in ServiceInstall: false too (AESetup.msi installs two services and the tool says false).
    expect((await readMsiInfo(MSI("machine-service"))).MsiIncludesServices).toBe(false);
  });

  it("Name, MsiPublisher and MsiPackageCode fall back to the summary; a PackageCode property wins", async () => {
    const db = await readMsiDatabase(MSI("rule-summary-fallbacks"));
    expect(msiPackageName(db)).toBe("Subject Of Summary");
    expect(msiInfoFromDatabase(db)).toMatchObject({
      MsiPublisher: "Author Of Summary",
      MsiPackageCode: "{DDDDDDDD-1111-2222-3333-444444444444}",
      MsiProductVersion: "1.0.13",
    });
    const plain = await readMsiDatabase(MSI("rule-hkcr-only"));
    expect(msiInfoFromDatabase(plain).MsiPackageCode).toBe(plain.summary.revisionNumber);
  });
});

describe("MsiInfo rules on in-memory tables", () => {
  it("counts exactly the tool's nine system folders, in any letter case", () => {
    const folders = [
      "AdminToolsFolder",
      "CommonAppDataFolder",
      "FontsFolder",
      "System16Folder",
      "System64Folder",
      "SystemFolder",
      "TempFolder",
      "windowsfolder",
      "WINDOWSVOLUME",
    ];
    for (const Directory of folders)
      expect(infoOf({ Directory: [{ Directory }] }).MsiContainsSystemFolders, Directory).toBe(true);
    for (const Directory of [
      "ProgramFilesFolder",
      "ProgramFiles64Folder",
      "LocalAppDataFolder",
      "DesktopFolder",
    ])
      expect(infoOf({ Directory: [{ Directory }] }).MsiContainsSystemFolders, Directory).toBe(false);
  });

  it("REBOOT counts when its first character is an upper-case F", () => {
    const reboot = (value: string) =>
      msiInfoFromDatabase(databaseOf({ Property: propertiesOf({ REBOOT: value }) })).MsiRequiresReboot;
    expect([reboot("Force"), reboot("FORCE"), reboot("F"), reboot("  Force")]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([reboot("force"), reboot("ReallySuppress"), reboot("")]).toEqual([false, false, false]);
  });

  it("property values are trimmed before the rules see them", () => {
    const info = msiInfoFromDatabase(
      databaseOf({
        Property: propertiesOf({ ALLUSERS: " 1 ", Manufacturer: " Contoso ", ProductCode: "{X} " }),
      }),
    );
    expect(info).toMatchObject({
      MsiExecutionContext: "System",
      MsiPublisher: "Contoso",
      MsiProductCode: "{X}",
    });
  });

  it("Name falls back from ProductName to the summary Subject, then to nothing (the caller uses the file name)", () => {
    expect(
      msiPackageName(databaseOf({ Property: propertiesOf({ ProductName: "P" }) }, { subject: "S" })),
    ).toBe("P");
    expect(msiPackageName(databaseOf({}, { subject: " S " }))).toBe("S");
    expect(msiPackageName(databaseOf({}))).toBeUndefined();
  });
});

describe("pack with the tool's MsiInfo rules", () => {
  it("refuses an .msi with an invalid ALLUSERS value and leaves no package", async () => {
    const temp = tempFolder();
    try {
      const source = join(temp.path, "src");
      const output = join(temp.path, "out");
      writeTree(source, { "Bad.msi": readFileSync(MSI("rule-allusers-invalid")) });
      await expect(
        packFolder({ sourceFolder: source, setupFile: "Bad.msi", outputFolder: output, overwrite: true }),
      ).rejects.toMatchObject({ code: "MSI_ALLUSERS_INVALID" });
      expect(existsSync(output) ? readdirSync(output) : []).toEqual([]);
    } finally {
      temp.cleanup();
    }
  });

  it("names the package after the summary Subject when the MSI has no ProductName", async () => {
    const temp = tempFolder();
    try {
      const source = join(temp.path, "src");
      writeTree(source, { "Fallback.msi": readFileSync(MSI("rule-summary-fallbacks")) });
      const packed = await packFolder({
        sourceFolder: source,
        setupFile: "Fallback.msi",
        outputFolder: join(temp.path, "out"),
        overwrite: true,
      });
      const pkg = await readPackage(packed.outputPath);
      expect(pkg.detection.Name).toBe("Subject Of Summary");
      expect(pkg.detection.MsiInfo?.MsiPublisher).toBe("Author Of Summary");
      await pkg.close();
    } finally {
      temp.cleanup();
    }
  });
});
