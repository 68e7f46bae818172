// Per-machine or per-user as Windows Installer decides it, for the agent's msiexec model. The codec's MsiInfo
// follows IntuneWinAppUtil's own rules instead (msi-info.ts, intunewin.md §1.2), which agree with these for
// ALLUSERS empty, "1" and "2" with MSIINSTALLPERUSER empty or "1".
import type { MsiExecutionContext } from "../intunewin/detection-xml.ts";

/** What an MSI's ALLUSERS / MSIINSTALLPERUSER properties decide. */
export interface MsiInstallContext {
  /** Detection.xml's MsiExecutionContext: System (ALLUSERS=1), User (unset or ""), Any (ALLUSERS=2, dual-purpose). */
  readonly executionContext: MsiExecutionContext;
  /** Where an install with these properties goes on Windows 7 and later: per machine, else per user. */
  readonly perMachine: boolean;
  /** A dual-purpose package that resolved to per-user: its folder properties point at per-user folders. */
  readonly singlePackagePerUser: boolean;
}

/**
 * The install context of an MSI from its properties (the Property table, with any command-line values laid over
 * it), by the Windows 7+ rules of windows-formats.md §5.4:
 * - ALLUSERS "1" → per machine; unset or "" → per user;
 * - ALLUSERS "2" → per user when MSIINSTALLPERUSER is "1", per machine when it is unset or "";
 * - MSIINSTALLPERUSER is ignored unless ALLUSERS is "2".
 * §5.4 lists only these values; any other ALLUSERS value is treated as per user (our choice, as before).
 */
export function installContextOf(properties: ReadonlyMap<string, string>): MsiInstallContext {
  const allUsers = properties.get("ALLUSERS") ?? "";
  if (allUsers === "1") return { executionContext: "System", perMachine: true, singlePackagePerUser: false };
  if (allUsers !== "2") return { executionContext: "User", perMachine: false, singlePackagePerUser: false };
  const perUser = (properties.get("MSIINSTALLPERUSER") ?? "") === "1";
  return { executionContext: "Any", perMachine: !perUser, singlePackagePerUser: perUser };
}
