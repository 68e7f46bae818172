import { createHmac, timingSafeEqual } from "node:crypto";
import type { LRUCache } from "lru-cache";
import { deviceCache } from "../device-cache.ts";

// The signatures made lately under each key, by their signed text: a device fetches its content moments after
// GetContentInfo handed it the signed URL, and in a busy fleet process an HMAC's OpenSSL set-up costs 20–30 µs
// on cold caches (issue 18). A remembered signature is the HMAC of the same text under the same key, so a check
// against it decides exactly as recomputing it would; texts not signed lately are computed as before.
const recentByKey = new WeakMap<Buffer, LRUCache<string, string>>();

function recentOf(key: Buffer): LRUCache<string, string> {
  let recent = recentByKey.get(key);
  if (recent === undefined) {
    recent = deviceCache<string>();
    recentByKey.set(key, recent);
  }
  return recent;
}

function hmacOf(key: Buffer, text: string): string {
  return createHmac("sha256", key).update(text).digest("base64url");
}

/** HMAC-SHA256 of `parts` under the service's URL key, base64url: the `sig` of the URLs it hands out. */
export function signUrlParts(key: Buffer, parts: readonly string[]): string {
  const text = parts.join("\n");
  const signature = hmacOf(key, text);
  recentOf(key).set(text, signature);
  return signature;
}

/** True when `signature` is the signature of `parts` (constant-time). */
export function verifyUrlParts(
  key: Buffer,
  parts: readonly string[],
  signature: string | undefined,
): boolean {
  if (signature === undefined) return false;
  const text = parts.join("\n");
  const expected = Buffer.from(recentOf(key).get(text) ?? hmacOf(key, text));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
