import { createHmac, timingSafeEqual } from "node:crypto";

/** HMAC-SHA256 of `parts` under the service's URL key, base64url: the `sig` of the URLs it hands out. */
export function signUrlParts(key: Buffer, parts: readonly string[]): string {
  return createHmac("sha256", key).update(parts.join("\n")).digest("base64url");
}

/** True when `signature` is the signature of `parts` (constant-time). */
export function verifyUrlParts(
  key: Buffer,
  parts: readonly string[],
  signature: string | undefined,
): boolean {
  if (signature === undefined) return false;
  const expected = Buffer.from(signUrlParts(key, parts));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
