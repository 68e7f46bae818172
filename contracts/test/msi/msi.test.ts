import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import { packFolder, readPackage } from "../../src/intunewin/index.ts";
import { decodeStreamName, installContextOf, readMsiDatabase, readMsiInfo } from "../../src/msi/index.ts";
import { tempFolder, writeTree } from "../intunewin/helpers.ts";

// Built by contracts/scripts/make-test-msis.sh from the .wxs sources beside it; expectations follow those sources.
const MSI = (name: string) => join(import.meta.dirname, "../fixtures/msi", name);

describe("MSI database reader", () => {
  it("decodes mangled stream names (windows-formats.md §1.2 examples)", () => {
    const units = (hex: number[]) => String.fromCharCode(...hex);
    expect(decodeStreamName(units([0x4840, 0x3f3f, 0x4577, 0x446c, 0x3e6a, 0x44b2, 0x482f]))).toEqual({
      name: "_StringPool",
      isTable: true,
    });
    expect(decodeStreamName(units([0x4840, 0x430f, 0x422f]))).toEqual({ name: "File", isTable: true });
    expect(decodeStreamName(units([0x4127, 0x4137, 0x41be, 0x4164]))).toEqual({
      name: "data.cab",
      isTable: false,
    });
    expect(decodeStreamName(units([0x4824, 0x002d, 0x4825]))).toEqual({ name: "a-b", isTable: false });
  });

  it("reads Property, Directory, Component, File, Registry, ServiceInstall and summary information", async () => {
    const db = await readMsiDatabase(MSI("machine-service.msi"));
    const properties = Object.fromEntries(db.rows("Property").map((row) => [row.Property, row.Value]));
    expect(properties).toMatchObject({
      ALLUSERS: "1",
      REBOOT: "Force",
      ProductCode: "{12345678-ABCD-EF01-2345-6789ABCDEF01}",
      ProductName: "Demo App",
      ProductVersion: "1.2.3",
      Manufacturer: "Contoso",
      UpgradeCode: "{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}",
    });
    expect(db.rows("Directory").find((row) => row.Directory === "INSTALLDIR")).toEqual({
      Directory: "INSTALLDIR",
      Directory_Parent: "ProgramFiles64Folder",
      DefaultDir: expect.stringMatching(/Demo App$/),
    });
    expect(db.rows("Component").find((row) => row.Component === "C1")).toMatchObject({
      Directory_: "INSTALLDIR",
      Attributes: 256,
      KeyPath: "app.txt",
    });
    expect(
      db
        .rows("File")
        .map((row) => row.File)
        .sort(),
    ).toEqual(["app.txt", "demosvc.exe"]);
    expect(db.rows("Registry").find((row) => row.Name === "Answer")).toMatchObject({
      Root: 2,
      Key: "Software\\Contoso\\Demo",
      Value: "#42",
    });
    expect(db.rows("ServiceInstall")).toEqual([
      expect.objectContaining({ Name: "DemoSvc", ServiceType: 16, StartType: 2, ErrorControl: 1 }),
    ]);
    expect(db.summary.template).toBe("x64;1033");
    expect(db.summary.revisionNumber).toMatch(/^\{[0-9A-F-]{36}\}$/);
    expect(db.summary.pageCount).toBe(200);
    expect(db.tables.get("File")?.columns.map((column) => column.name)).toEqual([
      "File",
      "Component_",
      "FileName",
      "FileSize",
      "Version",
      "Language",
      "Attributes",
      "Sequence",
    ]);
  });

  it("derives MsiInfo from each package's own tables", async () => {
    const machine = await readMsiInfo(MSI("machine-service.msi"));
    expect(machine).toMatchObject({
      MsiProductCode: "{12345678-ABCD-EF01-2345-6789ABCDEF01}",
      MsiExecutionContext: "System",
      MsiIsMachineInstall: true,
      MsiIsUserInstall: false,
      MsiRequiresReboot: true,
      // intunewin.md §1.2: the tool reports services only for an empty ServiceInstall table; this one has a row.
      MsiIncludesServices: false,
      MsiContainsSystemRegistryKeys: true,
      MsiContainsSystemFolders: true,
      MsiPublisher: "Contoso",
    });
    const user = await readMsiInfo(MSI("per-user.msi"));
    expect(user).toMatchObject({
      MsiExecutionContext: "User",
      MsiIsMachineInstall: false,
      MsiIsUserInstall: true,
      MsiRequiresReboot: false,
      // wixl writes an empty ServiceInstall table, which the tool's inverted test reports as services.
      MsiIncludesServices: true,
      MsiContainsSystemRegistryKeys: false,
      MsiContainsSystemFolders: false,
      MsiPublisher: "Fabrikam & Sons",
    });
    // ALLUSERS=2 + MSIINSTALLPERUSER=1: dual-purpose, and a plain install goes per user (windows-formats.md §5.4).
    const dual = await readMsiInfo(MSI("dual-purpose.msi"));
    expect(dual).toMatchObject({
      MsiExecutionContext: "Any",
      MsiRequiresLogon: false,
      MsiIsMachineInstall: false,
      MsiIsUserInstall: true,
      MsiProductVersion: "7.8.9",
    });
  });

  it("decides per-machine or per-user from ALLUSERS and MSIINSTALLPERUSER by the Windows 7+ rules", () => {
    const context = (entries: Array<[string, string]>) => installContextOf(new Map(entries));
    expect(context([])).toEqual({ executionContext: "User", perMachine: false, singlePackagePerUser: false });
    expect(context([["ALLUSERS", ""]])).toEqual(context([]));
    expect(context([["MSIINSTALLPERUSER", "1"]])).toEqual(context([])); // ignored unless ALLUSERS=2
    expect(context([["ALLUSERS", "1"]])).toEqual({
      executionContext: "System",
      perMachine: true,
      singlePackagePerUser: false,
    });
    expect(
      context([
        ["ALLUSERS", "1"],
        ["MSIINSTALLPERUSER", "1"],
      ]).perMachine,
    ).toBe(true);
    expect(context([["ALLUSERS", "2"]])).toEqual({
      executionContext: "Any",
      perMachine: true,
      singlePackagePerUser: false,
    });
    expect(
      context([
        ["ALLUSERS", "2"],
        ["MSIINSTALLPERUSER", ""],
      ]).perMachine,
    ).toBe(true);
    expect(
      context([
        ["ALLUSERS", "2"],
        ["MSIINSTALLPERUSER", "1"],
      ]),
    ).toEqual({ executionContext: "Any", perMachine: false, singlePackagePerUser: true });
  });

  it("packs an .msi setup file with the MsiInfo its tables say", async () => {
    const temp = tempFolder();
    try {
      const source = join(temp.path, "src");
      writeTree(source, { "DemoApp.msi": readFileSync(MSI("machine-service.msi")) });
      const packed = await packFolder({
        sourceFolder: source,
        setupFile: "DemoApp.msi",
        outputFolder: join(temp.path, "out"),
        overwrite: true,
      });
      const pkg = await readPackage(packed.outputPath);
      expect(pkg.detection.Name).toBe("Demo App");
      expect(pkg.detection.MsiInfo).toEqual(await readMsiInfo(MSI("machine-service.msi")));
      expect(pkg.detectionXml.toString("utf8")).toMatch(
        /<\/EncryptionInfo>\r\n {2}<MsiInfo>\r\n {4}<MsiProductCode>/,
      );
      await pkg.close();
    } finally {
      temp.cleanup();
    }
  });

  it("fails with a typed error on damaged files", async () => {
    const bytes = readFileSync(MSI("per-user.msi"));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 16,
        }),
        async (edits) => {
          const copy = Buffer.from(bytes);
          for (const [at, value] of edits) copy[at] = value;
          try {
            await readMsiDatabase(copy);
          } catch (error) {
            if (!isImesimError(error)) throw error;
          }
        },
      ),
      { numRuns: 150 },
    );
    await expect(readMsiDatabase(Buffer.from("not an msi"))).rejects.toMatchObject({ code: "MSI_INVALID" });
  });
});
