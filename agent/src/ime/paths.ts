// Where the IME keeps its state on the device: registry keys (ime.md §4) and folders (ime.md §3.5).

/** The IME's registry root, 64-bit view (ime.md §4). */
export const IME_REGISTRY_ROOT = "HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension";
export const WIN32_APPS_KEY = `${IME_REGISTRY_ROOT}\\Win32Apps`;
/** `Settings` key; the value `Interval` holds the check-in interval in seconds (ime.md §4.5 [?], our choice: a value, not a key). */
export const SETTINGS_KEY = `${IME_REGISTRY_ROOT}\\Settings`;
export const SETTINGS_INTERVAL_VALUE = "Interval";
/**
 * Where we record a pending hard reboot. The real IME's location is not documented; we keep it beside the
 * other non-GUID siblings of Win32Apps (ime.md §4.1 lists `OperationalState`), value `PendingHardReboot`.
 */
export const OPERATIONAL_STATE_KEY = `${WIN32_APPS_KEY}\\OperationalState`;
export const PENDING_HARD_REBOOT_VALUE = "PendingHardReboot";
export const STATUS_SERVICE_REPORTS_KEY = `${IME_REGISTRY_ROOT}\\SideCarPolicies\\StatusServiceReports`;

/** The IME's install folder (ime.md §3.5). */
export const IME_INSTALL_DIR = "C:\\Program Files (x86)\\Microsoft Intune Management Extension";
export const INCOMING_DIR = `${IME_INSTALL_DIR}\\Content\\Incoming`;
export const STAGING_DIR = `${IME_INSTALL_DIR}\\Content\\Staging`;
export const IMECACHE_DIR = "C:\\Windows\\IMECache";
/** The folder the IME writes its logs to (ime.md §1.1). */
export const IME_LOGS_DIR = "C:\\ProgramData\\Microsoft\\IntuneManagementExtension\\Logs";

/** `<appId>_<version>`, the suffix of keys and folders (ime.md §2.1). */
export const appRevision = (appId: string, version: number): string => `${appId}_${version}`;

/** `Win32Apps\<userId>\<appId>_<ver>` (ime.md §4.1). */
export const win32AppKey = (userId: string, appId: string, version: number): string =>
  `${WIN32_APPS_KEY}\\${userId}\\${appRevision(appId, version)}`;

/** `Win32Apps\<userId>\GRS\<hash>` (ime.md §4.4). */
export const grsKey = (userId: string, hash: string): string => `${WIN32_APPS_KEY}\\${userId}\\GRS\\${hash}`;

/** `Win32Apps\Reporting\<userId>\<appId>` (ime.md §4.5). */
export const reportingAppKey = (userId: string, appId: string): string =>
  `${WIN32_APPS_KEY}\\Reporting\\${userId}\\${appId}`;

/** `Content\Incoming\<appId>_<ver>.bin`: the downloaded encrypted blob (ime.md §3.5). */
export const incomingPath = (appId: string, version: number): string =>
  `${INCOMING_DIR}\\${appRevision(appId, version)}.bin`;

/** `Content\Staging\<appId>_<ver>`: the decrypted zip before unzipping (ime.md §3.5). */
export const stagingPath = (appId: string, version: number): string =>
  `${STAGING_DIR}\\${appRevision(appId, version)}`;

/** `C:\Windows\IMECache\<appId>_<ver>`: unzipped content, the installer's working folder (ime.md §3.5). */
export const imeCachePath = (appId: string, version: number): string =>
  `${IMECACHE_DIR}\\${appRevision(appId, version)}`;
