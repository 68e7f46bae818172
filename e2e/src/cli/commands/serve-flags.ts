import type { ServerOptions } from "@imesim/mock-service";
import { type Command, InvalidArgumentError } from "commander";

/** What the service-tuning flags of `imesim serve` parse to. */
export interface ServeTuningFlags {
  log?: boolean;
  tokenLifetime?: number;
  downloadRate?: number;
  pendingPolls?: number;
  lenientCommit?: boolean;
  pageSize?: number;
  tenantDomain?: string[];
}

function wholeNumber(value: string, least: number, what: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < least)
    throw new InvalidArgumentError(`must be ${what}`);
  return number;
}

const rateUnits: Record<string, number> = { "": 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 };

/** `--download-rate`: bytes per second, with an optional k, M or G suffix (1024-based): `512k`, `2M`. */
export function parseRate(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?(?:\/s)?\s*$/i.exec(value);
  const amount =
    match === null ? Number.NaN : Number(match[1]) * (rateUnits[(match[2] ?? "").toLowerCase()] ?? 1);
  if (!Number.isFinite(amount) || amount < 1)
    throw new InvalidArgumentError("must be bytes per second, optionally with k, M or G (e.g. 512k, 2M)");
  return Math.floor(amount);
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds the flags that expose `ServerOptions`' tuning members to `serve`. */
export function addServeTuningFlags(command: Command): Command {
  return command
    .option(
      "--log",
      "log one line per request (method, path, status, ms, client); pretty on a terminal, JSON otherwise",
    )
    .option(
      "--token-lifetime <seconds>",
      "lifetime of issued tokens (default 3599; below 3599 IntuneWin32App renews on every call)",
      (value) => wholeNumber(value, 60, "a whole number of seconds, at least 60"),
    )
    .option("--download-rate <bytes/s>", "cap content downloads at this rate (512k, 2M, …)", parseRate)
    .option(
      "--pending-polls <n>",
      "answer a file's upload-state poll with a Pending state n times before Success (default 0)",
      (value) => wholeNumber(value, 0, "a whole number, 0 or more"),
    )
    .option("--lenient-commit", "skip the commit-time length and MAC checks of uploaded content")
    .option("--page-size <n>", "Graph collection page size before @odata.nextLink (default 100)", (value) =>
      wholeNumber(value, 1, "a positive whole number"),
    )
    .option(
      "--tenant-domain <domain>",
      "a domain name of the tenant, usable in authority URLs instead of its id (repeatable; the first is the default; default imesim.onmicrosoft.com)",
      collect,
    );
}

/** The `ServerOptions` members the tuning flags set; `terminal` says whether stdout is a TTY (pretty logs). */
export function serverOptionsFromFlags(flags: ServeTuningFlags, terminal: boolean): Partial<ServerOptions> {
  return {
    ...(flags.log === true ? { logger: terminal ? ("pretty" as const) : true } : {}),
    ...(flags.tokenLifetime === undefined ? {} : { tokenLifetimeSeconds: flags.tokenLifetime }),
    ...(flags.downloadRate === undefined ? {} : { downloadBytesPerSecond: flags.downloadRate }),
    ...(flags.pendingPolls === undefined ? {} : { pendingPolls: flags.pendingPolls }),
    ...(flags.lenientCommit === true ? { lenientCommit: true } : {}),
    ...(flags.pageSize === undefined ? {} : { pageSize: flags.pageSize }),
    ...(flags.tenantDomain === undefined ? {} : { tenantDomains: flags.tenantDomain }),
  };
}
