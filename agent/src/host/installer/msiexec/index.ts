// The msiexec model: Windows Installer's command line, install/uninstall of real .msi packages on the
// virtual device, product registration and exit codes (windows-formats.md §1, §5).
export {
  type MsiexecAction,
  type MsiexecCommand,
  parseMsiexecCommandLine,
  splitMsiexecArguments,
} from "./command-line.ts";
export {
  type InstallPlan,
  type ProductInfo,
  planInstall,
  productInfo,
} from "./install-plan.ts";
export { MsiexecExitCode, type MsiexecRequest, runMsiexec } from "./msiexec.ts";
export { packGuid } from "./packed-guid.ts";
export { findInstalledProduct, IN_PROGRESS_KEY, type InstalledProduct } from "./product-registration.ts";
