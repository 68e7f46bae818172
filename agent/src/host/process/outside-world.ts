// What lies outside the virtual device: a modelled internet and the package managers' catalogue. Nothing
// here ever touches the real network — a script's download is answered from a table the scenario (or
// `imesim test --web <url>=<file>`) gives, and the packages `choco`/`winget` install come from a catalogue
// the scenario gives.
//
// The three answers a download can get, and why:
// - the URL is in the table: its content (a file or inline text) or the HTTP status it is listed with;
// - the device is offline (`--offline`, `web.offline: true`): every fetch fails as an offline Windows
//   device's does — name resolution fails ("The remote name could not be resolved: '<host>'") — which is a
//   conclusive outcome the package must handle;
// - neither: the run stops there as "not modelled", naming the URL, so `imesim test` says INCONCLUSIVE and
//   how to decide it (`--web` or `--offline`) instead of guessing.
// Well-known bootstrap URLs (Chocolatey's install.ps1) are answered by imesim itself unless the table
// overrides them, the same way PSADT's toolkit is modelled natively rather than interpreted.

import type { RegistryValue } from "../types.ts";

/** What one URL of the modelled internet answers. */
export type WebEntry = { readonly content: Uint8Array | string } | { readonly status: number };

/** The answer to one fetch. */
export type WebAnswer =
  | { readonly kind: "content"; readonly content: Uint8Array }
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "offline"; readonly host: string }
  | { readonly kind: "unlisted" };

/** A package manager imesim models. */
export type PackageManagerName = "choco" | "winget";

/** One package of the modelled catalogue: what installing it leaves on the device. */
export interface CataloguePackage {
  readonly manager: PackageManagerName;
  /** The id as the manager knows it (`googlechrome`, `7zip.7zip`); matched case-insensitively. */
  readonly id: string;
  readonly version: string;
  /** The display name Add/Remove Programs shows (winget list reads it); the id when absent. */
  readonly name?: string;
  /** The package's installer exit code (3010/1641 for a restart); the manager reports it (default 0). */
  readonly exitCode?: number;
  /** Files the package's installer writes (absolute, environment expanded by the caller). */
  readonly files?: readonly { readonly path: string; readonly content: string; readonly version?: string }[];
  readonly registry?: readonly {
    readonly key: string;
    readonly name: string;
    readonly value: RegistryValue;
  }[];
}

export interface OutsideWorld {
  readonly offline: boolean;
  fetch(url: string): WebAnswer;
  /** The catalogue's package, or undefined: the manager then answers as for an id its sources do not have. */
  findPackage(manager: PackageManagerName, id: string): CataloguePackage | undefined;
}

export interface OutsideWorldOptions {
  readonly web?: Iterable<readonly [string, WebEntry]>;
  readonly offline?: boolean;
  readonly packages?: readonly CataloguePackage[];
}

/** The URLs of Chocolatey's documented bootstrap script (https://chocolatey.org/install). */
export const CHOCOLATEY_BOOTSTRAP_URLS = [
  "https://community.chocolatey.org/install.ps1",
  "https://chocolatey.org/install.ps1",
];

/**
 * The text imesim serves for Chocolatey's bootstrap: a script whose one command is the native model of
 * what the real install.ps1 does (Install-ImesimChocolatey, see the PowerShell web cmdlets).
 */
export const CHOCOLATEY_BOOTSTRAP_SCRIPT =
  "# Chocolatey's install.ps1, modelled by imesim: it installs choco.exe under $env:ProgramData\\chocolatey\r\n" +
  "Install-ImesimChocolatey\r\n";

/** A URL as the table keys it: scheme and host lower-case, no fragment. */
export function normalizeUrl(url: string): string {
  const trimmed = url.trim().replace(/#.*$/, "");
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?]*)(.*)$/i.exec(trimmed);
  return m === null ? trimmed : `${m[1]!.toLowerCase()}${m[2]!.toLowerCase()}${m[3]}`;
}

/** The host name of a URL, as name resolution sees it. */
export function hostOf(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/?:]*)/i.exec(url.trim())?.[1]?.toLowerCase() ?? url;
}

/** A world from a table of URLs, the offline switch and a catalogue. */
export function createOutsideWorld(options: OutsideWorldOptions = {}): OutsideWorld {
  const table = new Map<string, WebEntry>();
  for (const url of CHOCOLATEY_BOOTSTRAP_URLS) table.set(url, { content: CHOCOLATEY_BOOTSTRAP_SCRIPT });
  for (const [url, entry] of options.web ?? []) table.set(normalizeUrl(url), entry);
  const offline = options.offline === true;
  const packages = options.packages ?? [];
  return {
    offline,
    fetch(url) {
      if (offline) return { kind: "offline", host: hostOf(url) };
      const entry = table.get(normalizeUrl(url));
      if (entry === undefined) return { kind: "unlisted" };
      if ("status" in entry) return { kind: "status", status: entry.status };
      const content =
        typeof entry.content === "string" ? new TextEncoder().encode(entry.content) : entry.content;
      return { kind: "content", content };
    },
    findPackage(manager, id) {
      return packages.find((p) => p.manager === manager && p.id.toLowerCase() === id.toLowerCase());
    },
  };
}

/** The message that stops a run at an unlisted URL (the verdict is then INCONCLUSIVE, naming it). */
export function unlistedUrlMessage(url: string, line: number): string {
  return (
    `line ${line}: the download of \`${url}\` is not modelled: give its content with ` +
    `\`--web ${url}=<file>\` (or the scenario's web: urls), or run with \`--offline\``
  );
}
