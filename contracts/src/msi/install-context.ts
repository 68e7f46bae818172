// Per-machine or per-user: the one rule the codec's MsiInfo and the agent's msiexec model share, so a package's
// Detection.xml never says "machine install" while the simulated install registers per user.
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
 *
 * What IntuneWinAppUtil writes for ALLUSERS=2 is not in the reference either (intunewin.md §1.2 only says it
 * queries both properties), so this is ours: MsiExecutionContext "Any" (a dual-purpose package, the context can
 * still be chosen on the command line), and MsiIsMachineInstall / MsiIsUserInstall say where a plain
 * `msiexec /i` puts it — with MSIINSTALLPERUSER=1 that is Any, IsMachineInstall false, IsUserInstall true,
 * RequiresLogon false; without it, Any, true, false, false.
 */
export function installContextOf(properties: ReadonlyMap<string, string>): MsiInstallContext {
  const allUsers = properties.get("ALLUSERS") ?? "";
  if (allUsers === "1") return { executionContext: "System", perMachine: true, singlePackagePerUser: false };
  if (allUsers !== "2") return { executionContext: "User", perMachine: false, singlePackagePerUser: false };
  const perUser = (properties.get("MSIINSTALLPERUSER") ?? "") === "1";
  return { executionContext: "Any", perMachine: !perUser, singlePackagePerUser: perUser };
}
