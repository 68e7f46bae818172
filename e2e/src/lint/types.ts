import type { DecodedImePolicy } from "@imesim/contracts/ime";

/** How bad a finding is: `error` = the app would fail in Intune; `warning` = it likely would; `info` = worth knowing. */
export type Severity = "error" | "warning" | "info";

/** One lint finding. `code` is stable (CI and tests match on it); `path` points into the IME policy. */
export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly path?: string;
  /** The IME error code the device would show, where the finding predicts one. */
  readonly imeErrorCode?: number;
}

/** The files of a package (relative paths, either separator) and, for scripts, their text. */
export interface PackageListing {
  readonly files: readonly string[];
  /** Text of a package file, or undefined when it is not in the package or not readable. */
  readText(path: string): string | undefined;
}

/** The MSI facts the lint compares with (a subset of the codec's MsiInfo). */
export interface MsiFacts {
  readonly productCode: string;
  readonly productVersion?: string;
}

/** Everything one lint run looks at: the app as the IME receives it, and optionally its package and MSI. */
export interface LintInput {
  readonly policy: DecodedImePolicy;
  readonly package?: PackageListing;
  readonly msi?: MsiFacts;
}

/** One rule: a pure function from the input to its findings. */
export type LintRule = (input: LintInput) => Finding[];
