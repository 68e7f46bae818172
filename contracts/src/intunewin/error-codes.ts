/**
 * Stable error and finding codes of the .intunewin codec. Tests, the CLI and the mock service match on
 * these strings, so they never change once published.
 */
export const IntunewinErrorCode = {
  notAZip: "INTUNEWIN_NOT_A_ZIP",
  encryptedFileGivenInsteadOfPackage: "INTUNEWIN_EOCD_NOT_FOUND",
  zipCorrupt: "INTUNEWIN_ZIP_CORRUPT",
  detectionXmlMissing: "INTUNEWIN_DETECTION_XML_MISSING",
  detectionXmlInvalid: "INTUNEWIN_DETECTION_XML_INVALID",
  encryptionInfoInvalid: "INTUNEWIN_ENCRYPTION_INFO_INVALID",
  contentEntryMissing: "INTUNEWIN_CONTENT_ENTRY_MISSING",
  outerEntryCompressed: "INTUNEWIN_OUTER_ENTRY_COMPRESSED",
  encryptedSizeMismatch: "INTUNEWIN_ENCRYPTED_SIZE_MISMATCH",
  ivMismatch: "INTUNEWIN_IV_MISMATCH",
  macMismatch: "INTUNEWIN_MAC_MISMATCH",
  storedMacMismatch: "INTUNEWIN_STORED_MAC_MISMATCH",
  badPadding: "INTUNEWIN_BAD_PADDING",
  digestMismatch: "INTUNEWIN_DIGEST_MISMATCH",
  contentSizeMismatch: "INTUNEWIN_CONTENT_SIZE_MISMATCH",
  truncated: "INTUNEWIN_TRUNCATED",
  innerZipInvalid: "INTUNEWIN_INNER_ZIP_INVALID",
  unsafePath: "INTUNEWIN_UNSAFE_PATH",
  zipBomb: "INTUNEWIN_ZIP_BOMB",
  setupFileMissing: "INTUNEWIN_SETUP_FILE_MISSING",
  sourceFolderInvalid: "INTUNEWIN_SOURCE_FOLDER_INVALID",
  outputExists: "INTUNEWIN_OUTPUT_EXISTS",
  outputFolderMissing: "INTUNEWIN_OUTPUT_FOLDER_MISSING",
  ioFailed: "INTUNEWIN_IO_FAILED",
  /** The caller's AbortSignal stopped an unpack or extraction; nothing was committed. */
  aborted: "INTUNEWIN_ABORTED",
  /** A source file or folder name Windows cannot hold (pack refuses it before writing anything). */
  sourceNameInvalid: "INTUNEWIN_SOURCE_NAME_INVALID",
} as const;

export type IntunewinErrorCode = (typeof IntunewinErrorCode)[keyof typeof IntunewinErrorCode];

/** IME error codes the codec failures map to (intunewin.md §1.5, "Typical error codes"). */
export const ImeContentErrorCode = {
  /** 0x87D30065: error unzipping downloaded content. */
  unzipFailed: 0x87d30065,
  /** 0x87D30067: content download error (a corrupt or tampered download is reported as this). */
  downloadFailed: 0x87d30067,
  /** 0x80070002: file not found (the setup file is not in the content). */
  fileNotFound: 0x80070002,
} as const;
