// What the enforcement flow needs from outside the charts. Implementations are plugged in by
// agent/src/agent.ts: the rule engine (agent/src/rules), the .intunewin codec (contracts), the service client.

import type { DecryptInfo } from "@imesim/contracts/gateway";
import type { DecodedImePolicy } from "@imesim/contracts/ime";
import type { DiskBacking } from "../host/files/file-store.ts";
import type { Host } from "../host/types.ts";

/** Who the evaluation runs for. */
export interface EvaluationContext {
  readonly userId: string;
  /** SID of the logged-on user when the app is user context; absent for the device session. */
  readonly userSid?: string;
}

/** Detection result: the decision and the IME's own log lines for each rule (ime.md §1.3.4). */
export interface DetectionOutcome {
  readonly detected: boolean;
  /** DetectedIdentityVersion / ProductVersion when MSI or file-version detection found one (ime.md §7.1). */
  readonly version?: string;
  /** Set when a rule could not be evaluated (e.g. 0x87D30004, ime.md §7.2); the app is then in error. */
  readonly errorCode?: number;
  readonly lines: readonly string[];
}

/** Applicability result: the ComplianceStateMessage Applicability code and log lines (ime.md §1.3.5, §7.6). */
export interface ApplicabilityOutcome {
  readonly applicability: number;
  readonly lines: readonly string[];
}

/**
 * Detection and requirement evaluation against the device (agent/src/rules provides the real one). Synchronous:
 * the rules read the in-memory device and run scripts through the synchronous ScriptRunner, so the charts run
 * both inside a transition instead of as an invoked actor each (issue 18).
 */
export interface AppEvaluator {
  detect(policy: DecodedImePolicy, host: Host, context: EvaluationContext): DetectionOutcome;
  checkApplicability(policy: DecodedImePolicy, host: Host, context: EvaluationContext): ApplicabilityOutcome;
}

/** One file of an unzipped package, path relative to the package root; large files stay on the real disk. */
export interface PackageEntry {
  readonly path: string;
  readonly data: Uint8Array | DiskBacking;
}

/**
 * The encrypted-content steps (ime.md §3.3), each over the downloaded `.bin`: check the HMAC, decrypt
 * (padding and FileDigest), unzip. Errors are ImesimErrors naming what failed.
 */
export interface ContentCodec {
  // A large .bin is handed over as its DiskBacking and read in pieces (host/files/growing-file.ts).
  verify(encrypted: Uint8Array | DiskBacking, keys: DecryptInfo): Promise<void>;
  decrypt(encrypted: Uint8Array | DiskBacking, keys: DecryptInfo): Promise<void>;
  unzip(encrypted: Uint8Array | DiskBacking, keys: DecryptInfo): Promise<PackageEntry[]>;
  /** Removes what unzipping left on the real disk; the files it returned are unreadable afterwards. */
  dispose?(): Promise<void>;
}
