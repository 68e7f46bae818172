import { createHash } from "node:crypto";

/**
 * A GUID derived from a name (RFC 4122 version 5 layout over SHA-1), so a scenario that does not give
 * its apps or users ids still gets the same ids — and the same registry keys and log lines — every run.
 */
export function stableGuid(namespace: string, name: string): string {
  const digest = createHash("sha1").update(`imesim:${namespace}:${name}`).digest();
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An Entra-style user SID (`S-1-12-1-…`) derived from the user's object id, as Entra-joined devices show them. */
export function sidFromObjectId(objectId: string): string {
  const bytes = Buffer.from(objectId.replaceAll("-", ""), "hex");
  // Windows builds S-1-12-1 SIDs from the object id's GUID bytes in little-endian field order.
  const guidBytes = Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8, 16),
  ]);
  const parts = [0, 4, 8, 12].map((offset) => guidBytes.readUInt32LE(offset));
  return `S-1-12-1-${parts.join("-")}`;
}
