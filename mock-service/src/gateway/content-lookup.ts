// Which committed content file a GetContentInfo names, for one device (and user): the app must be assigned
// to them or reached through its relationships (ime.md §3.2). Answers are kept until the store changes, as
// the app lists are: under load every device asks for the same few apps, and working the assignments and
// files out again in SQLite was a large share of each call.
import { deviceCache } from "../device-cache.ts";
import type { ContentFileRecord } from "../store/records.ts";
import type { Store } from "../store/store.ts";
import { reachableAppIds } from "./device-policies.ts";

/** Finds the committed file of an app version a device may download, or undefined (→ 404). */
export type ContentLookup = (
  deviceId: string,
  userId: string | undefined,
  appId: string,
  version: number,
) => ContentFileRecord | undefined;

/** A lookup over `store`, cached per store generation. */
export function createContentLookup(store: Store): ContentLookup {
  // Boxed: a lookup that found nothing (→ 404) is an answer too.
  const cache = deviceCache<{ readonly found: ContentFileRecord | undefined }>();
  let cachedGeneration = store.generation;
  return (deviceId, userId, appId, version) => {
    if (store.generation !== cachedGeneration) {
      cache.clear();
      cachedGeneration = store.generation;
    }
    const key = `${deviceId}|${userId ?? ""}|${appId.toLowerCase()}|${version}`;
    const known = cache.get(key);
    if (known !== undefined) return known.found;
    const found = findFile(store, deviceId, userId, appId, version);
    cache.set(key, { found });
    return found;
  };
}

function findFile(
  store: Store,
  deviceId: string,
  userId: string | undefined,
  appId: string,
  version: number,
): ContentFileRecord | undefined {
  const app = store.getApp(appId);
  if (app === undefined || !reachableAppIds(store, deviceId, userId).has(app.id.toLowerCase()))
    return undefined;
  return store
    .listFiles(app.id, version)
    .find((candidate) => candidate.isCommitted && candidate.encryptionInfo !== null);
}
