// Getting the encrypted content onto the device (ime.md §1.3.6, §3.4): Delivery Optimization first, the
// CDN when the DO job outlives its wait, Range resumes after a dropped link, and the [DO TEL] numbers.
import { frozenParseMemo } from "@imesim/contracts/schema";
import { type Clock, whileHeld } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import type { DeliveryTelemetry } from "../events/types.ts";
import type { DiskSpool } from "../host/files/disk-spool.ts";
import { openGrowingFile } from "../host/files/growing-file.ts";
import type { Host } from "../host/types.ts";
import { incomingPath } from "../ime/paths.ts";
import { formatTimeSpan } from "../log/lines.ts";
import { callService, type TokenProvider } from "../service-client/token-provider.ts";
import { type ImeServiceClient, isServiceError } from "../service-client/types.ts";
import { DOWNLOAD_ERROR } from "./decisions.ts";
import { message, subjectOf } from "./enforcement-subject.ts";
import type { EnforcementContext } from "./enforcement-types.ts";
import { downloadMs } from "./work-durations.ts";

/** Shares (0–1) of a DO download served by LAN peers, group peers and a Connected Cache server; HTTP gets the rest. */
export interface DeliverySources {
  readonly lanPeers?: number;
  readonly groupPeers?: number;
  readonly cacheServer?: { readonly share: number; readonly host: string };
}

/** The `[DO TEL]` numbers of one download (ime.md §1.3.6): bytes per source, peer share and duration. */
export function deliveryTelemetry(
  fileId: string,
  size: number,
  durationMs: number,
  sources: DeliverySources | undefined,
): DeliveryTelemetry {
  const part = (share: number | undefined) => Math.floor(size * Math.min(1, Math.max(0, share ?? 0)));
  const lan = part(sources?.lanPeers);
  const group = Math.min(size - lan, part(sources?.groupPeers));
  const cache = Math.min(size - lan - group, part(sources?.cacheServer?.share));
  const peers = lan + group;
  return {
    FileId: fileId,
    FileSize: size,
    TotalBytesDownloaded: size,
    BytesFromPeers: peers,
    PercentPeerCaching: size === 0 ? 0 : Math.round((peers / size) * 100),
    BytesFromLanPeers: lan,
    BytesFromGroupPeers: group,
    BytesFromInternetPeers: 0,
    BytesFromLinkLocalPeers: 0,
    BytesFromCacheServer: cache,
    CacheHost: cache > 0 ? (sources?.cacheServer?.host ?? "") : "",
    // DO download mode 1 = LAN peering (the Windows default), 2 = group; 0 = HTTP only.
    DownloadMode: group > 0 ? 2 : lan > 0 ? 1 : 0,
    DownloadDuration: formatTimeSpan(durationMs),
    BytesFromHttp: size - peers - cache,
  };
}

/** The Intune DO caller prefix of every FileId (ime.md §3.4). */
const DO_CALLER_PREFIX = "501FCB7D-A970-4E34-A753-4B48FE5D8BEF";
/** DO background job wait, newer builds (ime.md §3.4); foreground waits 12 h. */
const DO_BACKGROUND_TIMEOUT_MS = 1_800_000;
const DO_FOREGROUND_TIMEOUT_MS = 43_200_000;
/** A dropped connection is resumed with a Range request this many times before the download fails. */
export const DOWNLOAD_RESUME_LIMIT = 3;
/** Write the partial .bin to disk at least this often, so a crash resumes rather than restarts. */
const PERSIST_EVERY_BYTES = 1024 * 1024;
/**
 * A .bin up to this size is gathered in memory (a fleet's small packages never touch the real disk); a larger
 * one streams into the agent's disk spool as it arrives, so memory stays flat whatever the package's size.
 */
const MEMORY_DOWNLOAD_BYTES = 1024 * 1024;

/**
 * The FileId's middle, `<seg1>_<seg2>_<file>`, by the content URL's address without its query: each device's URL
 * differs only in its query, and parsing the whole URL per download cost more than the rest of the FileId (issue
 * 18). A URL's path ends at its first `?` or `#`, so the address alone has the same path. A few kept.
 */
const addressPathPart = frozenParseMemo((address: string): string => {
  const segments = new URL(address).pathname.split("/").filter((s) => s !== "");
  const file = (segments.at(-1) ?? "content").replace(/\./g, "-");
  const [seg1 = "", seg2 = ""] = segments;
  return `${seg1}_${seg2}_${file}`;
}, 64);
const pathPartOf = (url: string): string => {
  const end = url.search(/[?#]/);
  return addressPathPart(end < 0 ? url : url.slice(0, end));
};

/** The DO FileId built from the content URL (ime.md §3.4). */
export function deliveryFileId(url: string, appId: string, version: number): string {
  return `${DO_CALLER_PREFIX}_${pathPartOf(url)}_${appId}_${version}`;
}

/** What a download touches. */
export interface DownloadDeps {
  readonly host: Host;
  readonly events: ImeEventStream;
  readonly clock: Clock;
  readonly service: ImeServiceClient;
  readonly tokens: TokenProvider;
  readonly deliverySources?: DeliverySources;
  /** The IME version the agent plays; the log writer picks the DO completion line's era by it (ime.md §0). */
  readonly agentVersion: string;
  /** The device's link in Mbit/s; the download takes as long as its size needs (work-durations.ts). */
  readonly downloadMbps?: number;
  /** The real folder a large .bin streams into (removed with the agent). */
  readonly spool: DiskSpool;
}

/** What a finished download brought: its size, and whether DO or the CDN delivered it. */
export interface Delivery {
  readonly bytes: number;
  readonly via: "DO" | "CDN";
}

/** Downloads an enforcement's content to `Content\\Incoming\\<id>_<ver>.bin`; resolves with its size. */
export function createContentDownloader(
  deps: DownloadDeps,
): (context: EnforcementContext) => Promise<Delivery> {
  const { host, events, clock } = deps;
  return async (context: EnforcementContext): Promise<Delivery> => {
    const info = context.contentInfo!;
    const path = incomingPath(context.policy.Id, context.policy.Version);
    const fileId = deliveryFileId(info.url, context.policy.Id, context.policy.Version);
    const foreground = context.policy.DOPriority === 2;
    const started = clock.now();
    const doTimeoutMs = foreground ? DO_FOREGROUND_TIMEOUT_MS : DO_BACKGROUND_TIMEOUT_MS;
    // Delivery Optimization first; when the DO job outlives its wait, the IME goes to the CDN directly
    // (ime.md §3.4). We model the switch as the same transfer continuing in CDN mode from where it was.
    let via: "DO" | "CDN" = "DO";
    const checkDeliveryTimeout = () => {
      if (via === "DO" && clock.now() - started > doTimeoutMs) {
        via = "CDN";
        events.emit(
          { phase: "download.doTimedOut", details: { timeoutMs: doTimeoutMs } },
          subjectOf(context),
        );
        events.emit({ phase: "download.cdnFallback", details: { url: info.url } }, subjectOf(context));
      }
    };
    events.emit(
      {
        phase: "download.started",
        details: {
          version: context.policy.Version,
          name: context.policy.Name,
          url: info.url,
          fileId,
          session: context.session,
          foreground,
          timeoutMs: doTimeoutMs,
        },
      },
      subjectOf(context),
    );
    // A partial .bin left by a crash or a dropped link is resumed with a Range request (ime.md §3.4).
    // Real file work holds a virtual clock, or it would run ahead while the disk answers.
    const file = await whileHeld(clock, () =>
      openGrowingFile({
        fs: host.fs,
        path,
        spool: deps.spool,
        spoolName: `${context.policy.Id}_${context.policy.Version}.bin`,
        memoryBytes: MEMORY_DOWNLOAD_BYTES,
      }),
    );
    try {
      if (file.size > 0)
        events.emit({ phase: "download.resumed", details: { fromByte: file.size } }, subjectOf(context));
      for (let resumes = 0; ; ) {
        let unpersisted = 0;
        try {
          await callService(deps.tokens, clock, async (token) => {
            for await (const chunk of deps.service.downloadContent({
              token,
              url: info.url,
              fromByte: file.size,
            })) {
              // Each chunk goes to the file as it arrives: nothing holds the whole .bin.
              await whileHeld(clock, () => file.append(chunk));
              checkDeliveryTimeout();
              unpersisted += chunk.length;
              if (unpersisted >= PERSIST_EVERY_BYTES) {
                file.persist();
                unpersisted = 0;
              }
            }
          });
          file.persist();
          break;
        } catch (error) {
          if (file.size > 0) file.persist();
          resumes += 1;
          if (!isServiceError(error, "connectionDropped") || resumes > DOWNLOAD_RESUME_LIMIT) {
            events.emit(
              {
                phase: "download.failed",
                // The code the enforcement records for it, so the log, the registry and the report agree
                // (ime.md §11a: one content failure shows one error code everywhere).
                details: { errorCode: DOWNLOAD_ERROR, message: message(error), fileId },
              },
              subjectOf(context),
            );
            throw error;
          }
          events.emit({ phase: "download.resumed", details: { fromByte: file.size } }, subjectOf(context));
        }
      }
    } finally {
      await whileHeld(clock, () => file.close());
    }
    const size = file.size;
    // The transfer takes the time its size needs on the device's link (peers faster), not zero.
    const peerShare =
      via === "DO" ? (deps.deliverySources?.lanPeers ?? 0) + (deps.deliverySources?.groupPeers ?? 0) : 0;
    const remaining = downloadMs(size, deps.downloadMbps, peerShare) - (clock.now() - started);
    if (remaining > 0) await clock.sleep(remaining);
    events.emit(
      { phase: "download.progress", details: { name: context.policy.Name, bytes: size, total: size } },
      subjectOf(context),
    );
    const telemetry = deliveryTelemetry(
      fileId,
      size,
      clock.now() - started,
      via === "DO" ? deps.deliverySources : undefined,
    );
    events.emit(
      {
        phase: "download.completed",
        details: { size, via, telemetry, agentVersion: deps.agentVersion, durationMs: clock.now() - started },
      },
      subjectOf(context),
    );
    return { bytes: size, via };
  };
}
