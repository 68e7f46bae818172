import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";

/** `EncryptionInfo` of Detection.xml: the strings exactly as written (base64 stays base64). intunewin.md §1.2 */
export interface EncryptionInfo {
  EncryptionKey: string;
  MacKey: string;
  InitializationVector: string;
  Mac: string;
  ProfileIdentifier: string;
  FileDigest: string;
  FileDigestAlgorithm: string;
}

/** Execution context values the tool writes in `MsiExecutionContext`. intunewin.md §1.2 */
export type MsiExecutionContext = "System" | "User" | "Any";

/** `MsiInfo` of Detection.xml, present only when the setup file is an .msi; keys in the tool's order. */
export interface MsiInfo {
  MsiProductCode: string;
  MsiProductVersion: string;
  MsiPackageCode: string;
  MsiUpgradeCode: string;
  MsiExecutionContext: MsiExecutionContext;
  MsiRequiresLogon: boolean;
  MsiRequiresReboot: boolean;
  MsiIsMachineInstall: boolean;
  MsiIsUserInstall: boolean;
  MsiIncludesServices: boolean;
  MsiIncludesODBCDataSource: boolean;
  MsiContainsSystemRegistryKeys: boolean;
  MsiContainsSystemFolders: boolean;
  MsiPublisher: string;
}

/** The whole Detection.xml (`ApplicationInfo`), typed. */
export interface DetectionXml {
  ToolVersion: string;
  Name: string;
  UnencryptedContentSize: number;
  FileName: string;
  SetupFile: string;
  EncryptionInfo: EncryptionInfo;
  MsiInfo?: MsiInfo;
}

/** ToolVersion values real IntuneWinAppUtil builds embed (intunewin.md §1.2). */
export const KNOWN_TOOL_VERSIONS: readonly string[] = [
  "1.4.0.0",
  "1.8.2.0",
  "1.8.3.0",
  "1.8.4.0",
  "1.8.5.0",
  "1.8.6.0",
  "1.8.7.0",
];

/** The ToolVersion imesim writes: the newest known release, so Intune sees what 1.8.7 would produce. */
export const DEFAULT_TOOL_VERSION = "1.8.7.0";
export const PROFILE_IDENTIFIER = "ProfileVersion1";
export const FILE_DIGEST_ALGORITHM = "SHA256";

/** Decoded byte lengths of the base64 fields (intunewin.md §0). */
export const ENCRYPTION_FIELD_BYTES = {
  EncryptionKey: 32,
  MacKey: 32,
  InitializationVector: 16,
  Mac: 32,
  FileDigest: 32,
} as const;

const MSI_STRING_FIELDS = [
  "MsiProductCode",
  "MsiProductVersion",
  "MsiPackageCode",
  "MsiUpgradeCode",
] as const;
const MSI_BOOLEAN_FIELDS = [
  "MsiRequiresLogon",
  "MsiRequiresReboot",
  "MsiIsMachineInstall",
  "MsiIsUserInstall",
  "MsiIncludesServices",
  "MsiIncludesODBCDataSource",
  "MsiContainsSystemRegistryKeys",
  "MsiContainsSystemFolders",
] as const;

const CRLF = "\r\n";

/** Escapes text content the way .NET's XmlWriter does for element text. */
function escapeText(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function escapeAttribute(value: string): string {
  return escapeText(value).replaceAll('"', "&quot;");
}

/** One element line; XmlSerializer writes an empty string as a self-closing `<X />`. */
function element(indent: string, name: string, value: string): string {
  return value === "" ? `${indent}<${name} />` : `${indent}<${name}>${escapeText(value)}</${name}>`;
}

/**
 * Serializes Detection.xml byte for byte as IntuneWinAppUtil does: no declaration, no BOM, CRLF,
 * 2-space indent, the tool's element order, no trailing newline (intunewin.md §1.2 "Formatting").
 */
export function writeDetectionXml(info: DetectionXml): string {
  const e = info.EncryptionInfo;
  const lines = [
    `<ApplicationInfo xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ToolVersion="${escapeAttribute(info.ToolVersion)}">`,
    element("  ", "Name", info.Name),
    element("  ", "UnencryptedContentSize", String(info.UnencryptedContentSize)),
    element("  ", "FileName", info.FileName),
    element("  ", "SetupFile", info.SetupFile),
    "  <EncryptionInfo>",
    element("    ", "EncryptionKey", e.EncryptionKey),
    element("    ", "MacKey", e.MacKey),
    element("    ", "InitializationVector", e.InitializationVector),
    element("    ", "Mac", e.Mac),
    element("    ", "ProfileIdentifier", e.ProfileIdentifier),
    element("    ", "FileDigest", e.FileDigest),
    element("    ", "FileDigestAlgorithm", e.FileDigestAlgorithm),
    "  </EncryptionInfo>",
  ];
  const msi = info.MsiInfo;
  if (msi !== undefined) {
    lines.push("  <MsiInfo>");
    for (const field of MSI_STRING_FIELDS) lines.push(element("    ", field, msi[field]));
    lines.push(element("    ", "MsiExecutionContext", msi.MsiExecutionContext));
    for (const field of MSI_BOOLEAN_FIELDS) lines.push(element("    ", field, msi[field] ? "true" : "false"));
    lines.push(element("    ", "MsiPublisher", msi.MsiPublisher));
    lines.push("  </MsiInfo>");
  }
  lines.push("</ApplicationInfo>");
  return lines.join(CRLF);
}

const XML_ENTITIES = { amp: "&", apos: "'", gt: ">", lt: "<", quot: '"' };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  // An entity map of its own (the five XML entities only, no HTML names such as &nbsp;) is how fast-xml-parser 5
  // is told to decode numeric character references too, in the same pass as `&amp;` (so `&amp;#65;` stays the
  // text "&#65;"). Its runtime takes the map; its typings only say boolean (`true` would add HTML's names).
  htmlEntities: XML_ENTITIES as unknown as boolean,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type XmlNode = Record<string, unknown>;

// CDATA sections and comments keep `&#…;` literally; anything else in this pattern is a numeric reference.
const NUMERIC_REFERENCE = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));/g;

/**
 * Resolves the numeric references fast-xml-parser would drop: C0 control characters. .NET's XmlSerializer writes
 * a control character in a string as `&#x1;` and reads it back, so they decode here to the raw character (which
 * the parser keeps); tab, LF and CR and everything above U+001F are left to the parser. `&#0;`, surrogates and
 * code points past U+10FFFF are no characters at all, so they make the document invalid (as in .NET's reader).
 */
function resolveControlReferences(text: string): string {
  if (!text.includes("&#")) return text;
  return text.replace(NUMERIC_REFERENCE, (match, hex: string | undefined, decimal: string | undefined) => {
    if (hex === undefined && decimal === undefined) return match;
    const codePoint = hex === undefined ? Number(decimal) : Number.parseInt(hex, 16);
    if (codePoint === 0 || (codePoint >= 0xd800 && codePoint <= 0xdfff) || !(codePoint <= 0x10ffff)) {
      throw invalid(`${match} is not a valid character reference`, "ApplicationInfo");
    }
    const keptByParser = codePoint >= 0x20 || codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d;
    return keptByParser ? match : String.fromCodePoint(codePoint);
  });
}

// CDATA sections and comments hold text, not markup; outside them, a DOCTYPE or a named entity reference.
const ENTITY_MARKUP = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|(<!DOCTYPE)|&([A-Za-z_:][\w.:-]*);/g;

/**
 * Refuses what would need a DTD: a document type declaration, or a named reference other than XML's five.
 * IntuneWinAppUtil writes neither (intunewin.md §1.2 "Formatting"), and the parser would otherwise keep an
 * undeclared `&lol9;` as the literal text of a name, or expand declared ones (billion laughs, XXE). Choice made
 * here, as the reference does not say how the IME's reader treats a DTD: refuse it, as a package problem.
 */
function assertNoDtd(text: string): void {
  if (!text.includes("<!") && !text.includes("&")) return;
  for (const match of text.matchAll(ENTITY_MARKUP)) {
    if (match[1] !== undefined) {
      throw invalid("has a document type declaration (DTD); Detection.xml never has one", "ApplicationInfo");
    }
    const name = match[2];
    if (name !== undefined && !Object.hasOwn(XML_ENTITIES, name)) {
      throw invalid(
        `entity reference &${name}; is not expanded (only &amp; &lt; &gt; &quot; &apos; and character references are)`,
        "ApplicationInfo",
      );
    }
  }
}

function invalid(message: string, path: string): ImesimError {
  return new ImesimError(IntunewinErrorCode.detectionXmlInvalid, `Detection.xml: ${message}`, { path });
}

function childObject(node: XmlNode, name: string, path: string): XmlNode {
  const value = node[name];
  if (value === undefined) throw invalid(`element <${name}> is missing`, `${path}.${name}`);
  if (Array.isArray(value)) throw invalid(`element <${name}> appears more than once`, `${path}.${name}`);
  if (typeof value !== "object" || value === null) {
    throw invalid(`element <${name}> must contain child elements`, `${path}.${name}`);
  }
  return value as XmlNode;
}

/** Text of a simple element; `<X />` reads as "". */
function childText(node: XmlNode, name: string, path: string): string {
  const value = node[name];
  if (value === undefined) throw invalid(`element <${name}> is missing`, `${path}.${name}`);
  if (Array.isArray(value)) throw invalid(`element <${name}> appears more than once`, `${path}.${name}`);
  if (value === "") return "";
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 0) return "";
    // Attributes on a simple element (e.g. xsi:nil) are tolerated; child elements are not.
    if (keys.every((key) => key.startsWith("@") || key === "#text")) {
      const text = (value as XmlNode)["#text"];
      return typeof text === "string" ? text : "";
    }
  }
  throw invalid(`element <${name}> must hold text`, `${path}.${name}`);
}

function base64Field(node: XmlNode, name: keyof typeof ENCRYPTION_FIELD_BYTES, path: string): string {
  const value = childText(node, name, path);
  const expected = ENCRYPTION_FIELD_BYTES[name];
  const bytes = decodeStrictBase64(value);
  if (bytes === undefined) throw invalid(`<${name}> is not standard base64: "${value}"`, `${path}.${name}`);
  if (bytes.length !== expected) {
    throw invalid(`<${name}> decodes to ${bytes.length} bytes, expected ${expected}`, `${path}.${name}`);
  }
  return value;
}

/** Decodes RFC 4648 base64 with '=' padding; undefined for anything else (base64url included). */
export function decodeStrictBase64(value: string): Buffer | undefined {
  if (value.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(value, "base64");
  // Re-encoding gives back only canonical, padded standard base64: anything else (base64url, whitespace, stray or
  // inner '=', non-canonical trailing bits) comes back spelled otherwise, so one key has exactly one spelling.
  return bytes.toString("base64") === value ? bytes : undefined;
}

function parseBoolean(node: XmlNode, name: string, path: string): boolean {
  const value = childText(node, name, path);
  // xs:boolean lexical space, which XmlSerializer accepts on read.
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw invalid(`<${name}> must be true or false, got "${value}"`, `${path}.${name}`);
}

function parseMsiInfo(node: XmlNode, path: string): MsiInfo {
  const context = childText(node, "MsiExecutionContext", path);
  if (context !== "System" && context !== "User" && context !== "Any") {
    throw invalid(
      `<MsiExecutionContext> must be System, User or Any, got "${context}"`,
      `${path}.MsiExecutionContext`,
    );
  }
  const info: MsiInfo = {
    MsiProductCode: childText(node, "MsiProductCode", path),
    MsiProductVersion: childText(node, "MsiProductVersion", path),
    MsiPackageCode: childText(node, "MsiPackageCode", path),
    MsiUpgradeCode: childText(node, "MsiUpgradeCode", path),
    MsiExecutionContext: context,
    MsiRequiresLogon: false,
    MsiRequiresReboot: false,
    MsiIsMachineInstall: false,
    MsiIsUserInstall: false,
    MsiIncludesServices: false,
    MsiIncludesODBCDataSource: false,
    MsiContainsSystemRegistryKeys: false,
    MsiContainsSystemFolders: false,
    MsiPublisher: childText(node, "MsiPublisher", path),
  };
  for (const field of MSI_BOOLEAN_FIELDS) info[field] = parseBoolean(node, field, path);
  return info;
}

/**
 * Parses Detection.xml leniently on formatting (declaration, BOM, missing xmlns, any element order,
 * LF or CRLF) and strictly on values (key lengths, base64, ProfileIdentifier, algorithm, size).
 * intunewin.md §1.2 "lenient on formatting and strict on the values".
 */
export function parseDetectionXml(input: string | Uint8Array): DetectionXml {
  let text = typeof input === "string" ? input : decodeUtf8(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw invalid(`not well-formed XML (${valid.err.msg}, line ${valid.err.line})`, "ApplicationInfo");
  }
  assertNoDtd(text);
  let document: XmlNode;
  try {
    document = parser.parse(resolveControlReferences(text)) as XmlNode;
  } catch (error) {
    throw invalid(`cannot be parsed (${(error as Error).message})`, "ApplicationInfo");
  }
  const root = childObject(document, "ApplicationInfo", "");
  const path = "ApplicationInfo";
  const toolVersion = root["@ToolVersion"];
  const sizeText = childText(root, "UnencryptedContentSize", path);
  if (!/^\d{1,16}$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw invalid(
      `<UnencryptedContentSize> must be a non-negative integer, got "${sizeText}"`,
      `${path}.UnencryptedContentSize`,
    );
  }
  const encryptionPath = `${path}.EncryptionInfo`;
  const encryption = childObject(root, "EncryptionInfo", path);
  const profile = childText(encryption, "ProfileIdentifier", encryptionPath);
  if (profile !== PROFILE_IDENTIFIER) {
    throw invalid(
      `<ProfileIdentifier> must be ${PROFILE_IDENTIFIER}, got "${profile}"`,
      `${encryptionPath}.ProfileIdentifier`,
    );
  }
  const algorithm = childText(encryption, "FileDigestAlgorithm", encryptionPath);
  if (algorithm !== FILE_DIGEST_ALGORITHM) {
    throw invalid(
      `<FileDigestAlgorithm> must be ${FILE_DIGEST_ALGORITHM}, got "${algorithm}"`,
      `${encryptionPath}.FileDigestAlgorithm`,
    );
  }
  const fileName = childText(root, "FileName", path);
  if (fileName === "" || /[\\/]/.test(fileName)) {
    throw invalid(`<FileName> must be a plain file name, got "${fileName}"`, `${path}.FileName`);
  }
  const setupFile = childText(root, "SetupFile", path);
  if (setupFile === "") throw invalid("<SetupFile> is empty", `${path}.SetupFile`);
  const result: DetectionXml = {
    ToolVersion: typeof toolVersion === "string" ? toolVersion : "",
    Name: root.Name === undefined ? "" : childText(root, "Name", path),
    UnencryptedContentSize: Number(sizeText),
    FileName: fileName,
    SetupFile: setupFile,
    EncryptionInfo: {
      EncryptionKey: base64Field(encryption, "EncryptionKey", encryptionPath),
      MacKey: base64Field(encryption, "MacKey", encryptionPath),
      InitializationVector: base64Field(encryption, "InitializationVector", encryptionPath),
      Mac: base64Field(encryption, "Mac", encryptionPath),
      ProfileIdentifier: profile,
      FileDigest: base64Field(encryption, "FileDigest", encryptionPath),
      FileDigestAlgorithm: algorithm,
    },
  };
  if (root.MsiInfo !== undefined)
    result.MsiInfo = parseMsiInfo(childObject(root, "MsiInfo", path), `${path}.MsiInfo`);
  return result;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalid("is not valid UTF-8", "ApplicationInfo");
  }
}

/**
 * Checks an EncryptionInfo's values (as Graph's commit step receives them in fileEncryptionInfo, or as
 * Detection.xml holds them) and returns the decoded keys. Failures carry INTUNEWIN_ENCRYPTION_INFO_INVALID.
 */
export function decodeEncryptionInfo(info: EncryptionInfo, path = "EncryptionInfo"): DecodedEncryptionInfo {
  const fail = (message: string, field: string): ImesimError =>
    new ImesimError(IntunewinErrorCode.encryptionInfoInvalid, `encryption info: ${message}`, {
      path: `${path}.${field}`,
    });
  if (info.ProfileIdentifier !== PROFILE_IDENTIFIER) {
    throw fail(
      `ProfileIdentifier must be ${PROFILE_IDENTIFIER}, got "${info.ProfileIdentifier}"`,
      "ProfileIdentifier",
    );
  }
  if (info.FileDigestAlgorithm !== FILE_DIGEST_ALGORITHM) {
    throw fail(
      `FileDigestAlgorithm must be ${FILE_DIGEST_ALGORITHM}, got "${info.FileDigestAlgorithm}"`,
      "FileDigestAlgorithm",
    );
  }
  const decode = (name: keyof typeof ENCRYPTION_FIELD_BYTES): Buffer => {
    const value: unknown = info[name];
    if (typeof value !== "string") throw fail(`${name} is missing`, name);
    const bytes = decodeStrictBase64(value);
    if (bytes === undefined) throw fail(`${name} is not standard base64: "${value}"`, name);
    if (bytes.length !== ENCRYPTION_FIELD_BYTES[name]) {
      throw fail(`${name} decodes to ${bytes.length} bytes, expected ${ENCRYPTION_FIELD_BYTES[name]}`, name);
    }
    return bytes;
  };
  return {
    encryptionKey: decode("EncryptionKey"),
    macKey: decode("MacKey"),
    iv: decode("InitializationVector"),
    mac: decode("Mac"),
    fileDigest: decode("FileDigest"),
  };
}

/** The binary keys of an EncryptionInfo. */
export interface DecodedEncryptionInfo {
  encryptionKey: Buffer;
  macKey: Buffer;
  iv: Buffer;
  mac: Buffer;
  fileDigest: Buffer;
}
