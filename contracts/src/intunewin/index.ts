export {
  type ContentEntry,
  type ContentSink,
  createDirectorySink,
  createMemorySink,
  type MemorySink,
} from "./content-sink.ts";
export { createDeflatePool, createInlineDeflatePool, type DeflatePool } from "./deflate-pool.ts";
export {
  DEFAULT_TOOL_VERSION,
  type DecodedEncryptionInfo,
  type DetectionXml,
  decodeEncryptionInfo,
  decodeStrictBase64,
  ENCRYPTION_FIELD_BYTES,
  type EncryptionInfo,
  FILE_DIGEST_ALGORITHM,
  KNOWN_TOOL_VERSIONS,
  type MsiExecutionContext,
  type MsiInfo,
  PROFILE_IDENTIFIER,
  parseDetectionXml,
  writeDetectionXml,
} from "./detection-xml.ts";
export { encryptedLengthFor } from "./encrypted-content.ts";
export { ImeContentErrorCode, IntunewinErrorCode } from "./error-codes.ts";
export {
  DEFAULT_EXTRACTION_LIMITS,
  type EncryptedInput,
  type ExtractionLimits,
  type ExtractionSummary,
  type ExtractOptions,
  extractContent,
  verifyEncryptedContent,
} from "./extract-content.ts";
export {
  type Finding,
  FindingCode,
  type FindingSeverity,
  type InspectResult,
  inspectPackage,
  type PackageSizes,
} from "./inspect.ts";
export {
  type PackedFiles,
  type PackFilesOptions,
  type PackOptions,
  type PackResult,
  packFiles,
  packFolder,
} from "./pack.ts";
export {
  CONTENTS_FOLDER,
  DEFAULT_CONTENT_FILE_NAME,
  DETECTION_XML_PATH,
  type IntunewinPackage,
  readPackage,
} from "./package-reader.ts";
export { bytesSource, fileSource, type RandomAccessSource } from "./random-access.ts";
export { extractPackageContent, type UnpackOptions, unpackPackage } from "./unpack.ts";
