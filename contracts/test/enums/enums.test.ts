import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Applicability,
  allowedArchitectures,
  architectureFlags,
  CheckinReason,
  EnforcementBand,
  EnforcementState,
  enforcementBand,
  formatAllowedArchitectures,
  formatHex,
  formatHexBare,
  graphInstallStateOf,
  hresultFromWin32,
  ImeErrorCode,
  nameOf,
  Operator,
  ResultantAppState,
  ReturnCodeType,
  resultantAppStateOf,
  toSigned32,
  toUnsigned32,
} from "../../src/enums/index.ts";

describe("hresultFromWin32 (ime.md §5.1)", () => {
  it.each([
    [1603, 0x80070643, -2147023293],
    [3221225794, 0x80070142, -2147024574],
    [5, 0x80070005, -2147024891],
    [-1073741502, 0x80070142, -2147024574],
    [0, 0, 0],
  ])("%i → %s", (exitCode, unsigned, signed) => {
    expect(hresultFromWin32(exitCode)).toBe(unsigned);
    expect(toSigned32(hresultFromWin32(exitCode))).toBe(signed);
  });

  it("always lands in the FACILITY_WIN32 failure range for positive codes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffffffff }), (code) => {
        expect(hresultFromWin32(code)).toBe(hresultFromWin32(code | 0));
        expect(hresultFromWin32(code) >>> 16).toBe(0x8007);
        expect(hresultFromWin32(code) & 0xffff).toBe(code & 0xffff);
      }),
    );
  });
});

describe("hex formatting as the logs show codes", () => {
  it("formats signed and unsigned readings alike", () => {
    expect(formatHex(0x87d1041c)).toBe("0x87D1041C");
    expect(formatHex(-2016345060)).toBe("0x87D1041C");
    expect(formatHex(5)).toBe("0x00000005");
    expect(formatHexBare(ImeErrorCode.AccessDenied)).toBe("80070005");
  });

  it("converts between signed and unsigned without loss", () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), (signed) => {
        expect(toSigned32(toUnsigned32(signed))).toBe(signed);
      }),
    );
  });
});

describe("enum tables", () => {
  it("keep the real numbers and look names up", () => {
    expect(nameOf(EnforcementState, 2009)).toBe("InProgressDownloadCompleted");
    expect(nameOf(EnforcementState, 5999)).toBe("ErrorWithImmediateRetry");
    expect(nameOf(Applicability, 1008)).toBe("ScriptRequirementRuleNotMet");
    expect(nameOf(ReturnCodeType, 3)).toBe("HardReboot");
    expect(nameOf(CheckinReason, 2)).toBe("MaintenanceTimer");
    expect(nameOf(Operator, 3)).toBeUndefined();
    expect(ImeErrorCode.AppNotDetectedAfterInstall | 0).toBe(-2016345060);
  });

  it("applicability covers 1000–1012 in order", () => {
    const requirementCodes = Object.values(Applicability).filter((code) => code >= 1000);
    expect(requirementCodes).toEqual([
      1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012,
    ]);
  });

  it("every enforcement state sits in the band its thousands digit names", () => {
    for (const [name, code] of Object.entries(EnforcementState)) {
      const band = enforcementBand(code);
      const expected = name.startsWith("Success")
        ? EnforcementBand.Success
        : name.startsWith("InProgress")
          ? EnforcementBand.InProgress
          : name.startsWith("Error")
            ? EnforcementBand.Error
            : name.startsWith("NotAttempted")
              ? EnforcementBand.NotAttempted
              : name === "RequirementsNotMet"
                ? EnforcementBand.RequirementsNotMet
                : EnforcementBand.Unknown;
      expect([name, band]).toEqual([name, expected]);
    }
    expect(enforcementBand(999)).toBeUndefined();
  });
});

describe("architectures (ime.md §2.4)", () => {
  it.each([
    [32, ["x64"], "X64"],
    [96, ["x64", "x86"], "X64, X86"],
    [64, ["x86"], "X86"],
    [16, ["arm64"], "Arm64"],
    [1, ["x86"], "X86"],
    [2, ["x64"], "X64"],
    [3, ["x86", "x64"], "X86, X64"],
    [null, ["x86", "x64", "arm64"], "X86, X64, Arm64"],
  ] as const)("RequiredOSArchitecture %s allows %j", (value, allowed, words) => {
    expect(allowedArchitectures(value)).toEqual(allowed);
    expect(formatAllowedArchitectures(value)).toBe(words);
  });

  it("flags round-trip through the allowed set", () => {
    fc.assert(
      fc.property(fc.subarray(["x86", "x64", "arm64"] as const, { minLength: 1 }), (set) => {
        expect(new Set(allowedArchitectures(architectureFlags(set)))).toEqual(new Set(set));
      }),
    );
  });
});

describe("ResultantAppState ↔ Graph installState (graph-win32.md §4.1)", () => {
  it.each([
    [-1, "notApplicable"],
    [1, "installed"],
    [2, "failed"],
    [3, "notInstalled"],
    [4, "uninstallFailed"],
    [5, "pendingInstall"],
    [99, "unknown"],
  ] as const)("%i is %s, both ways", (number, word) => {
    expect(graphInstallStateOf(number)).toBe(word);
    expect(resultantAppStateOf(word)).toBe(number);
  });

  it("names an unnamed number unknown and knows no other word", () => {
    expect(graphInstallStateOf(0)).toBe("unknown");
    expect(resultantAppStateOf("Installed")).toBeUndefined();
    expect(resultantAppStateOf("installing")).toBeUndefined();
    expect(resultantAppStateOf("constructor")).toBeUndefined();
    expect(resultantAppStateOf("")).toBeUndefined();
    for (const number of Object.values(ResultantAppState))
      expect(resultantAppStateOf(graphInstallStateOf(number))).toBe(number);
  });
});
