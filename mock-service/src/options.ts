import type { FaultPlan } from "./faults/plan.ts";
import type { LogSetting } from "./http/request-log.ts";

/** How to start the mock Intune service. Only `dataDir` is required. */
export interface ServerOptions {
  /** Folder for the SQLite store, content blobs, keys and certificates; reused across restarts. */
  readonly dataDir: string;
  /**
   * `dataDir` is this service's alone and is removed when it stops (a scenario run without --out): the database
   * (devices, apps, assignments, reports) is kept in memory instead of `dataDir/imesim.sqlite`, and a small blob
   * once read is served from memory with no look at its file, since only this service changes it. Nothing in the
   * database survives a restart; content and keys are still written to `dataDir`.
   */
  readonly ephemeral?: boolean;
  /** Tenant id the tokens carry; a fixed default when omitted. */
  readonly tenantId?: string;
  /**
   * Domain names the tenant also answers to in authority URLs (`https://host/contoso.onmicrosoft.com`), as
   * Entra resolves a tenant by id or by any of its verified domains. The first is the default domain;
   * `imesim.onmicrosoft.com` when omitted.
   */
  readonly tenantDomains?: readonly string[];
  /**
   * Absolute base URL clients reach this service at (e.g. `https://mock.local:8443`). Every URL
   * the service hands out (SAS upload URLs, content locations, nextLinks) is built from it.
   * When omitted, it is taken from each request's Host header and protocol.
   */
  readonly publicBaseUrl?: string;
  /** When set, only these client id/secret pairs get admin tokens; otherwise any pair is accepted. */
  readonly clientCredentials?: readonly { readonly clientId: string; readonly clientSecret: string }[];
  /** Serve HTTPS with a certificate from the CA kept in the data folder. */
  readonly tls?: boolean;
  /** Extra DNS names for the TLS certificate (localhost, 127.0.0.1 and ::1 are always in it). */
  readonly tlsHostnames?: readonly string[];
  /**
   * Request logging: one line per request (method, path, status, ms, client) as JSON lines with `true`,
   * through pino-pretty with `"pretty"`; none when omitted.
   */
  readonly logger?: LogSetting;
  /** Lifetime of issued tokens in seconds; ≥ 3599 keeps IntuneWin32App from renewing (graph-win32.md §5.1). */
  readonly tokenLifetimeSeconds?: number;
  /** `CheckinIntervalMinutes` in gateway replies (ime.md §3.1 shows 56). */
  readonly checkinIntervalMinutes?: number;
  /** Pending answers a file's upload-state poll gives before Success (graph-win32.md §2.3: keep tests fast). */
  readonly pendingPolls?: number;
  /** Skip the commit-time length/MAC checks (graph-win32.md §2.8 "lenient switch"). */
  readonly lenientCommit?: boolean;
  /** Cap on content download speed in bytes per second, to model slow links. */
  readonly downloadBytesPerSecond?: number;
  /** Graph page size before `@odata.nextLink` is used. */
  readonly pageSize?: number;
  /**
   * Faults to inject from the start (also settable at run time with `POST /admin/faults`). Without it, the
   * service resumes the plan and counters it kept in `dataDir`.
   */
  readonly faults?: FaultPlan;
  /**
   * Bearer token the admin plane (`/admin/*`) requires (contract A). When omitted (and `insecureAdmin` is not
   * set) the service makes a random one: read it from `server.intune.options.adminToken`.
   */
  readonly adminToken?: string;
  /** Leave the admin plane open to anyone who can reach the service (tests on loopback only). */
  readonly insecureAdmin?: boolean;
  /**
   * Enrollments one source address may make a minute (a burst of that many, refilled continuously); beyond it
   * enrollment answers 429 with Retry-After. 0 means no limit. Default 1200: a 1,000-device fleet enrolling at
   * once from one address passes.
   */
  readonly enrollmentsPerMinute?: number;
  /** Devices the tenant may hold; enrollment beyond it answers 429. 0 means no limit. Default 100,000. */
  readonly maxDevices?: number;
}

/** Options with every default filled in. */
export interface ResolvedOptions
  extends Required<
    Omit<ServerOptions, "publicBaseUrl" | "clientCredentials" | "faults" | "adminToken" | "tenantDomains">
  > {
  /** The admin plane's token; undefined only with `insecureAdmin`. */
  readonly adminToken: string | undefined;
  /** The tenant's domain names, lower case, the default domain first. */
  readonly tenantDomains: readonly string[];
  readonly publicBaseUrl: string | undefined;
  readonly clientCredentials:
    | readonly { readonly clientId: string; readonly clientSecret: string }[]
    | undefined;
  readonly faults: FaultPlan;
}
