// How long the IME's work takes on the simulated clock. Nothing the IME does takes zero time: an analyser of
// real logs treats a download that ends in the second it started as failed, and a whole uninstall flow took
// about 40 s on a real device (ime.md §11a). The rates are ours [I]: plausible for a current PC, derived only
// from the work's size, so a scenario runs the same way every time.

/** The device's link when the scenario names none, in Mbit/s [I]. */
export const DEFAULT_DOWNLOAD_MBPS = 100;
/** Delivery Optimization peers on the LAN serve this many times faster than the internet link [I]. */
const PEER_SPEEDUP = 4;
/** Creating, starting and completing a DO job, whatever the size [I]. */
const DOWNLOAD_FLOOR_MS = 1_500;

/** Local crypto and unzip throughput, bytes per ms (≈ MB/s), and their fixed costs [I]. */
const HASH_BYTES_PER_MS = 500_000;
const DECRYPT_BYTES_PER_MS = 300_000;
const UNZIP_BYTES_PER_MS = 150_000;
const HASH_FLOOR_MS = 40;
const DECRYPT_FLOOR_MS = 60;
const UNZIP_FLOOR_MS = 120;

/** No process the IME starts ends in less: process creation, the installer's own start-up [I]. */
export const INSTALL_FLOOR_MS = 2_000;

/** Simulated ms to download `bytes`, `peerShare` (0–1) of them from DO peers. */
export function downloadMs(bytes: number, mbps = DEFAULT_DOWNLOAD_MBPS, peerShare = 0): number {
  const bytesPerMs = (mbps * 1_000_000) / 8 / 1000;
  const share = Math.min(1, Math.max(0, peerShare));
  const transfer = (bytes * (1 - share)) / bytesPerMs + (bytes * share) / (bytesPerMs * PEER_SPEEDUP);
  return DOWNLOAD_FLOOR_MS + Math.round(transfer);
}

/** Simulated ms for one content step over `bytes`. */
export function contentStepMs(step: "verify" | "decrypt" | "unzip", bytes: number): number {
  switch (step) {
    case "verify":
      return HASH_FLOOR_MS + Math.round(bytes / HASH_BYTES_PER_MS);
    case "decrypt":
      return DECRYPT_FLOOR_MS + Math.round(bytes / DECRYPT_BYTES_PER_MS);
    case "unzip":
      return UNZIP_FLOOR_MS + Math.round(bytes / UNZIP_BYTES_PER_MS);
  }
}
