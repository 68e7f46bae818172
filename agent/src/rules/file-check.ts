// File and folder rules, shared by detection (DetectionType 2) and requirements (Type 2): ime.md §2.3, §7.2.
import { FileDetectionSubType } from "@imesim/contracts/enums";
import { joinWindowsPath } from "../host/index.ts";
import type { CheckResult, RuleContext } from "./context.ts";
import { compareNumbers, operatorName, parseInteger, parseUtcDate, satisfies } from "./operators.ts";
import { compareVersionText } from "./version.ts";

const MB = 1024 * 1024;

/** A file rule's fields, whichever member names the policy used for them. */
export interface FileCheck {
  readonly path: string;
  readonly fileOrFolderName: string;
  readonly check32BitOn64System: boolean;
  readonly subType: number;
  readonly operator: number;
  readonly value: string | null;
}

/** A file check's outcome, plus the file version it read (reported as the detected version). */
export interface FileCheckResult extends CheckResult {
  readonly version?: string;
}

const bool = (value: boolean): string => (value ? "True" : "False");

/**
 * Evaluates a file/folder rule; `resultWord` is `applicationDetected` or `requirementMet` for the log lines.
 * The exists, missing-path and version lines are the IME's (ime.md §1.3.4); the date and size lines follow
 * the version line's shape [I], as no real ones are known.
 */
export function checkFile(check: FileCheck, context: RuleContext, resultWord: string): FileCheckResult {
  // Check32BitOn64System picks the 32-bit process's variables (%ProgramFiles% → Program Files (x86)), ime.md §7.2.
  const folder = context.host.expandEnvironment(check.path, {
    account: context.account,
    userSid: context.userSid,
    bitness: check.check32BitOn64System ? 32 : 64,
  });
  const fullPath = joinWindowsPath(folder, check.fileOrFolderName);
  let stat: ReturnType<typeof context.host.fs.stat>;
  try {
    stat = context.host.fs.stat(fullPath);
  } catch {
    // A path Windows cannot parse is simply not there for File.Exists.
    stat = undefined;
  }
  const missing = (): FileCheckResult => ({
    met: false,
    lines: [`[Win32App] Path doesn't exists: ${fullPath} ${resultWord}: False`],
  });

  switch (check.subType) {
    case FileDetectionSubType.Exists:
      if (stat === undefined) return missing();
      return {
        met: true,
        lines: [`[Win32App] Checked filePath: ${fullPath}, Exists: True, ${resultWord}: True`],
      };
    case FileDetectionSubType.DoesNotExist: {
      const met = stat === undefined;
      return {
        met,
        lines: [
          `[Win32App] Checked filePath: ${fullPath}, Exists: ${bool(!met)}, ${resultWord}: ${bool(met)}`,
        ],
      };
    }
    case FileDetectionSubType.DateModified:
    case FileDetectionSubType.DateCreated: {
      if (stat === undefined) return missing();
      const actual = check.subType === FileDetectionSubType.DateModified ? stat.modifiedMs : stat.createdMs;
      const expected = check.value === null ? undefined : parseUtcDate(check.value);
      const met = expected !== undefined && satisfies(check.operator, compareNumbers(actual, expected));
      const word = check.subType === FileDetectionSubType.DateModified ? "modifiedDate" : "createdDate";
      return {
        met,
        lines: [
          `[Win32App] ${operatorName(check.operator)}: actual ${word}: ${new Date(actual).toISOString()}, detection ${word}: ${check.value ?? ""}, ${resultWord}: ${bool(met)}`,
        ],
      };
    }
    case FileDetectionSubType.Version: {
      if (stat === undefined) return missing();
      const version = stat.kind === "file" ? context.host.fs.fileVersion(fullPath) : undefined;
      const met =
        version !== undefined &&
        check.value !== null &&
        satisfies(check.operator, compareVersionText(version, check.value));
      return {
        met,
        version,
        lines: [
          `[Win32App] ${operatorName(check.operator)}: actualVersion: ${version ?? ""}, detectionVersion: ${check.value ?? ""}, ${resultWord}: ${bool(met)}`,
        ],
      };
    }
    case FileDetectionSubType.SizeInMB: {
      if (stat === undefined) return missing();
      // Whole megabytes, rounded down (ime.md §7.2); a folder has no size of its own.
      const actual = stat.kind === "file" ? BigInt(Math.floor(stat.size / MB)) : undefined;
      const expected = check.value === null ? undefined : parseInteger(check.value);
      const met =
        actual !== undefined &&
        expected !== undefined &&
        satisfies(check.operator, compareNumbers(actual, expected));
      return {
        met,
        lines: [
          `[Win32App] ${operatorName(check.operator)}: actual sizeInMB: ${actual ?? ""}, detection sizeInMB: ${check.value ?? ""}, ${resultWord}: ${bool(met)}`,
        ],
      };
    }
    default:
      return {
        met: false,
        lines: [
          `[Win32App] Unsupported file detection type ${check.subType} for ${fullPath}, ${resultWord}: False`,
        ],
      };
  }
}
