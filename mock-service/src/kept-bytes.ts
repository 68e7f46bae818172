// Bytes the mock keeps beyond the request that made them (a cache entry, a record held per device) are copied into a
// buffer of their own first. Node hands a small Buffer (allocUnsafe, from, concat, a DER written with der(): anything
// under half of Buffer.poolSize, 64 KiB in Node 24) out of a shared pool slab, and a kept view of a few dozen bytes keeps
// its whole slab alive: the device-certificate cache pinned up to one 64 KiB slab per cached device (issue 18).

/** `bytes` in a buffer that holds exactly them, so keeping it keeps nothing else alive. */
export function keptBytes(bytes: Uint8Array): Buffer {
  const own = Buffer.allocUnsafeSlow(bytes.byteLength);
  own.set(bytes);
  return own;
}
