import { Type } from "typebox";

/** Path parameters of the app-scoped Graph routes. */
export const AppParams = Type.Object({ appId: Type.String({ minLength: 1, maxLength: 64 }) });
export const VersionParams = Type.Object({
  appId: Type.String({ minLength: 1, maxLength: 64 }),
  version: Type.String({ pattern: "^\\d{1,9}$" }),
});
export const FileParams = Type.Object({
  appId: Type.String({ minLength: 1, maxLength: 64 }),
  version: Type.String({ pattern: "^\\d{1,9}$" }),
  fileId: Type.String({ minLength: 1, maxLength: 64 }),
});
export const AssignmentParams = Type.Object({
  appId: Type.String({ minLength: 1, maxLength: 64 }),
  assignmentId: Type.String({ minLength: 1, maxLength: 200 }),
});

/** Any JSON object: the member-level checks happen in the model, which names the bad member. */
export const AnyObject = Type.Object({}, { additionalProperties: true });

/**
 * Largest Win32 app content Intune takes: 30 GB (ime.md "Maximum app size"). The exact byte count is not
 * published (Graph's maxContentFileSizeInBytes); the mock reads it as 30 GiB, the generous side.
 */
const maxContentSize = 30 * 1024 ** 3;
/** What encryption adds to the content: HMAC (32) + IV (16) + up to one AES block of padding (16). */
const encryptionOverhead = 64;

/** `POST …/contentVersions/{cv}/files` body (graph-win32.md §2.1 step 2). */
export const ContentFileCreate = Type.Object(
  {
    "@odata.type": Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, maxLength: 512 }),
    size: Type.Integer({ minimum: 0, maximum: maxContentSize }),
    sizeEncrypted: Type.Integer({ minimum: 0, maximum: maxContentSize + encryptionOverhead }),
    manifest: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    isDependency: Type.Optional(Type.Boolean()),
    isFrameworkFile: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);

const base64 = (bytes: number) =>
  Type.String({
    pattern: `^[A-Za-z0-9+/]{${Math.floor((bytes * 4) / 3)}}[A-Za-z0-9+/=]{1,4}$`,
    description: `base64 of ${bytes} bytes`,
  });

/** `fileEncryptionInfo` of the commit action (graph-win32.md §2.6); base64 with padding. */
export const FileEncryptionInfoSchema = Type.Object(
  {
    "@odata.type": Type.Optional(Type.String()),
    encryptionKey: base64(32),
    macKey: base64(32),
    initializationVector: base64(16),
    mac: base64(32),
    profileIdentifier: Type.String({ minLength: 1 }),
    fileDigest: base64(32),
    fileDigestAlgorithm: Type.String({ minLength: 1 }),
  },
  { additionalProperties: true },
);
export const CommitBody = Type.Object(
  { fileEncryptionInfo: FileEncryptionInfoSchema },
  { additionalProperties: true },
);
