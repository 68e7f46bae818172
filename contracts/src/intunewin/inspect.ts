import { isImesimError } from "../errors/index.ts";
import type { ContentEntry, ContentSink } from "./content-sink.ts";
import { type DetectionXml, KNOWN_TOOL_VERSIONS } from "./detection-xml.ts";
import { encryptedLengthFor } from "./encrypted-content.ts";
import { IntunewinErrorCode } from "./error-codes.ts";
import { type ExtractionLimits, extractContent } from "./extract-content.ts";
import { CONTENTS_FOLDER, DETECTION_XML_PATH, type IntunewinPackage, readPackage } from "./package-reader.ts";
import { ZIP_METHOD } from "./zip-format.ts";
import { parseExtraFields } from "./zip-reader.ts";

export type FindingSeverity = "error" | "warning" | "info";

/** One observation about a package, with a stable code. */
export interface Finding {
  code: string;
  severity: FindingSeverity;
  message: string;
}

/** Stable codes of findings that are not errors thrown by the readers (those keep their error code). */
export const FindingCode = {
  setupFileMissing: "INTUNEWIN_SETUP_FILE_NOT_IN_CONTENT",
  fileNameMismatch: "INTUNEWIN_FILENAME_MISMATCH",
  outerEntryCompressed: IntunewinErrorCode.outerEntryCompressed,
  unexpectedOuterEntries: "INTUNEWIN_UNEXPECTED_ENTRIES",
  outerEntryOrder: "INTUNEWIN_OUTER_ENTRY_ORDER",
  unknownToolVersion: "INTUNEWIN_UNKNOWN_TOOL_VERSION",
  notMicrosoftTool: "INTUNEWIN_NOT_MS_TOOL_LAYOUT",
  msiInfoMissing: "INTUNEWIN_MSI_INFO_MISSING",
  msiInfoUnexpected: "INTUNEWIN_MSI_INFO_UNEXPECTED",
  backslashEntryNames: "INTUNEWIN_BACKSLASH_ENTRY_NAMES",
  tooLarge: "INTUNEWIN_TOO_LARGE",
} as const;

/** Sizes of a package's layers. */
export interface PackageSizes {
  package: number;
  encrypted: number;
  unencrypted: number;
  /** Sum of the content's file sizes, when the content could be read. */
  expanded: number | undefined;
}

/** Everything inspectPackage found out about a package. */
export interface InspectResult {
  /** Undefined only when Detection.xml could not be read at all. */
  detection: DetectionXml | undefined;
  sizes: PackageSizes | undefined;
  entries: ContentEntry[];
  findings: Finding[];
  /** True when no finding has severity "error". */
  valid: boolean;
}

// Intune's limit for Win32 app content (intunewin.md §1.1, Zip64 note).
const INTUNE_MAX_BYTES = 30 * 1024 ** 3;
const PADDING_EXTRA_ID = 0xa220;

/** A sink that checks every byte (CRC, sizes) and keeps nothing. */
function discardingSink(): ContentSink {
  return {
    releasesChunks: true,
    directory() {},
    async file(_entry, data) {
      for await (const _ of data) {
        // verified by the reader; inspect keeps no bytes
      }
    },
    commit() {},
    abort() {},
  };
}

function structureFindings(pkg: IntunewinPackage): Finding[] {
  const findings: Finding[] = [];
  const { detection, entries } = pkg;
  for (const entry of [pkg.contentEntry, pkg.detectionEntry]) {
    if (entry.method !== ZIP_METHOD.stored) {
      findings.push({
        code: FindingCode.outerEntryCompressed,
        severity: "error",
        message: `outer entry ${entry.fileName} is compressed (method ${entry.method}); the Intune portal only reads Stored entries`,
      });
    }
  }
  if (entries.length !== 2) {
    findings.push({
      code: FindingCode.unexpectedOuterEntries,
      severity: "warning",
      message: `the package has ${entries.length} entries, Microsoft's tool writes exactly 2: ${entries.map((e) => e.fileName).join(", ")}`,
    });
  } else if (entries[0] !== pkg.contentEntry) {
    findings.push({
      code: FindingCode.outerEntryOrder,
      severity: "info",
      message: `Microsoft's tool writes ${CONTENTS_FOLDER}${detection.FileName} first, then ${DETECTION_XML_PATH}`,
    });
  }
  if (entries.some((entry) => entry.fileName.includes("\\"))) {
    findings.push({
      code: FindingCode.backslashEntryNames,
      severity: "warning",
      message: "outer entry names use '\\'; zip paths use '/'",
    });
  }
  const contentName = pkg.contentEntry.fileName.slice(CONTENTS_FOLDER.length);
  if (contentName !== detection.FileName) {
    findings.push({
      code: FindingCode.fileNameMismatch,
      severity: "warning",
      message: `FileName "${detection.FileName}" matches entry "${pkg.contentEntry.fileName}" only ignoring case`,
    });
  }
  if (!KNOWN_TOOL_VERSIONS.includes(detection.ToolVersion)) {
    findings.push({
      code: FindingCode.unknownToolVersion,
      severity: "warning",
      message: `ToolVersion "${detection.ToolVersion}" is not one IntuneWinAppUtil has shipped (${KNOWN_TOOL_VERSIONS.join(", ")})`,
    });
  }
  const fingerprint = parseExtraFields(pkg.contentLocalHeader.extra).some(
    (field) => field.id === PADDING_EXTRA_ID,
  );
  if (!fingerprint) {
    findings.push({
      code: FindingCode.notMicrosoftTool,
      severity: "info",
      message:
        "no 0xA220 padding field in the local headers: the package was not written by Microsoft's tool (or imesim)",
    });
  }
  const isMsi = detection.SetupFile.toLowerCase().endsWith(".msi");
  if (isMsi && detection.MsiInfo === undefined) {
    findings.push({
      code: FindingCode.msiInfoMissing,
      severity: "warning",
      message: "SetupFile is an .msi but Detection.xml has no MsiInfo",
    });
  }
  if (!isMsi && detection.MsiInfo !== undefined) {
    findings.push({
      code: FindingCode.msiInfoUnexpected,
      severity: "warning",
      message: "Detection.xml has MsiInfo but SetupFile is not an .msi",
    });
  }
  if (pkg.size > INTUNE_MAX_BYTES) {
    findings.push({
      code: FindingCode.tooLarge,
      severity: "error",
      message: `package is ${pkg.size} bytes, over Intune's 30 GB limit`,
    });
  }
  return findings;
}

function result(
  pkg: IntunewinPackage,
  findings: Finding[],
  entries: ContentEntry[],
  expanded: number | undefined,
): InspectResult {
  return {
    detection: pkg.detection,
    sizes: {
      package: pkg.size,
      encrypted: pkg.contentEntry.uncompressedSize,
      unencrypted: pkg.detection.UnencryptedContentSize,
      expanded,
    },
    entries,
    findings,
    valid: findings.every((finding) => finding.severity !== "error"),
  };
}

/**
 * Checks a package the way Intune and the IME would (intunewin.md §1.8) and reports everything found,
 * each with a stable code, instead of stopping at the first failure.
 */
export async function inspectPackage(
  input: string | Uint8Array,
  options: { limits?: Partial<ExtractionLimits>; onProgress?: (done: number, total: number) => void } = {},
): Promise<InspectResult> {
  let pkg: IntunewinPackage;
  try {
    pkg = await readPackage(input);
  } catch (error) {
    if (!isImesimError(error)) throw error;
    return {
      detection: undefined,
      sizes: undefined,
      entries: [],
      findings: [{ code: error.code, severity: "error", message: error.message }],
      valid: false,
    };
  }
  try {
    const findings = structureFindings(pkg);
    const { detection } = pkg;
    let entries: ContentEntry[] = [];
    let expanded: number | undefined;
    // A deflated content entry is inflated first; one that inflates past its bounds is a finding like any other.
    const content = await pkg.openContent().catch((error: unknown) => {
      if (!isImesimError(error)) throw error;
      findings.push({ code: error.code, severity: "error", message: error.message });
      return undefined;
    });
    try {
      if (content === undefined) return result(pkg, findings, [], undefined);
      const expectedLength = encryptedLengthFor(detection.UnencryptedContentSize);
      const summary = await extractContent(content, detection.EncryptionInfo, discardingSink(), {
        unencryptedContentSize: detection.UnencryptedContentSize,
        ...(options.limits === undefined ? {} : { limits: options.limits }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      }).catch((error: unknown) => {
        if (!isImesimError(error)) throw error;
        findings.push({ code: error.code, severity: "error", message: error.message });
        if (content.size !== expectedLength && error.code !== IntunewinErrorCode.encryptedSizeMismatch) {
          findings.push({
            code: IntunewinErrorCode.encryptedSizeMismatch,
            severity: "error",
            message: `encrypted file is ${content.size} bytes, expected ${expectedLength} for UnencryptedContentSize ${detection.UnencryptedContentSize}`,
          });
        }
        return undefined;
      });
      if (summary !== undefined) {
        entries = summary.entries;
        expanded = entries.reduce((sum, entry) => sum + entry.size, 0);
        const setup = detection.SetupFile.replaceAll("\\", "/").toLowerCase();
        if (!entries.some((entry) => !entry.isDirectory && entry.path.toLowerCase() === setup)) {
          findings.push({
            code: FindingCode.setupFileMissing,
            severity: "error",
            message: `SetupFile "${detection.SetupFile}" is not in the content; the IME would fail with 0x80070002 (file not found)`,
          });
        }
      }
    } finally {
      await content?.close();
    }
    return result(pkg, findings, entries, expanded);
  } finally {
    await pkg.close();
  }
}
