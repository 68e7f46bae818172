/** "Microsoft Intune Checkin": the resource of the IME's gateway token (graph-win32.md §5.4). */
export const imeResourceId = "26a4ae64-5862-427f-a9b0-044e62572a4f";
/** "Microsoft Intune Windows Agent": the IME's own client id (graph-win32.md §5.4). */
export const imeAgentClientId = "fc0f3af4-6835-4174-b806-f7db311fd2f3";
/** Audience of Graph tokens; Graph issues v1-format tokens (graph-win32.md §5.3). */
export const graphAudience = "https://graph.microsoft.com";
/** Graph's application id, the other spelling of the Graph resource. */
export const graphAppId = "00000003-0000-0000-c000-000000000000";
/**
 * Application roles an app-only admin token carries (graph-win32.md §5.3; contract R): enough for every
 * route family the mock serves, so an admin script with client credentials needs no consent step.
 */
export const adminRoles = [
  "DeviceManagementApps.ReadWrite.All",
  "DeviceManagementConfiguration.ReadWrite.All",
  "DeviceManagementManagedDevices.ReadWrite.All",
  "DeviceManagementServiceConfig.ReadWrite.All",
  "DeviceManagementRBAC.Read.All",
  "Group.ReadWrite.All",
  "User.ReadWrite.All",
] as const;
/**
 * The `scp` of a device token. The real value is unknown (graph-win32.md §5.3 "[unknown]");
 * the mock uses Entra's default delegated scope name.
 */
export const deviceTokenScope = "user_impersonation";
/** Tenant used when the service is started without one. */
export const defaultTenantId = "3f1a6c0e-5b7d-4e2a-9c4f-8d6b2a1e0c57";
