// What the IME leaves in its content folders when it is killed or an app disappears, and what it keeps.

import { ImeErrorCode, toSigned32 } from "@imesim/contracts/enums";
import type { FileSystem } from "../host/types.ts";
import { IMECACHE_DIR, INCOMING_DIR, STAGING_DIR, WIN32_APPS_KEY } from "./paths.ts";
import type { ImeStateStore } from "./state-store.ts";

/** 0x87D300C9 as the EnforcementStateMessage stores it: a timed-out install keeps its IMECache (ime.md §5.1). */
const INSTALL_TIMEOUT_ERROR = toSigned32(ImeErrorCode.InstallTimeout);

/**
 * Removes stale content at service start: Staging always (it only lives during one unzip); an Incoming
 * `.bin` or IMECache folder unless its app revision is still in progress (2xxx, so a download resumes with
 * Range) or, for IMECache, ended in an install timeout (ime.md §3.5: kept on timeout). Returns the paths removed.
 */
export function sweepStaleContent(fs: FileSystem, store: ImeStateStore): string[] {
  const keepIncoming = new Set<string>();
  const keepCache = new Set<string>();
  for (const userId of store.registry.listSubkeys(WIN32_APPS_KEY)) {
    for (const { appId, version } of store.listAppStates(userId)) {
      const state = store.readEnforcement({ userId, appId, version });
      if (state === undefined) continue;
      const revision = `${appId}_${version}`.toLowerCase();
      if (Math.floor(state.EnforcementState / 1000) === 2) {
        keepIncoming.add(`${revision}.bin`);
        keepCache.add(revision);
      } else if (state.ErrorCode === INSTALL_TIMEOUT_ERROR) {
        keepCache.add(revision);
      }
    }
  }
  const removed: string[] = [];
  const sweep = (dir: string, keep: ReadonlySet<string>) => {
    if (fs.stat(dir)?.kind !== "directory") return;
    for (const name of fs.list(dir)) {
      if (keep.has(name.toLowerCase())) continue;
      const path = `${dir}\\${name}`;
      if (fs.remove(path)) removed.push(path);
    }
  };
  sweep(STAGING_DIR, new Set());
  sweep(INCOMING_DIR, keepIncoming);
  sweep(IMECACHE_DIR, keepCache);
  return removed;
}
