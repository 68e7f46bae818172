/**
 * Windows build of each `minimumSupportedWindowsRelease` value (graph-win32.md §1.6), written the way
 * the IME's `MinimumWindows10BuildNumer` holds it ("10.0.26100", ime.md §2.4). Build numbers are the
 * public Windows release builds; the old flag names (`v10_1903`) are the keys of
 * `minimumSupportedOperatingSystem`, which the service still accepts (graph-win32.md §1.10).
 */
export const WINDOWS_RELEASE_BUILDS: Readonly<Record<string, string>> = Object.freeze({
  "1607": "10.0.14393",
  "1703": "10.0.15063",
  "1709": "10.0.16299",
  "1803": "10.0.17134",
  "1809": "10.0.17763",
  "1903": "10.0.18362",
  "1909": "10.0.18363",
  "2004": "10.0.19041",
  "2H20": "10.0.19042",
  "21H1": "10.0.19043",
  Windows10_21H2: "10.0.19044",
  Windows10_22H2: "10.0.19045",
  Windows11_21H2: "10.0.22000",
  Windows11_22H2: "10.0.22621",
  Windows11_23H2: "10.0.22631",
  Windows11_24H2: "10.0.26100",
  Windows11_25H2: "10.0.26200",
});

/** The canonical release name equal to `release` ignoring case, or undefined for an unknown release. */
export function canonicalWindowsRelease(release: string): string | undefined {
  const wanted = release.trim().toLowerCase();
  return Object.keys(WINDOWS_RELEASE_BUILDS).find((name) => name.toLowerCase() === wanted);
}

/** The minimum build named by the deprecated `minimumSupportedOperatingSystem` flags (`{"v10_1607": true}`), lowest first. */
export function buildFromMinimumOperatingSystem(
  flags: Readonly<Record<string, unknown>>,
): string | undefined {
  for (const [release, build] of Object.entries(WINDOWS_RELEASE_BUILDS)) {
    const flag = flags[`v10_${release}`];
    if (flag === true || (typeof flag === "string" && flag.toLowerCase() === "true")) return build;
  }
  return undefined;
}
