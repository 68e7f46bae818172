import type { AppStatusReport, ImpactingApp } from "@imesim/contracts/gateway";
import type {
  ComplianceStateMessage,
  DecodedImePolicy,
  EnforcementStateMessage,
} from "@imesim/contracts/ime";
import type { GrsVerdict, ReturnCodeWord } from "../events/types.ts";
import type { InstallOutcome } from "../host/installer/types.ts";
import type { ContentInfo } from "../service-client/types.ts";
import type { Targeting } from "./decisions.ts";
import type { ApplicabilityOutcome, DetectionOutcome } from "./ports.ts";

/** What one enforcement does with its app: the app's own intent, or only look (detect-only dependency). */
export type ExecutionMode = "install" | "uninstall" | "detectOnly";

/** One app to enforce for one user (or the device), as the subgraph hands it over. */
export interface EnforcementInput {
  readonly policy: DecodedImePolicy;
  readonly userId: string;
  readonly userSid?: string;
  /** The session number the IME logs (0 for the device session). */
  readonly session: number;
  /** The subgraph's GRS hash (ime.md §4.4). */
  readonly hash: string;
  readonly targeting: Targeting;
  readonly mode: ExecutionMode;
  /** 0 directly targeted, 1 pulled in as a dependency (ime.md §4.3). */
  readonly targetingMethod: 0 | 1;
  /** Why the app is in the subgraph; absent for the subgraph's target. */
  readonly relation?: "dependency" | "superseded";
  /** The relatives its report names in ReportingImpact.ImpactingApps (ime.md §11a Reporting). */
  readonly relatives?: readonly ImpactingApp[];
  /** The subgraph already loaded its reporting state and detected it first (ime.md §11a order). */
  readonly predetected?: boolean;
  /** The DetectionState its first Detection delta already reported, e.g. `Undetectable` for a dependency root. */
  readonly reportedDetection?: string;
  /**
   * The apps this one supersedes: detected again after the download and after the install, the "both
   * detections" of §11a's supersedence order.
   */
  readonly superseded?: readonly SupersededApp[];
}

/** An app the enforced one supersedes (ime.md §2.8). */
export interface SupersededApp {
  readonly policy: DecodedImePolicy;
  /** Replace (uninstalled first) rather than update. */
  readonly replace: boolean;
}

/** How an enforcement ended. */
export interface EnforcementResult {
  readonly appId: string;
  readonly version: number;
  readonly enforcementState: number;
  /** Signed 32-bit, 0 when none. */
  readonly errorCode: number;
  readonly detected: boolean;
  readonly applicability: number;
  /** True when an installer ran. */
  readonly executed: boolean;
  /** A hard reboot is now pending: the subgraph and the check-in stop processing apps (ime.md §5.4). */
  readonly rebootPending: boolean;
  /**
   * When the IME itself restarts the device for this pending reboot: after this many ms (RebootEx grace
   * period plus countdown). Undefined when it leaves the restart to the app or the user (ime.md §5.4).
   */
  readonly restartAfterMs: number | undefined;
  /** The §9 company-portal report that was sent. */
  readonly report: AppStatusReport;
  readonly compliance: ComplianceStateMessage;
  readonly enforcement: EnforcementStateMessage;
}

/** Everything the enforcement chart knows while it runs. */
export interface EnforcementContext extends EnforcementInput {
  readonly grs: GrsVerdict | undefined;
  readonly detection: DetectionOutcome | undefined;
  readonly applicability: ApplicabilityOutcome | undefined;
  readonly contentInfo: ContentInfo | undefined;
  readonly downloadedBytes: number;
  /** Which way the content came: Delivery Optimization, or the CDN after the DO job's wait ran out. */
  readonly deliveredVia: "DO" | "CDN";
  /** The retry counter the IME logs (`Execute retry 0`, 1, …). */
  readonly retry: number;
  readonly outcome: InstallOutcome | undefined;
  readonly mapping: ReturnCodeWord | undefined;
  /** Final enforcement state and error, set by the transition that decides them. */
  readonly finalState: number;
  readonly errorCode: number;
  readonly keepImeCache: boolean;
  /** The app needed enforcement but its GRS window is still open: nothing was attempted (ime.md §5.2). */
  readonly blockedByGrs: boolean;
  readonly rebootPending: boolean;
  /** Post-install detection, when it ran. */
  readonly detectedAfter: boolean | undefined;
  /** Whether an app this one supersedes was still detected at the last look (ime.md §11a order). */
  readonly supersededDetected: boolean | undefined;
  readonly result: EnforcementResult | undefined;
}
