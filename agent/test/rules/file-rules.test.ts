import { readFileSync } from "node:fs";
import {
  Applicability,
  DetectionType,
  FileDetectionSubType,
  ImeErrorCode,
  Operator,
} from "@imesim/contracts/enums";
import type { FileDetectionRule } from "@imesim/contracts/ime";
import { describe, expect, it } from "vitest";
import type { Device } from "../../src/host/index.ts";
import { evaluateDetection, evaluateRequirements } from "../../src/rules/index.ts";
import { context, device, NO_REQUIREMENTS, NOW } from "./helpers.ts";
import { operatorRows } from "./matrix.ts";

const PE_X64 = readFileSync(new URL("../fixtures/pe/version-x64.dll", import.meta.url));
const PE_X86 = readFileSync(new URL("../fixtures/pe/version-x86.dll", import.meta.url));
const MB = 1024 * 1024;
const CREATED = NOW - 86_400_000;

/**
 * A device with the same app in Program Files (64-bit: a real PE with version 1.2.3.4, 5 MB of data) and in
 * Program Files (x86) (a real 32-bit PE, plus a 3 MB file), created a day before NOW and modified at NOW.
 */
function prepared(): Device {
  let now = CREATED;
  const host = device({}, { now: () => now });
  const { fs } = host;
  fs.writeFile("C:\\Program Files\\Contoso\\contoso.dll", PE_X64);
  fs.writeFile("C:\\Program Files\\Contoso\\data.bin", new Uint8Array(5 * MB + 10));
  fs.writeFile("C:\\Program Files (x86)\\Contoso\\contoso.dll", PE_X86, { version: "0.9.8.7" });
  fs.writeFile("C:\\Program Files (x86)\\Contoso\\data.bin", new Uint8Array(3 * MB));
  // Rewritten a day later: created stays, modified moves to NOW.
  now = NOW;
  fs.writeFile("C:\\Program Files\\Contoso\\data.bin", new Uint8Array(5 * MB + 10));
  fs.writeFile("C:\\Program Files (x86)\\Contoso\\data.bin", new Uint8Array(3 * MB));
  return host;
}

function rule(
  subType: number,
  operator: number,
  name: string,
  value: string | null,
  check32BitOn64System: boolean,
  path = "%ProgramFiles%\\Contoso",
): FileDetectionRule {
  return {
    DetectionType: DetectionType.FileSystem,
    DetectionText: {
      Path: path,
      FileOrFolderName: name,
      Check32BitOn64System: check32BitOn64System,
      DetectionType: subType as FileDetectionRule["DetectionText"]["DetectionType"],
      Operator: operator as FileDetectionRule["DetectionText"]["Operator"],
      DetectionValue: value,
    },
  };
}

const detected = (host: Device, r: FileDetectionRule): boolean =>
  evaluateDetection([r], context(host)).state === "Detected";

describe.each([
  { view: "64-bit paths", check32: false, version: ["1.2.3.3", "1.2.3.4", "1.2.10.0"], sizeMB: 5 },
  {
    view: "32-bit paths (%ProgramFiles% → Program Files (x86))",
    check32: true,
    version: ["0.9.8", "0.9.8.7", "0.10"],
    sizeMB: 3,
  },
])("file detection with $view", ({ check32, version, sizeMB }) => {
  const host = prepared();

  it.each(operatorRows(version[0]!, version[1]!, version[2]!))(
    "version %s (%i) against %s → %s",
    (_n, operator, value, expected) => {
      expect(
        detected(host, rule(FileDetectionSubType.Version, operator, "contoso.dll", value, check32)),
      ).toBe(expected);
    },
  );

  it.each(operatorRows(String(sizeMB - 1), String(sizeMB), String(sizeMB + 1)))(
    "size in whole MB %s (%i) against %s → %s",
    (_n, operator, value, expected) => {
      expect(detected(host, rule(FileDetectionSubType.SizeInMB, operator, "data.bin", value, check32))).toBe(
        expected,
      );
    },
  );

  it.each(operatorRows("2026-11-24T11:59:59Z", "2026-11-24T12:00:00.000Z", "2026-11-24T12:00:01Z"))(
    "date modified (UTC) %s (%i) against %s → %s",
    (_n, operator, value, expected) => {
      expect(
        detected(host, rule(FileDetectionSubType.DateModified, operator, "data.bin", value, check32)),
      ).toBe(expected);
    },
  );

  it.each(operatorRows("2026-11-23T11:59:59", "2026-11-23T12:00:00", "2026-11-24"))(
    "date created (no zone = UTC) %s (%i) against %s → %s",
    (_n, operator, value, expected) => {
      expect(
        detected(host, rule(FileDetectionSubType.DateCreated, operator, "data.bin", value, check32)),
      ).toBe(expected);
    },
  );

  it("exists, for files and folders, case-insensitively", () => {
    expect(
      detected(host, rule(FileDetectionSubType.Exists, Operator.NotConfigured, "CONTOSO.DLL", null, check32)),
    ).toBe(true);
    expect(
      detected(
        host,
        rule(FileDetectionSubType.Exists, Operator.NotConfigured, "Contoso", null, check32, "%ProgramFiles%"),
      ),
    ).toBe(true);
    expect(
      detected(host, rule(FileDetectionSubType.Exists, Operator.NotConfigured, "missing.dll", null, check32)),
    ).toBe(false);
  });
});

describe("file detection specifics", () => {
  it("writes the IME's lines for found and missing paths and for versions", () => {
    const host = prepared();
    const found = evaluateDetection(
      [
        rule(
          FileDetectionSubType.Exists,
          Operator.NotConfigured,
          "contoso.dll",
          null,
          false,
          "C:\\Program Files\\Contoso",
        ),
      ],
      context(host),
    );
    expect(found.lines).toEqual([
      "[Win32App] DetectionType 2",
      "[Win32App] Checked filePath: C:\\Program Files\\Contoso\\contoso.dll, Exists: True, applicationDetected: True",
      "[Win32App] Completed detectionManager SideCarFileDetectionManager, applicationDetectedByCurrentRule: True",
    ]);
    const missing = evaluateDetection(
      [
        rule(
          FileDetectionSubType.Exists,
          Operator.NotConfigured,
          "bar",
          null,
          false,
          "C:\\Program Files\\Foo",
        ),
      ],
      context(host),
    );
    expect(missing.lines[1]).toBe(
      "[Win32App] Path doesn't exists: C:\\Program Files\\Foo\\bar applicationDetected: False",
    );
    const version = evaluateDetection(
      [rule(FileDetectionSubType.Version, Operator.LessThan, "contoso.dll", "9.0", false)],
      context(host),
    );
    expect(version.lines[1]).toBe(
      "[Win32App] LessThan: actualVersion: 1.2.3.4, detectionVersion: 9.0, applicationDetected: True",
    );
    expect(version.detectedVersion).toBe("1.2.3.4");
  });

  it("reads the real PE version resource of a 32-bit DLL too", () => {
    const host = device();
    host.fs.writeFile("C:\\Program Files (x86)\\Contoso\\real32.dll", PE_X86);
    const r = rule(FileDetectionSubType.Version, Operator.Equal, "real32.dll", "1.2.3.4", true);
    expect(evaluateDetection([r], context(host)).state).toBe("Detected");
  });

  it("reports 0x87D30004 for 'does not exist' used as a detection rule (ime.md §7.2)", () => {
    const host = prepared();
    const outcome = evaluateDetection(
      [rule(FileDetectionSubType.DoesNotExist, Operator.NotConfigured, "missing.dll", null, false)],
      context(host),
    );
    expect(outcome).toMatchObject({ state: "NotDetected", errorCode: ImeErrorCode.UnsupportedDetectionRule });
  });

  it("supports 'does not exist' as a requirement, failing with Applicability 1006", () => {
    const host = prepared();
    const requirement = (name: string) => ({
      Type: 2 as const,
      RequirementText: {
        Path: "%ProgramFiles%\\Contoso",
        FileOrFolderName: name,
        Check32BitOn64System: false,
        Type: FileDetectionSubType.DoesNotExist,
        Operator: Operator.NotConfigured,
        Value: null,
      },
    });
    expect(evaluateRequirements(NO_REQUIREMENTS, [requirement("old.exe")], context(host)).applicability).toBe(
      Applicability.Applicable,
    );
    expect(evaluateRequirements(NO_REQUIREMENTS, [requirement("contoso.dll")], context(host))).toMatchObject({
      applicability: Applicability.FileSystemRequirementRuleNotMet,
      applicabilityName: "FileSystemRequirementRuleNotMet",
    });
  });

  it("expands user folders for user-context apps", () => {
    const host = prepared();
    host.fs.writeFile("C:\\Users\\AdeleV\\AppData\\Local\\Contoso\\app.exe", "x");
    const r = rule(
      FileDetectionSubType.Exists,
      Operator.NotConfigured,
      "app.exe",
      null,
      false,
      "%LOCALAPPDATA%\\Contoso",
    );
    expect(evaluateDetection([r], context(host, { account: "user" })).state).toBe("Detected");
    expect(evaluateDetection([r], context(host)).state).toBe("NotDetected");
  });

  it("requires every rule to match (AND) and stops at the first that does not", () => {
    const host = prepared();
    const yes = rule(FileDetectionSubType.Exists, Operator.NotConfigured, "contoso.dll", null, false);
    const no = rule(FileDetectionSubType.Exists, Operator.NotConfigured, "missing.dll", null, false);
    expect(evaluateDetection([yes, yes], context(host)).state).toBe("Detected");
    const outcome = evaluateDetection([no, yes], context(host));
    expect(outcome.state).toBe("NotDetected");
    expect(outcome.lines.filter((l) => l.startsWith("[Win32App] DetectionType"))).toHaveLength(1);
    expect(evaluateDetection([], context(host)).state).toBe("NotDetected");
  });
});
