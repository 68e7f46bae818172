export {
  type MsiColumn,
  type MsiDatabase,
  type MsiRow,
  type MsiTable,
  type MsiValue,
  readMsiDatabase,
} from "./database.ts";
export { installContextOf, type MsiInstallContext } from "./install-context.ts";
export {
  executionContextOf,
  isUserInstallOf,
  MsiInfoErrorCode,
  msiInfoFromDatabase,
  msiPackageName,
  msiProperties,
  readMsiInfo,
  readMsiPackageInfo,
} from "./msi-info.ts";
export { decodeStreamName } from "./stream-names.ts";
export type { SummaryInformation } from "./summary-information.ts";
