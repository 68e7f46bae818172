import { DetectionType, ImeErrorCode } from "@imesim/contracts/enums";
import { splitCommandLine } from "../command-line.ts";
import type { Finding, LintInput } from "../types.ts";

/** `{guid}` in a canonical form for comparison. */
function canonical(code: string): string {
  return code
    .trim()
    .replace(/^\{|\}$/g, "")
    .toLowerCase();
}

/** MSI product-code rules (and `msiexec /x {code}`) that name another product than the package's MSI. */
export function msiProductCodeRule(input: LintInput): Finding[] {
  const msi = input.msi;
  if (msi === undefined) return [];
  const findings: Finding[] = [];
  input.policy.DetectionRule.forEach((rule, index) => {
    if (rule.DetectionType !== DetectionType.MsiProductCode) return;
    if (canonical(rule.DetectionText.ProductCode) === canonical(msi.productCode)) return;
    findings.push({
      code: "MSI_PRODUCT_CODE_MISMATCH",
      severity: "error",
      path: `DetectionRule[${index}].DetectionText.ProductCode`,
      message: `detection looks for product ${rule.DetectionText.ProductCode} but the package's MSI has ProductCode ${msi.productCode}: the app would never be detected after installing (0x87D1041C)`,
      imeErrorCode: ImeErrorCode.AppNotDetectedAfterInstall,
    });
  });
  const args = splitCommandLine(input.policy.UninstallCommandLine);
  const xIndex = args.findIndex((arg) => /^[/-]x$/i.test(arg));
  const target = xIndex >= 0 ? args[xIndex + 1] : undefined;
  if (target?.startsWith("{") && canonical(target) !== canonical(msi.productCode)) {
    findings.push({
      code: "UNINSTALL_PRODUCT_CODE_MISMATCH",
      severity: "warning",
      path: "UninstallCommandLine",
      message: `the uninstall command removes ${target} but the package's MSI has ProductCode ${msi.productCode}`,
    });
  }
  return findings;
}
