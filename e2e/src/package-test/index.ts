export { readTestedApp, type TestedApp, TestInputErrorCode, testedAppOf } from "./app-input.ts";
export { listFolder, listMemory } from "./folder-listing.ts";
export { type PackageSource, readPackageSource } from "./package-source.ts";
export {
  type PackagingTestOptions,
  type PackagingTestReport,
  runPackagingTest,
  type Verdict,
  type VerdictOutcome,
  verdictOf,
} from "./packaging-test.ts";
export { type ReturnCodeOutcome, returnCodeOutcomes } from "./return-code-outcomes.ts";
export { formatPackagingReport } from "./text-report.ts";
