// MSI product-code detection (DetectionType 1): installed in either registry view, optionally with a version
// condition on the installed ProductVersion (ime.md §7.4).
import type { RegistryAccess } from "../host/index.ts";
import type { CheckResult, RuleContext } from "./context.ts";
import { satisfies } from "./operators.ts";
import { compareVersionText } from "./version.ts";

const UNINSTALL = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";

/** An MSI rule's fields. */
export interface MsiCheck {
  readonly productCode: string;
  readonly productVersion: string | null;
  readonly productVersionOperator: number;
}

/** The detection outcome, with the installed version (reported as the detected version). */
export interface MsiCheckResult extends CheckResult {
  readonly version?: string;
}

/**
 * Windows Installer registers a product under the Uninstall key of the package's view (windows-formats.md
 * §5.5): 64-bit packages in the 64-bit view, 32-bit ones under WOW6432Node. We look in both, 64-bit first,
 * then, for a user-context app, in the user's own Uninstall key (where our msiexec model registers per-user
 * products), and read the installed version from DisplayVersion. The log wording of this check is ours [I].
 */
export function checkMsi(check: MsiCheck, context: RuleContext): MsiCheckResult {
  const { registry } = context.host;
  const code = check.productCode.trim();
  const machineKey = `HKLM\\${UNINSTALL}\\${code}`;
  const candidates: Array<{ key: string; access: RegistryAccess }> = [
    { key: machineKey, access: { view: 64 } },
    { key: machineKey, access: { view: 32 } },
  ];
  if (context.account === "user" && context.userSid !== undefined) {
    candidates.push({ key: `HKCU\\${UNINSTALL}\\${code}`, access: { view: 64, userSid: context.userSid } });
  }
  const found = candidates.find(({ key, access }) => registry.keyExists(key, access));
  if (found === undefined) {
    return {
      met: false,
      lines: [`[Win32App] ProductCode: ${code} is not installed, applicationDetected: False`],
    };
  }
  const displayVersion = registry.getValue(found.key, "DisplayVersion", found.access);
  const version =
    displayVersion?.type === "REG_SZ" || displayVersion?.type === "REG_EXPAND_SZ"
      ? displayVersion.data
      : undefined;
  const versionChecked =
    check.productVersionOperator !== 0 && check.productVersion !== null && check.productVersion !== "";
  const met =
    !versionChecked ||
    (version !== undefined &&
      satisfies(check.productVersionOperator, compareVersionText(version, check.productVersion!)));
  return {
    met,
    version,
    lines: [
      `[Win32App] ProductCode: ${code}, productVersion: ${version ?? ""}, operator: ${check.productVersionOperator}, ` +
        `detectionVersion: ${check.productVersion ?? ""}, applicationDetected: ${met ? "True" : "False"}`,
    ],
  };
}
