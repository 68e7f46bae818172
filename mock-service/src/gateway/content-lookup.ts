// Which committed content file a GetContentInfo names, for one device (and user): the app must be assigned
// to them or reached through its relationships (ime.md §3.2). What the answer is made of is kept until the store
// changes, as the app lists are: under load every device asks for the same few apps, and working the assignments
// and files out again in SQLite was a large share of each call.
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

/** What an app version serves to every device it reaches: the app's stored id and its committed file. */
interface ServedVersion {
  /** The app's id as stored (undefined: no such app). */
  readonly appId: string | undefined;
  readonly file: ContentFileRecord | undefined;
}

/** A lookup over `store`, cached per store generation. */
export function createContentLookup(store: Store): ContentLookup {
  // The app and its committed file do not depend on who asks: read once per app version and generation, not once
  // per device (a fleet's devices all ask for the same few; reading and parsing the file rows was most of a
  // lookup). Whether the asking device may have it is worked out per call from the device's reachable apps, which
  // are kept per generation too (device-policies.ts); an answer cache per device, app and version in front of that
  // missed on nearly every call, since a device asks once per app (issue 18).
  const versions = deviceCache<ServedVersion>();
  let cachedGeneration = store.generation;
  return (deviceId, userId, appId, version) => {
    if (store.generation !== cachedGeneration) {
      versions.clear();
      cachedGeneration = store.generation;
    }
    const versionKey = `${appId.toLowerCase()}|${version}`;
    let served = versions.get(versionKey);
    if (served === undefined) {
      served = servedVersion(store, appId, version);
      versions.set(versionKey, served);
    }
    return served.appId !== undefined &&
      reachableAppIds(store, deviceId, userId).has(served.appId.toLowerCase())
      ? served.file
      : undefined;
  };
}

function servedVersion(store: Store, appId: string, version: number): ServedVersion {
  const app = store.getApp(appId);
  if (app === undefined) return { appId: undefined, file: undefined };
  const file = store
    .listFiles(app.id, version)
    .find((candidate) => candidate.isCommitted && candidate.encryptionInfo !== null);
  return { appId: app.id, file };
}
