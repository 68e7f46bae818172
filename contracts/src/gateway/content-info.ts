import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { InstallContext, Intent, TargetingMethod, TargetType } from "../enums/index.ts";
import { ImesimError } from "../errors/index.ts";
import { enumSchema, nullable, stringifyOrdered } from "../schema/index.ts";
import { GatewayContractErrorCode } from "./error-codes.ts";
import { decodeJsonMember } from "./json-member.ts";

/**
 * GetContentInfo `RequestPayload` (ime.md §3.2, real shape from S11). The service answers with the same
 * object, `ContentInfo` and `DecryptInfo` filled; that echo is our reading of S11 [I].
 */
export const ContentInfoPayloadSchema = Type.Object({
  ApplicationId: Type.String(),
  ApplicationVersion: Type.Integer({ minimum: 0 }),
  Intent: enumSchema(Intent),
  /** Base64 DER of the device's MDM certificate; DecryptInfo is encrypted to it. */
  CertificateBlob: nullable(Type.String()),
  /** JSON text (see ContentInfo) in the response; null in the request. */
  ContentInfo: nullable(Type.String()),
  SecondaryContentInfo: Type.Unknown(),
  /** XML text (see DecryptInfo) in the response; null in the request. */
  DecryptInfo: nullable(Type.String()),
  UploadLocation: nullable(Type.String()),
  TargetingMethod: enumSchema(TargetingMethod),
  ErrorCode: nullable(Type.Integer()),
  TargetType: enumSchema(TargetType),
  InstallContext: enumSchema(InstallContext),
  EspPhase: Type.Integer(),
  ApplicationName: Type.String(),
  AssignmentFilterIds: nullable(Type.Array(Type.String())),
  ManagedInstallerStatus: Type.Integer(),
  ApplicationEnforcement: Type.Integer(),
});
export type ContentInfoPayload = Static<typeof ContentInfoPayloadSchema>;

/**
 * The `ContentInfo` JSON string: `UploadLocation` is the `.intunewin.bin` URL (ime.md §3.2). Other members
 * are undocumented [?]; we add the encrypted size so a downloader can check the length, and keep unknowns.
 */
export const ContentInfoSchema = Type.Object({
  UploadLocation: Type.String({ minLength: 1 }),
  SizeEncrypted: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type ContentInfo = Static<typeof ContentInfoSchema>;

/**
 * What `DecryptInfo` carries once its CMS envelope is opened (ime.md §3.2): EncryptionKey and IV are
 * confirmed; MacKey, Mac, FileDigest and FileDigestAlgorithm are inferred [I] (the IME verifies a hash
 * before decrypting). `ProfileIdentifier` "NoEncryption" marks plain content.
 */
export const DecryptInfoSchema = Type.Object({
  EncryptionKey: Type.String(),
  IV: Type.String(),
  MacKey: Type.Optional(Type.String()),
  Mac: Type.Optional(Type.String()),
  ProfileIdentifier: Type.Union([Type.Literal("ProfileVersion1"), Type.Literal("NoEncryption")]),
  FileDigest: Type.Optional(Type.String()),
  FileDigestAlgorithm: Type.Optional(Type.Literal("SHA256")),
});
export type DecryptInfo = Static<typeof DecryptInfoSchema>;

const PAYLOAD_ORDER = Object.keys(ContentInfoPayloadSchema.properties);
const DECRYPT_INFO_ORDER = Object.keys(DecryptInfoSchema.properties);
const payloadChecker = Compile(ContentInfoPayloadSchema);
const contentInfoChecker = Compile(ContentInfoSchema);
const decryptInfoChecker = Compile(DecryptInfoSchema);

/** Parses a GetContentInfo request or response payload (JSON text). */
export function parseContentInfoPayload(text: unknown, path = "RequestPayload"): ContentInfoPayload {
  return decodeJsonMember(text, payloadChecker, "GetContentInfo payload", path);
}

/** Serializes a GetContentInfo payload with members in the IME's order. */
export function encodeContentInfoPayload(payload: ContentInfoPayload): string {
  return stringifyOrdered(payload, PAYLOAD_ORDER);
}

/** Parses the `ContentInfo` JSON string of a GetContentInfo response. */
export function parseContentInfo(text: unknown, path = "ContentInfo"): ContentInfo {
  return decodeJsonMember(text, contentInfoChecker, "ContentInfo", path);
}

// A module constant, as stringifyOrdered remembers positions per order list (a literal per call rebuilt them).
const CONTENT_INFO_ORDER = ["UploadLocation", "SizeEncrypted"];

/** Serializes ContentInfo into its JSON string, UploadLocation first. */
export function encodeContentInfo(info: ContentInfo): string {
  return stringifyOrdered(info, CONTENT_INFO_ORDER);
}

/** Parses the decrypted DecryptInfo JSON. */
export function parseDecryptInfo(text: unknown, path = "DecryptInfo"): DecryptInfo {
  return decodeJsonMember(text, decryptInfoChecker, "DecryptInfo", path);
}

/** Serializes DecryptInfo into the JSON that gets enveloped. */
export function encodeDecryptInfo(info: DecryptInfo): string {
  return stringifyOrdered(info, DECRYPT_INFO_ORDER);
}

const xmlParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });
const xmlBuilder = new XMLBuilder({ suppressEmptyNode: false });
const ENVELOPE_OPEN = "<EncryptedMessage><EncryptedContent>";
const ENVELOPE_CLOSE = "</EncryptedContent></EncryptedMessage>";
const BASE64_TEXT = /^[A-Za-z0-9+/=]+$/;
const CANONICAL_ENVELOPE =
  /^<EncryptedMessage><EncryptedContent>([A-Za-z0-9+/=]+)<\/EncryptedContent><\/EncryptedMessage>$/;

/**
 * Wraps base64 CMS EnvelopedData in the `<EncryptedMessage>` XML of `DecryptInfo` (ime.md §3.2). Only
 * `<EncryptedContent>` is known [?]; we write nothing else.
 */
export function encodeDecryptInfoEnvelope(encryptedContentBase64: string): string {
  // Base64 needs no escaping, so the builder's output is this template; written directly, the builder's
  // object walk is no longer a share of every GetContentInfo (issue 18).
  if (BASE64_TEXT.test(encryptedContentBase64))
    return `${ENVELOPE_OPEN}${encryptedContentBase64}${ENVELOPE_CLOSE}`;
  return xmlBuilder.build({ EncryptedMessage: { EncryptedContent: encryptedContentBase64 } }) as string;
}

/** Extracts the base64 `<EncryptedContent>` of a `DecryptInfo` XML string. */
export function parseDecryptInfoEnvelope(xml: string, path = "DecryptInfo"): string {
  // The envelope exactly as encodeDecryptInfoEnvelope writes it: its text is the base64 the XML parser would
  // return, so it is read without the parser; anything else (whitespace, other elements, entities) is parsed.
  const canonical = CANONICAL_ENVELOPE.exec(xml);
  if (canonical !== null) return canonical[1] as string;
  let document: unknown;
  try {
    document = xmlParser.parse(xml, true);
  } catch (cause) {
    throw new ImesimError(GatewayContractErrorCode.Invalid, `DecryptInfo is not well-formed XML`, {
      path,
      cause,
    });
  }
  const content = (document as { EncryptedMessage?: { EncryptedContent?: unknown } }).EncryptedMessage
    ?.EncryptedContent;
  if (typeof content !== "string" || content === "") {
    throw new ImesimError(
      GatewayContractErrorCode.Invalid,
      "DecryptInfo has no <EncryptedMessage><EncryptedContent> text",
      { path: `${path}.EncryptedMessage.EncryptedContent` },
    );
  }
  return content;
}
