/** A JSON object as stored and served (Graph entities are kept as the JSON the admin wrote, normalised). */
export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A win32LobApp as stored: the Graph body plus the service-owned timestamps. */
export interface AppRecord {
  readonly id: string;
  readonly body: JsonObject;
  readonly createdAt: string;
  readonly modifiedAt: string;
}

/** Graph `mobileAppContentFileUploadState` names (graph-win32.md §2.3). */
export const UploadState = {
  azureStorageUriRequestSuccess: "azureStorageUriRequestSuccess",
  azureStorageUriRequestPending: "azureStorageUriRequestPending",
  azureStorageUriRenewalSuccess: "azureStorageUriRenewalSuccess",
  azureStorageUriRenewalPending: "azureStorageUriRenewalPending",
  commitFileSuccess: "commitFileSuccess",
  commitFilePending: "commitFilePending",
  commitFileFailed: "commitFileFailed",
} as const;
export type UploadState = (typeof UploadState)[keyof typeof UploadState];

/** The `fileEncryptionInfo` the admin commits (graph-win32.md §2.6); base64 strings as sent. */
export interface FileEncryptionInfo {
  readonly encryptionKey: string;
  readonly macKey: string;
  readonly initializationVector: string;
  readonly mac: string;
  readonly profileIdentifier: string;
  readonly fileDigest: string;
  readonly fileDigestAlgorithm: string;
}

/** One mobileAppContentFile and where its upload stands. */
export interface ContentFileRecord {
  readonly id: string;
  readonly appId: string;
  readonly contentVersion: number;
  readonly name: string;
  readonly size: number;
  readonly sizeEncrypted: number;
  readonly isDependency: boolean;
  readonly uploadState: UploadState;
  /** Pending polls still to answer before the pending state turns into success. */
  readonly pendingPolls: number;
  readonly sasToken: string;
  readonly sasExpiresAt: string;
  readonly isCommitted: boolean;
  readonly encryptionInfo: FileEncryptionInfo | null;
  readonly failureReason: string | null;
  readonly createdAt: string;
}

/** A mobileAppAssignment as stored (Graph JSON, `id` included). */
export interface AssignmentRecord {
  readonly id: string;
  readonly appId: string;
  readonly body: JsonObject;
}

/** A user of the tenant; a device's users are copies of these. */
export interface UserRecord {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
}

/** A user who signs in on a device (one of the tenant's users). */
export interface DeviceUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
}

/** An enrolled device and its MDM certificate. */
export interface DeviceRecord {
  readonly id: string;
  readonly name: string;
  readonly osVersion: string;
  readonly users: readonly DeviceUser[];
  readonly certificatePem: string;
  /** SHA-1 thumbprint of the device certificate, upper-case hex (as Windows shows it). */
  readonly thumbprint: string;
  readonly enrolledAt: string;
  readonly lastCheckinAt: string | null;
}

/** A group and its members (device ids or user ids). */
export interface GroupRecord {
  readonly id: string;
  readonly displayName: string;
  readonly createdAt: string;
  readonly members: readonly string[];
}

/** The latest install status a device reported for an app (graph-win32.md §4.1). */
export interface DeviceStatusRecord {
  readonly appId: string;
  readonly deviceId: string;
  readonly userId: string;
  readonly installState: string;
  readonly installStateDetail: string;
  readonly errorCode: number;
  readonly report: JsonObject;
  readonly updatedAt: string;
}

/** An assignment filter as stored: its Graph body (displayName, platform, rule, …) and times. */
export interface AssignmentFilterRecord {
  readonly id: string;
  readonly body: JsonObject;
  readonly createdAt: string;
  readonly modifiedAt: string;
}
